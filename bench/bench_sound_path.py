"""The sound path's error budget: where the distance between a sound and what distill gives back comes from.

Usage: python bench/bench_sound_path.py [--kits gmrock tr808 lmms_drums lmms_texture] [--models DIR] [--unquantized-minutes M] [--out DIR]
       python bench/bench_sound_path.py --all [--minutes 10] [--kits gmrock tr808] [--models DIR] [--out DIR]

`--all` measures every target of the sound-path issue, on each kit (default both drum kits), in one run:
trains as `distill_train --minutes M` trains (`bench_realism.py`'s run, into --out/KIT; or evaluates the
models already in --models), prints its figures (ceiling ratio, codec realism, generated realism,
novelty, generation speed), this bench's rows on the same model, `bench_controls.py`'s variations, the
generated set and the variations again with the same codes decoded the old way, then
`bench_quantizer.py`'s speed at each kit's codec setting, and a table of the targets, each met or NOT MET
with its figure ("no worse": the same model's codes decoded the old way, in the same run).

On the held-out files of each kit (the split of `bench_realism.py`; the first second of each file,
peak-normalised to 0.95 as `load_corpus` normalises), every row takes one more step of the path away from the
original, so the growth from row to row is that step's share of the error:

- from the true linear STFT magnitude: Griffin-Lim (64 fast iterations) from a random phase, and from PGHI's
  phase (16): the cost of the phase alone;
- from the true log-mel: today's path (the filterbank's pseudo-inverse, Griffin-Lim 64 from a random phase;
  and 256), non-negative least squares + Griffin-Lim 16, NNLS + PGHI + Griffin-Lim 16, and distill's way back
  now (`features_to_waveform`: NNLS, PGHI, Griffin-Lim 16 with `mel_refit`): plus what the mel filterbank
  hides (the linear magnitude within each band);
- with `--models DIR` (a `bench_realism.py --out` folder holding KIT/model.distill, a codec trained as
  `distill_train --minutes M` trains it): the codec decoding its first q of Q quantizer levels, the new way
  back, and at full depth today's way (plus the codec's error at each bit rate: quantizer dropout trains
  every depth); its unquantized latent decoded (the decoder was trained on quantized latents, so this says
  little of the autoencoder's own error);
- with `--unquantized-minutes M`: the same autoencoder trained without its quantizer (the latent goes to
  the decoder as it is) for M minutes, as `train_vqvae` trains the codec otherwise (give the codec's own
  budget, 8 for a `--minutes 10` run): the autoencoder's capacity and budget, without the bits.

Per row: the multi-resolution STFT distance to the original (auraloss, FFT sizes 256/512/1024/2048, hops a
quarter, median over files), the same over today's path (the ceiling ratio of `bench_realism.py`, at these
resolutions), the realism of the same step applied to the training files, in both feature spaces of
`bench_realism.py` (1: as real as held-out files), and the seconds each row takes per second of sound. Then the
sound-path issue's two inversion targets (the inversion alone 30% below today's; codec + inversion <= 1.0 of
today's ceiling) and the terms of the budget, largest named. Not measured here: budgets of 10 and 30 minutes
side by side, learned inversions.
"""
import argparse, contextlib, statistics, sys, time, warnings
from pathlib import Path

import torch

from common import RUNS, HELD_OUT, SR, split_kit, first_seconds, features, FRONT, distance, corpus_of   # one split, one feature set for every bench
from distill.audio.realism import RealismScale
from distill.audio.spectrogram import griffin_lim
from distill.audio.inversion import features_to_waveform, nnls_magnitude, magnitude_to_waveform
from distill.models.persistence import load_model
from distill.models.vqvae import ConvVQVAE
from distill.training import train_vqvae, get_adaptive_vqvae_config



@contextlib.contextmanager
def without_quantizer():
    "ConvVQVAE with its quantizer bypassed: the latent goes to the decoder unchanged (no codes, no commitment)."
    real = ConvVQVAE.quantize
    def identity(self, z, depth=None):
        B, D, h, w = z.shape
        return z, torch.zeros(B, h * w, self.quantizer.num_quantizers, dtype=torch.long, device=z.device), z.new_zeros(())
    ConvVQVAE.quantize = identity
    try: yield
    finally: ConvVQVAE.quantize = real


def train_unquantized(kit, train_files, minutes, out):
    "An autoencoder like the kit's codec, trained without its quantizer for `minutes` on the kit's training files."
    corpus = corpus_of(train_files)
    with without_quantizer():
        res = train_vqvae(corpus, Path(out) / kit, get_adaptive_vqvae_config(len(corpus.files)), minutes=minutes, seed=0,
                          progress=False, checkpoint_every=0)
    return res.model.eval(), res.history


def paths(mf=None, unquantized_model=None):
    "Each row's name and its function: sounds [n, SR] -> what that step of the path gives back [n, SR] (no codec rows without `mf`)."
    c = FRONT.config
    new = lambda mel: features_to_waveform(FRONT, mel, 16, SR)                    # distill's way back now: NNLS, PGHI, 16 GL refitting the magnitude
    old = lambda mel: features_to_waveform(FRONT, mel, 64, SR, method='griffin-lim')
    def true_magnitude(w): return griffin_lim(FRONT.stft(w[:, None]).abs(), c.n_fft, c.hop_length, 64, length=SR)
    def true_magnitude_pghi(w): return magnitude_to_waveform(FRONT.stft(w[:, None]).abs(), c.n_fft, c.hop_length, 16, SR)
    def log_mel(n_iter): return lambda w: FRONT.mel_to_waveform(FRONT(w[:, None]), n_iter=n_iter, length=SR)[:, 0]
    def nnls_gl(w): return griffin_lim(nnls_magnitude(torch.expm1(FRONT(w[:, None])[:, 0]), FRONT.filterbank), c.n_fft, c.hop_length, 16, length=SR)
    def nnls_pghi(w): return magnitude_to_waveform(nnls_magnitude(torch.expm1(FRONT(w[:, None])[:, 0]), FRONT.filterbank), c.n_fft, c.hop_length, 16, SR)
    rows = [('GL 64 from the true linear magnitude', true_magnitude), ('PGHI + GL 16 from the true linear magnitude', true_magnitude_pghi),
            ('GL 256 from the true log-mel', log_mel(256)), ('GL 64 from the true log-mel (today)', log_mel(64)),
            ('NNLS + GL 16 from the true log-mel', nnls_gl), ('NNLS + PGHI + GL 16 from the true log-mel', nnls_pghi),
            ('NNLS + PGHI + GL 16, mel refit, from the true log-mel (new)', lambda w: new(FRONT(w[:, None])))]
    if mf is None: return rows
    def codec(q, back=new):
        def run(w):
            x = FRONT(w[:, None])
            return back(mf.model.decode_indices(mf.model(x)[1][..., :q], x.shape[-2:]))
        return run
    def unquantized(w):
        x = FRONT(w[:, None])
        return new(mf.model.decode(mf.model.encode(x), x.shape[-2:]))
    def trained_unquantized(w):
        with without_quantizer(): return new(unquantized_model(FRONT(w[:, None]))[0])
    Q = mf.model.quantizer.num_quantizers
    extra = [('autoencoder trained unquantized, new', trained_unquantized)] if unquantized_model is not None else []
    return rows + [*extra, ('codec, latent not quantized, new', unquantized), (f'codec, {Q} of {Q} levels, GL 64 (today)', codec(Q, old)),
                   *[(f'codec, {q} of {Q} levels, new', codec(q)) for q in range(1, Q + 1)]]


def kit_budget(kit, models, unquantized_minutes=None, out=None):
    "Print the kit's rows; the rows as dicts."
    train_files, held_files = split_kit(kit)
    train, held = first_seconds(corpus_of(train_files).clips), first_seconds(corpus_of(held_files).clips)
    f_train, f_held = features(train), features(held)
    scales = {fam: RealismScale(f_train[fam], f_held[fam]) for fam in f_train}
    model_file = Path(models) / kit / 'model.distill' if models else None
    mf = load_model(model_file, device='cpu') if model_file and model_file.exists() else None
    print(f"\n== {kit}: {len(held)} held-out files, {len(train)} training files", flush=True)
    if mf is not None:
        h = mf.history
        print(f"  codec {model_file}: {len(h['train'])} epochs, {statistics.median(h['epoch_seconds']):.2f} s per epoch (median), "
              f"{mf.model.quantizer.num_quantizers} levels of {mf.model.quantizer.codebook_size} codes", flush=True)
    else: print(f"  no codec at {model_file}: the inversion rows only", flush=True)
    ae = None
    if unquantized_minutes and mf is not None:
        ae, ah = train_unquantized(kit, train_files, unquantized_minutes, out)
        print(f"  autoencoder without quantizer: {len(ah['train'])} epochs in {unquantized_minutes} min, "
              f"{statistics.median(ah['epoch_seconds']):.2f} s per epoch (median)", flush=True)
    print(f"  {'row':<62}{'distance':>9}{'/ today':>9}{'realism MFCC':>14}{'envelope':>10}{'s per s':>9}")
    rows = []
    with torch.no_grad():
        for name, fn in paths(mf, ae):
            t0 = time.perf_counter(); back = fn(held); seconds = (time.perf_counter() - t0) / len(held)
            d = distance(back, held)
            made = features(fn(train))
            rows.append(dict(name=name, distance=d, seconds=seconds, mfcc=scales['mfcc'].figures(made['mfcc'])['realism'],
                             env=scales['envelope'].figures(made['envelope'])['realism']))
    today = next(r['distance'] for r in rows if r['name'].endswith('(today)'))
    for r in rows:
        print(f"  {r['name']:<62}{r['distance']:9.3f}{r['distance'] / today:9.2f}{r['mfcc']:14.2f}{r['env']:10.2f}{r['seconds']:9.3f}", flush=True)
    d = {r['name']: r['distance'] for r in rows}
    new = d['NNLS + PGHI + GL 16, mel refit, from the true log-mel (new)']
    print(f"  the inversion alone, from true log-mels: {new:.3f} against today's {today:.3f}: {100 * (1 - new / today):.0f}% below (target: 30%)", flush=True)
    terms = {'the phase (PGHI + 16 from the true magnitude vs the original)': d['PGHI + GL 16 from the true linear magnitude'],
             'the mel filterbank (the new way from the true log-mel vs from the true magnitude)': new - d['PGHI + GL 16 from the true linear magnitude']}
    if mf is not None:
        Q = mf.model.quantizer.num_quantizers
        codec = d[f'codec, {Q} of {Q} levels, new']
        print(f"  codec + the new way back against today's ceiling (GL 64 from the true log-mel): ratio {codec / today:.2f} (target: <= 1.0; "
              f"codec + today's GL 64: {d[f'codec, {Q} of {Q} levels, GL 64 (today)'] / today:.2f})", flush=True)
        if ae is None: terms['the codec at full depth (vs the true log-mel, both the new way)'] = codec - new
        else:
            terms['the autoencoder (trained unquantized, vs the true log-mel)'] = d['autoencoder trained unquantized, new'] - new
            terms['the quantizer (the codec vs the unquantized autoencoder)'] = codec - d['autoencoder trained unquantized, new']
    print('  terms: ' + '; '.join(f"{k} {v:+.3f}" for k, v in terms.items()) + f"; largest: {max(terms, key=terms.get)}", flush=True)
    return rows


@contextlib.contextmanager
def old_way_back():
    "Every sound that generation and reconstruction give back decoded the old way (pseudo-inverse, GL 64 from a random phase): the same codes, the other inversion."
    import distill.generation, distill.training.report
    new = features_to_waveform
    old = lambda front, mels, n_iter=16, length=None, seed=0: new(front, mels, 64, length, seed, method='griffin-lim')
    distill.generation.features_to_waveform = distill.training.report.features_to_waveform = old   # both look it up when called
    try: yield
    finally: distill.generation.features_to_waveform = distill.training.report.features_to_waveform = new


def realism_scales(kit):
    "(the kit's realism scale in each feature family, its readable training files): training against held-out files, first seconds."
    train, held = (first_seconds(corpus_of(f).clips) for f in split_kit(kit))
    f_train, f_held = features(train), features(held)
    return {fam: RealismScale(f_train[fam], f_held[fam]) for fam in f_train}, len(train)


def generated_realism(mf, scales, n):
    "Realism (MFCC, envelope) of `bench_realism.py`'s generated set (`n` sounds of 1 s, seed 0) on the kit's `scales`."
    from distill.generation import generate
    waves, _ = generate(mf, n=n, seconds=1.0, seed=0)
    made = features(first_seconds(list(waves)))
    return {fam: scale.figures(made[fam])['realism'] for fam, scale in scales.items()}


def all_targets(a):
    "Train (or load) each kit's model, print every figure of the sound-path issue, then its targets met or NOT MET."
    from types import SimpleNamespace
    import bench_realism, bench_controls, bench_quantizer
    models = Path(a.models or a.out)
    ra = SimpleNamespace(minutes=a.minutes, model='vqvae', calibrate=False, out=str(models), codec_from=None, evaluate=bool(a.models),
                         sampling={}, prior_changes={}, one_shot='auto')
    res = {}
    for kit in a.kits:
        r = bench_realism.run_kit(kit, ra, {})
        rows = {x['name']: x for x in kit_budget(kit, models)}
        var = bench_controls.bench_variations(kit, SimpleNamespace(models=str(models)))
        mf = load_model(models / kit / 'model.distill', device='cpu')
        print(f"\n== {kit}: the same codes decoded the old way (pseudo-inverse + GL 64): generated sounds and variations", flush=True)
        scales, n = realism_scales(kit)
        gen = {'new': generated_realism(mf, scales, n)}
        with old_way_back():
            gen['old'] = generated_realism(mf, scales, n)
            for way, g in gen.items():
                print(f"  generated ({n} x 1.0 s, seed 0), the {way} way: realism MFCC {g['mfcc']:.2f}, envelope {g['envelope']:.2f}", flush=True)
            old_var = bench_controls.bench_variations(kit, SimpleNamespace(models=str(models)))
        res[kit] = (r, rows, var, mf.config, gen, old_var)
    settings = {(c.codebook_dim, c.codebook_size, c.num_quantizers, c.lookup_dim) for _, _, _, c, _, _ in res.values()}
    print("\n== quantizer step against vector_quantize_pytorch (each kit's codec setting, one thread, medians) ==", flush=True)
    quant = [row for D, K, Q, L in sorted(settings, key=str) for row in bench_quantizer.speed([dict(N=32 * 48, D=D, K=K, Q=Q)], lookups=(L,))]
    bench_quantizer.print_speed(quant)
    print(f"\nTARGETS (the sound-path issue; distill_train --minutes {a.minutes} defaults, held-out files)")
    for kit, (r, rows, var, c, gen, old_var) in res.items():
        today = rows['GL 64 from the true log-mel (today)']['distance']
        new = rows['NNLS + PGHI + GL 16, mel refit, from the true log-mel (new)']['distance']
        checks = [('the inversion alone, from true log-mels, >= 30% below GL 64', f"{100 * (1 - new / today):.0f}% ({new:.3f} vs {today:.3f})", new <= 0.7 * today),
                  ('codec + inversion / GL 64 ceiling <= 1.0', f"{r['ratio']:.3f} (val {r['ratio_val']:.3f})", r['ratio'] <= 1.0),
                  ('codec realism <= 1.1, MFCC and envelope', f"{r['codec_mfcc']:.2f}, {r['codec_env']:.2f}", max(r['codec_mfcc'], r['codec_env']) <= 1.1)]
        checks.append(('generated realism no worse than the same codes the old way, MFCC and envelope',
                       f"{gen['new']['mfcc']:.2f}, {gen['new']['envelope']:.2f} (old way {gen['old']['mfcc']:.2f}, {gen['old']['envelope']:.2f})",
                       gen['new']['mfcc'] <= gen['old']['mfcc'] and gen['new']['envelope'] <= gen['old']['envelope']))
        now, before = [(row[1], row[3]) for row in var], [(row[1], row[3]) for row in old_var]
        checks.append(('variations no worse than the old way (reconstruction, amounts 0.1-0.9: distance to source, share nearer it)',
                       '; '.join(f"{d:.2f} {n:.0%}" for d, n in now) + ' (old way ' + '; '.join(f"{d:.2f} {n:.0%}" for d, n in before) + ')',
                       all(d <= bd and n >= bn for (d, n), (bd, bn) in zip(now, before))))
        checks += [('novelty >= 0.3', f"{r['novelty']:.2f}", r['novelty'] >= 0.3),
                   ('one 3 s sound >= 20x real time, a batch of 8 >= 40x', f"{r['rt1']:.1f}x, {r['rt8']:.1f}x", r['rt1'] >= 20 and r['rt8'] >= 40)]
        q = next(row for row in quant if row[0] == f"N={32 * 48} D={c.codebook_dim} K={c.codebook_size} Q={c.num_quantizers}" and row[1] == str(c.lookup_dim or 'euclid'))
        checks.append(('quantizer step >= 3x vector_quantize_pytorch, training and encoding', f"{q[3] / q[2]:.1f}x, {q[5] / q[4]:.1f}x ({q[0]}, lookup {q[1]})",
                       q[3] / q[2] >= 3 and q[5] / q[4] >= 3))
        print(f"  {kit}:")
        for name, figure, met in checks: print(f"    {'met    ' if met else 'NOT MET'} {name}: {figure}", flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kits', nargs='+', default=list(HELD_OUT), choices=list(HELD_OUT))
    ap.add_argument('--models', default=None, help="a bench_realism.py --out folder holding KIT/model.distill (without: the inversion rows only)")
    ap.add_argument('--unquantized-minutes', type=float, default=None, help="also train the autoencoder without its quantizer for this long")
    ap.add_argument('--out', default=str(RUNS / 'bench_sound_path'), help="where the unquantized autoencoders (with --all: the models) are written")
    ap.add_argument('--all', action='store_true', help="every target of the sound-path issue: train (or --models), measure, check")
    ap.add_argument('--minutes', type=float, default=10, help="--all: the distill_train budget")
    a = ap.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        if a.all:
            if '--kits' not in sys.argv: a.kits = ['gmrock', 'tr808']
            all_targets(a)
        else:
            for kit in a.kits: kit_budget(kit, a.models, a.unquantized_minutes, a.out)
