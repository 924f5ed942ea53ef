"""The prior alone: today's flat prior and the column prior, fitted on the same codec for the same budget, side by side.

Usage: python bench/bench_prior.py --codec-from DIR [--kits gmrock tr808 lmms_drums lmms_textures] [--minutes 10]
                                   [--architectures flat columns] [--out DIR] [--stages-only [--length-ratios 0 1.25]]

For each kit (the split of `bench_realism.py`), the codec in DIR/KIT/model.distill (a `bench_realism.py --minutes 10
--out DIR` run), and for each architecture a prior fitted on it as `distill_train --minutes M` fits one (the
corpus-sized `PriorConfig` with `architecture` set, PRIOR_SHARE of M, `bench_realism.refit_generator`). Per prior,
on one line: epochs; held-out bits per code beside the unigram and repeat-the-previous-column baselines on the same
held-out codes (and how far under repeat); the seconds `sample_codes` takes for the codes of one 3 s sound and of a
batch of 8 (18 columns, every column sampled: no stop), and `generate`'s speed for the same (real-time factor,
median of 3 after a warm-up); the realism, novelty and diversity of as many generated 1 s sounds as training files,
in both feature spaces of `bench_realism.py`. Then each kit's ratios, columns over flat, measured in the same run,
and where `generate`'s time goes, stage by stage (sampling, decoding, tail shaping, magnitude, phase, Griffin-Lim,
trim; seconds, median of 3, 3 s asked, one sound and a batch of 8): today's path (the flat prior, the batch inverted
whole up to its longest sound), then each prior with each sound inverted only up to its own end.
Run nothing beside it: the priors train on a time budget.
`--stages-only`: no prior is fitted; the stage table of each kit's model in DIR as it is (its own generator), with
one-shots inverted in groups of like length (`length_groups`) for each of `--length-ratios` (0: each alone, as before),
measured in the same run.
"""
import argparse, collections, contextlib, functools, statistics, time
from argparse import Namespace
from pathlib import Path

import torch

from common import RUNS, kit_sets, HELD_OUT, split_kit, first_seconds, features, refit_generator, generation_speed
from distill.models.persistence import load_model
from distill.models.prior import sample_codes
from distill.generation import generate, load_generator
import distill.generation as generation
import distill.audio.inversion as inversion

STAGES = ((generation, 'sample_codes', 'sample'), (generation, 'decode_codes', 'decode'), (generation, 'shape_decay', 'shape'),
          (inversion, 'nnls_magnitude', 'magnitude'), (inversion, 'pghi', 'phase'), (inversion, 'griffin_lim', 'griffin-lim'),
          (generation, 'trim_one_shot', 'trim'))


@contextlib.contextmanager
def timed_stages(whole_batch=False):
    "Each stage's function wrapped to add its seconds to a dict (yielded); `whole_batch`: every sound inverted up to the batch's end (today's path)."
    seconds, kept = collections.defaultdict(float), []
    def wrap(f, label):
        def timed(*a, **k):
            t = time.perf_counter(); r = f(*a, **k); seconds[label] += time.perf_counter() - t; return r
        return timed
    for mod, name, label in STAGES:
        kept.append((mod, name, getattr(mod, name))); setattr(mod, name, wrap(getattr(mod, name), label))
    if whole_batch:
        kept.append((generation, 'mel_end_frames', generation.mel_end_frames))
        generation.mel_end_frames = lambda mels, **k: torch.full((len(mels),), mels.shape[-1])
    try: yield seconds
    finally:
        for mod, name, f in kept: setattr(mod, name, f)


def stage_row(label, mf, whole_batch=False, runs=3):
    "One line per batch size: `generate`'s seconds per stage (median of `runs` after a warm-up) and its real-time factor."
    for n in (1, 8):
        generate(mf, n=n, seconds=3.0, seed=0)
        rows, totals = [], []
        for r in range(runs):
            with timed_stages(whole_batch) as sec:
                t = time.perf_counter(); generate(mf, n=n, seconds=3.0, seed=r); totals.append(time.perf_counter() - t)
            rows.append(dict(sec))
        total = statistics.median(totals)
        parts = ', '.join(f"{label} {statistics.median(r.get(label, 0.0) for r in rows):.3f}" for _, _, label in STAGES)
        print(f"    {label:<44} n={n}: {parts}; total {total:.3f} s, {n * 3 / total:.1f}x real time", flush=True)


def sampling_seconds(gen, n, columns=18, runs=3):
    "Median seconds of `sample_codes` for `n` sequences of `columns` columns (after a warm-up)."
    sample_codes(gen, n, 2, temperature=0.8)
    times = []
    for r in range(runs):
        t = time.perf_counter(); sample_codes(gen, n, columns, temperature=0.8, seed=r); times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_kit(kit, a):
    train_files, held_files = split_kit(kit)
    corpus, train, held, scales = kit_sets(kit)
    print(f"\n== {kit}: {len(train_files)} training files, {len(held_files)} held out; codec from {a.codec_from}", flush=True)
    rows = {}
    for arch in a.architectures:
        out = Path(a.out) / arch / kit
        refit_generator(kit, Namespace(codec_from=a.codec_from, prior_changes={'architecture': arch}, minutes=a.minutes, one_shot='auto'), corpus, out)
        mf = load_model(out / 'model.distill')
        info, gen = mf.generator.info(), load_generator(mf)
        s1, s8 = sampling_seconds(gen, 1), sampling_seconds(gen, 8)
        rt1, rt8 = generation_speed(mf, 1), generation_speed(mf, 8)
        waves, _ = generate(mf, n=len(train), seconds=1.0, seed=0)
        made = features(first_seconds(list(waves)))
        figs = {fam: scales[fam].figures(made[fam]) for fam in scales}
        under = 1 - info['bits_per_code'] / info['repeat_bits']
        rows[arch] = dict(bits=info['bits_per_code'], s1=s1, s8=s8, rt1=rt1, rt8=rt8, mfcc=figs['mfcc']['realism'], env=figs['envelope']['realism'])
        print(f"  {arch:<8} {info['epochs']:4d} epochs; held-out bits per code {info['bits_per_code']:.3f} (unigram {info['unigram_bits']:.3f}, "
              f"repeat {info['repeat_bits']:.3f}: {100 * under:.0f}% under repeat); sampling 3 s: one {s1:.3f} s, 8 {s8:.3f} s; "
              f"generate 3 s: one {rt1:.1f}x, 8 {rt8:.1f}x real time; generated realism MFCC {figs['mfcc']['realism']:.2f}, "
              f"envelope {figs['envelope']['realism']:.2f}, novelty {figs['mfcc']['novelty']:.2f}, diversity {figs['mfcc']['diversity']:.2f}", flush=True)
    print("  where the time goes (seconds per call of generate, 3 s asked):", flush=True)
    for arch in a.architectures:
        mf = load_model(Path(a.out) / arch / kit / 'model.distill')
        if arch == 'flat': stage_row("today's path: flat prior, the batch inverted whole", mf, whole_batch=True)
        stage_row(f"{arch} prior, each sound inverted to its end", mf)
    if {'flat', 'columns'} <= set(rows):
        f, c = rows['flat'], rows['columns']
        print(f"  columns over flat: bits {c['bits'] / f['bits']:.2f}x, sampling time {c['s1'] / f['s1']:.2f}x (one) {c['s8'] / f['s8']:.2f}x (8), "
              f"generate speed {c['rt1'] / f['rt1']:.2f}x (one) {c['rt8'] / f['rt8']:.2f}x (8)", flush=True)
    return rows


def stages_only(kit, a):
    "The stage table of DIR/KIT/model.distill as it is, one-shots inverted in groups of like length for each of `a.length_ratios` (0: each alone)."
    mf = load_model(Path(a.codec_from) / kit / 'model.distill')
    print(f"\n== {kit}: {a.codec_from}/{kit}/model.distill ({mf.generator.kind}); seconds per call of generate, 3 s asked", flush=True)
    kept = generation.length_groups
    for r in a.length_ratios:
        generation.length_groups = functools.partial(kept, ratio=r)
        try: stage_row("each sound inverted alone" if r == 0 else f"sounds within {r:g}x of a group's shortest together", mf)
        finally: generation.length_groups = kept


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--codec-from', required=True, help="a bench_realism.py --out folder holding KIT/model.distill")
    ap.add_argument('--kits', nargs='+', default=list(HELD_OUT), choices=list(HELD_OUT))
    ap.add_argument('--minutes', type=float, default=10, help="the distill_train budget whose prior share each prior gets")
    ap.add_argument('--architectures', nargs='+', default=['flat', 'columns'])
    ap.add_argument('--out', default=str(RUNS / 'bench_prior'))
    ap.add_argument('--stages-only', action='store_true', help="no prior fitted: the stage table of each kit's model as it is, before and now")
    ap.add_argument('--length-ratios', type=float, nargs='+', default=[0, 1.25], help="with --stages-only: one-shots grouped for the way back within this ratio of lengths (0: each alone)")
    a = ap.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for kit in a.kits: (stages_only if a.stages_only else run_kit)(kit, a)
