"""Generation: the prior's training time and held-out bits per code against its baselines, and sampling speed.

Usage: python bench/bench_generation.py [--corpus FOLDER] [--model FILE [--keep-generator]] [--codec-epochs N] [--out DIR]

1. A codec: --model (a model file written by distill_train on --corpus, whose train/validation split it
   reuses) or else `train_vqvae` on the corpus for --codec-epochs (default 40). The corpus defaults to
   Hydrogen's GMRockKit (see CONTRIBUTING.md), else (or with `--corpus demo`) the demo corpus.
2. The prior: `fit_generator` with the corpus-sized `PriorConfig`; prints its training time and held-out
   bits per code next to the unigram and repeat-previous-column baselines measured in the same run.
   `--keep-generator` skips this and times the generator already in --model.
3. Sampling speed, median of 3 runs each, on this machine's threads: codes per second of the prior alone,
   and seconds of audio generated per wall-clock second including decoding and Griffin-Lim (generation's
   default of 16 iterations), for one 3 s sound and for a batch of 8. Target: at least 20x real time for
   one, 40x for 8. The sampler's steps run on one thread (`sample_codes`); the same sampling with its steps
   on all threads is timed beside it, the reference for that choice (run it with another core busy too).
   A model of one-shots trims its sounds where they end, so it is timed twice:
   as it is, and told that its corpus is a texture (every one of the 3 s sampled, nothing trimmed).
"""
import argparse, contextlib, dataclasses, statistics, tempfile, time
from pathlib import Path

import torch

from distill.audio.io import load_corpus, make_demo_corpus
from distill.models.persistence import load_model
import distill.models.prior as prior_module
from distill.models.prior import sample_codes
from distill.training import train_vqvae
from distill.generation import fit_generator, generate, load_generator

from common import GMROCK

@contextlib.contextmanager
def all_threads():
    "The sampler's steps on every thread torch has, as before `sample_codes` kept them to one: the reference for that choice."
    kept = prior_module._one_thread
    prior_module._one_thread = lambda dev: contextlib.nullcontext()
    try: yield
    finally: prior_module._one_thread = kept

def median_time(fn, runs=3):
    "(median seconds of `runs` calls after a warm-up call, the last call's result)."
    out, times = fn(), []
    for _ in range(runs):
        t = time.perf_counter(); out = fn(); times.append(time.perf_counter() - t)
    return statistics.median(times), out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default=str(GMROCK) if GMROCK.is_dir() else None)
    ap.add_argument('--model', default=None)
    ap.add_argument('--keep-generator', action='store_true', help="time the generator in --model as it is: no prior training")
    ap.add_argument('--codec-epochs', type=int, default=40)
    ap.add_argument('--out', default=None)
    a = ap.parse_args()
    out = Path(a.out or tempfile.mkdtemp())
    folder = a.corpus
    if folder in (None, 'demo'): folder = make_demo_corpus(out / 'demo_corpus') and out / 'demo_corpus'
    corpus = load_corpus(folder)
    print(f"corpus {folder}: {corpus}; {torch.get_num_threads()} threads")
    if a.model:
        out.mkdir(parents=True, exist_ok=True)
        path = out / 'model.distill'
        path.write_bytes(Path(a.model).read_bytes())                 # a copy: refitting its generator leaves the original alone
    else:
        path = train_vqvae(corpus, out / 'codec', epochs=a.codec_epochs, progress=False, checkpoint_every=0).model_path
    mf = load_model(path)
    print(f"codec: {len(mf.metadata['train_files'])} training files, {len(mf.metadata['val_files'])} held out")
    if not (a.model and a.keep_generator):
        info = fit_generator(path, corpus, progress=False)             # the split from the file's names (`training_split`)
        print(f"prior: {info.epochs} epochs in {info.seconds:.1f} s ({info.train_codes} training codes)")
        print(f"held-out bits per code: prior {info.bits_per_code:.3f} | unigram {info.unigram_bits:.3f} "
              f"| repeat previous column {info.repeat_bits:.3f}")
        print(f"  prior / unigram {info.bits_per_code / info.unigram_bits:.3f}, prior / repeat {info.bits_per_code / info.repeat_bits:.3f}")
    mf = load_model(path)
    prior = load_generator(mf)
    cols = 18                                                      # 3 s at the default grid (282 frames / 16)
    texture = dataclasses.replace(mf, generator=dataclasses.replace(mf.generator, one_shot=False))
    print(f"the corpus is {'one-shots' if mf.generator.one_shot else 'a texture'}")
    for n in (1, 8):
        kind = None if prior.kind is None else torch.zeros(n, dtype=torch.long)   # a prior with kinds: the first kind
        t, _ = median_time(lambda: sample_codes(prior, n, cols, seed=0, kind=kind))
        with all_threads(): t_all, _ = median_time(lambda: sample_codes(prior, n, cols, seed=0, kind=kind))
        codes = n * cols * prior.tokens_per_column
        print(f"n={n}: sampling all 3 s: {codes / t:,.0f} codes/s ({t:.2f} s); "
              f"with every step on all {torch.get_num_threads()} threads {codes / t_all:,.0f} codes/s: one thread {t_all / t:.2f}x as fast")
        for name, m in (('as trained', mf), ('as a texture', texture)):
            g, (waves, _) = median_time(lambda: generate(m, n=n, seconds=3.0, seed=0))
            heard = sum((int(w.nonzero().max()) + 1) / 48000 if w.any() else 0.0 for w in waves)
            print(f"  generate {name}: {n * 3.0 / g:.1f}x real time for {n} x 3 s asked ({g:.2f} s; "
                  f"{heard / g:.1f}x counting only the {heard:.1f} s of sound made)")

if __name__ == '__main__':
    main()
