"""The musician's controls on two real drum kits: variations against their amount, and kinds.

Usage: python bench/bench_controls.py [--kits gmrock tr808] [--models DIR] [--codec-from DIR] [--minutes 10]
                                      [--out DIR] [--skip variations|kinds]

Both parts measure in the realism bench's features (`bench_realism.py`: librosa MFCC statistics of each
sound's first second, standardised by the kit's training files) on the same split by instrument.

1. Variations, on each kit: the model in `--models DIR/KIT/model.distill` (a `bench_realism.py --out`
   folder, i.e. a `distill_train` run on the kit's training files). Eight training files, evenly spaced
   in the kit, are the sources; each gets 4 variations at each amount (0.1, 0.3, 0.5, 0.9; seed 0,
   `variations` defaults otherwise). Printed per amount: the median distance of a variation from its
   source, the median distance from the source to the other training files (the scale), the share of
   variations nearer their source than to any other training file, and the share nearer their source
   than to any file of another instrument (GMRockKit holds five velocities of each instrument, near-copies
   of one another; on TR808 every file is its own instrument); and, as the floor, the same for
   the codec's own reconstruction of each source (`reconstruct`, 16 Griffin-Lim iterations). Sources
   are peak-normalised as `load_corpus` normalises training files. `--schedule levels-first` measures
   the other order of freeing codes that was tried (all finer levels up to 0.5, then the coarse level).
2. Kinds, on GMRockKit sorted by instrument family into subfolders (FAMILIES below): the codec of
   `--codec-from DIR/gmrock/model.distill` (trained on the same training files), a new prior with kinds
   fitted as `distill_train` fits it (PRIOR_SHARE of `--minutes`), then 8 sounds of every kind. A sound
   counts as right when its nearest held-out real file is of its kind. Only kinds with held-out files
   count (the held-out instruments are a tom, a hat, a snare and two cymbals); chance is the share of
   held-out files of the asked kind, averaged over the same sounds. The same figure for the training
   files themselves and for the codec's reconstructions of them is the measurement's ceiling.
   `--temperature` lists the sampling temperatures, `--prior-set` changes `PriorConfig` fields, and
   `--reuse` keeps a prior with kinds already fitted in `--out`.
"""
import argparse, tempfile, warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from common import RUNS, HELD_OUT, SR, split_kit, features, first_seconds, refit_generator, parse_value
from distill.audio.io import load_corpus, load_audio, AudioLoadError
from distill.models.persistence import load_model
import distill.generation
from distill.generation import generate, variations, model_kinds
from distill.training import reconstruct

AMOUNTS = (0.1, 0.3, 0.5, 0.9)
FAMILIES = {'kick': ('Kick',), 'snare': ('Snare', 'SnareRimshot', 'SideStick'), 'hat': ('HatClosed', 'HatOpen', 'HatPedal', 'HatSemiOpen'),
            'tom': ('Tom1', 'Tom2', 'TomFloor'), 'cymbal': ('Crash', 'Ride', '24Ride', 'Splash', 'Bell'), 'perc': ('Cowbell', 'HandClap')}


def family(name):
    "The GMRockKit family of a file name (its instrument is the part before the first dash)."
    inst = Path(name).stem.split('-')[0]
    return next(f for f, members in FAMILIES.items() if inst in members)


def mfcc(waves):
    "The realism bench's MFCC features of sounds [n, S] (each its first second)."
    return features(first_seconds(list(waves)))['mfcc']


def levels_first_mask(columns, rows, levels, amount):
    "The schedule measured against `variation_mask`'s: the finer levels freed over amounts up to 0.5, the coarse codes above."
    fine = [(c, q) for q in range(levels - 1, 0, -1) for c in range(columns - 1, -1, -1)]
    coarse = [(c, 0) for c in range(columns - 1, 0, -1)]
    freed = round(2 * amount * len(fine)) if amount <= 0.5 else len(fine) + round((2 * amount - 1) * len(coarse))
    keep = torch.ones(columns, rows, levels, dtype=torch.bool)
    for c, q in (fine + coarse)[:freed]: keep[c, :, q] = False
    return keep.reshape(-1)


def bench_variations(kit, a):
    train_files, _ = split_kit(kit)
    mf = load_model(Path(a.models) / kit / 'model.distill')
    readable = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for f in train_files:
            try: readable.append((f, load_audio(f, SR)))
            except AudioLoadError as e: print(f"  skipped: {e}", flush=True)   # as load_corpus does: reported, not fatal
    train_files = [f for f, _ in readable]
    clips = [x * (0.95 / x.abs().max()) for _, x in readable]   # peak-normalised as load_corpus does
    f_train = mfcc([c[:SR] for c in clips])
    mean, std = f_train.mean(0), f_train.std(0, unbiased=False).clamp(min=1e-3)
    z = lambda f: (f - mean) / std
    zt = z(f_train)
    sources = list(range(0, len(clips), max(1, len(clips) // 8)))[:8]
    print(f"\n== {kit}: variations of {len(sources)} training files ({mf.kind}, {Path(a.models) / kit})", flush=True)
    inst = [f.stem.split('-')[0] for f in train_files]
    print(f"  {'amount':>7}{'median distance to source':>27}{'(other training files)':>24}{'nearer source than any other':>30}"
          f"{'than other instruments':>24}", flush=True)
    rows = []
    for amount in (0,) + AMOUNTS:
        d_src, d_other, nearer, nearer_inst = [], [], [], []
        for s in sources:
            w = reconstruct(mf, clips[s], 16)[2][None] if amount == 0 else variations(mf, clips[s], n=4, amount=amount, seed=0)[0]
            zv = z(mfcc(w))
            d = torch.cdist(zv, zt)                                          # [4, n_train]
            others = torch.cat([d[:, :s], d[:, s + 1:]], 1)
            d_src += d[:, s].tolist(); nearer += (d[:, s] < others.min(1).values).tolist()
            foreign = d[:, [j for j in range(len(inst)) if inst[j] != inst[s]]]
            nearer_inst += (d[:, s] < foreign.min(1).values).tolist()
            d_other.append(float(torch.cat([zt[:s], zt[s + 1:]]).sub(zt[s]).norm(dim=1).median()))
        rows.append((amount, np.median(d_src), np.median(d_other), np.mean(nearer), np.mean(nearer_inst)))
        print(f"  {'recon.' if amount == 0 else amount:>7}{rows[-1][1]:27.2f}{rows[-1][2]:24.2f}{rows[-1][3]:29.0%}{rows[-1][4]:23.0%}", flush=True)
    return rows


def bench_kinds(a):
    train_files, held_files = split_kit('gmrock')
    tmp = Path(tempfile.mkdtemp(prefix='bench_kinds_'))
    for p in train_files:
        (tmp / 'train' / family(p.name)).mkdir(parents=True, exist_ok=True)
        (tmp / 'train' / family(p.name) / p.name).symlink_to(p)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        corpus = load_corpus(tmp / 'train')
        held = [load_audio(p, SR) for p in held_files]
    held_kinds = [family(p.name) for p in held_files]
    out = Path(a.out) / 'gmrock_kinds'
    changes = {k: parse_value(v) for k, v in (s.split('=', 1) for s in a.prior_set)}
    if not (a.reuse and (out / 'model.distill').exists()):
        refit_generator('gmrock', SimpleNamespace(codec_from=a.codec_from, prior_changes=changes, one_shot='auto', minutes=a.minutes), corpus, out)
    mf = load_model(out / 'model.distill')
    info = mf.generator.info()
    print(f"\n== gmrock sorted into kinds {corpus.kind_counts}; held out: "
          f"{ {k: held_kinds.count(k) for k in sorted(set(held_kinds))} }", flush=True)
    print(f"  prior with kinds: {info['epochs']} epochs, held-out bits per code {info['bits_per_code']:.3f} "
          f"(repeat {info['repeat_bits']:.3f})", flush=True)
    f_train = mfcc([c[:SR] for c in corpus.clips])
    mean, std = f_train.mean(0), f_train.std(0, unbiased=False).clamp(min=1e-3)
    z = lambda f: (f - mean) / std
    zh = z(mfcc([c[:SR] for c in held]))
    def score(name, waves, kinds):
        "The share of `waves` whose nearest held-out file is of their kind (counted kinds only), and chance."
        nearest = [held_kinds[i] for i in torch.cdist(z(mfcc(waves)), zh).argmin(1).tolist()]
        counted = [(n == k, held_kinds.count(k) / len(held_kinds)) for n, k in zip(nearest, kinds) if k in held_kinds]
        print(f"  {name}: {np.mean([c[0] for c in counted]):.0%} right (chance {np.mean([c[1] for c in counted]):.0%}, {len(counted)} sounds)", flush=True)
    train_kinds = [corpus.kinds[corpus.files.index(f)] for f in corpus.files]
    score('ceiling: the training files themselves', first_seconds(corpus.clips), train_kinds)
    score("the codec's reconstructions of the training files", first_seconds([reconstruct(mf, c[:SR], 16)[2] for c in corpus.clips]), train_kinds)
    result = {}
    for temperature in a.temperature:
        right, chance = [], []
        print(f"  generated at temperature {temperature}:\n  {'kind':<8}{'right':>7}{'chance':>8}   nearest held-out kinds", flush=True)
        for kind in model_kinds(mf):
            w, _ = generate(mf, n=8, seconds=1.0, kind=kind, seed=0, temperature=temperature)
            nearest = [held_kinds[i] for i in torch.cdist(z(mfcc(w)), zh).argmin(1).tolist()]
            share = held_kinds.count(kind) / len(held_kinds)
            ok = [k == kind for k in nearest]
            print(f"  {kind:<8}{np.mean(ok):7.0%}{share:8.0%}   {', '.join(nearest)}" + ('' if share else '  (no held-out file of this kind: not counted)'), flush=True)
            if share: right += ok; chance += [share] * len(ok)
        print(f"  counted kinds: {np.mean(right):.0%} of generated sounds have a held-out file of their kind as nearest "
              f"(chance {np.mean(chance):.0%}; {len(right)} sounds)", flush=True)
        result[temperature] = (np.mean(right), np.mean(chance))
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kits', nargs='+', default=['gmrock', 'tr808'], choices=list(HELD_OUT))
    ap.add_argument('--models', default=str(RUNS / 'p_final'), help="bench_realism --out folder whose models are varied")
    ap.add_argument('--codec-from', default=str(RUNS / 'm10_adv'), help="bench_realism --out folder whose GMRockKit codec gets a prior with kinds")
    ap.add_argument('--minutes', type=float, default=10, help="the distill_train budget the prior's share is taken from")
    ap.add_argument('--out', default=str(RUNS / 'bench_controls'))
    ap.add_argument('--skip', nargs='*', default=[], choices=['variations', 'kinds'])
    ap.add_argument('--temperature', nargs='+', type=float, default=[0.8], help="kinds: the sampling temperatures to generate at")
    ap.add_argument('--schedule', default='library', choices=['library', 'levels-first'],
                    help="variations: distill's variation_mask, or the levels-first schedule it was measured against")
    ap.add_argument('--reuse', action='store_true', help="kinds: reuse the prior with kinds already in --out")
    ap.add_argument('--prior-set', nargs='*', default=[], help="PriorConfig fields to change for the prior with kinds, FIELD=VALUE")
    a = ap.parse_args()
    torch.manual_seed(0)
    if a.schedule == 'levels-first': distill.generation.variation_mask = levels_first_mask   # `variations` looks it up when called
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    var = {kit: bench_variations(kit, a) for kit in a.kits} if 'variations' not in a.skip else {}
    kinds = bench_kinds(a) if 'kinds' not in a.skip else None
    print("\nRESULT")
    for kit, rows in var.items():
        print(f"  {kit} variations: " + '; '.join(f"{'reconstruction' if r[0] == 0 else f'amount {r[0]}'}: distance {r[1]:.2f}, nearer source {r[3]:.0%} ({r[4]:.0%} than other instruments)" for r in rows)
              + f" (other training files at {rows[0][2]:.2f})")
    for t, (right, chance) in (kinds or {}).items(): print(f"  gmrock kinds, temperature {t}: {right:.0%} right, chance {chance:.0%}")


if __name__ == '__main__':
    main()
