"""Generated one-shots' tails: as decoded, held to the corpus's decay rates (the bound before), and held under the
corpus's fall curves at a few quantiles, on one model each.

Usage: python bench/bench_tails.py --models DIR [--kits gmrock tr808 lmms_drums] [--shares 0.1 0.25 0.5]

For each kit (the split of `bench_realism.py`), the model in DIR/KIT/model.distill (a `bench_realism.py --out DIR`
run): as many 1 s sounds as training files, seed 0, `generate` defaults, with the tails
- as the codec decodes them;
- `rate`: each band after its peak falling at least as fast as the slowest tenth of the training files' mean
  rates to 40 dB down (the bound before the fall curves, kept here as the reference);
- `curve Q`: each band held under the training files' fall curve at quantile Q (`decay_bounds(share=Q)`).
Per row: realism, novelty and diversity in both feature spaces of `bench_realism.py`, the median length (last
sound sample) beside the files' (each cut at 1 s), the decay (peak to 40 dB under) quartiles and the median level
under the peak at 0.2, 0.4 and 0.8 s, beside the training files'. Generation only: nothing is trained.
"""
import argparse, dataclasses
from pathlib import Path

import numpy as np
import torch

from common import kit_sets, first_seconds, features, FRONT, decays, quartiles, SR
from distill.audio.spectrogram import frame_rms
from distill.models.persistence import load_model
from distill.generation import generate, decay_bounds, band_db, first_under
import distill.generation as generation

AT = (0.2, 0.4, 0.8)   # seconds after the peak where the level is read


def levels(waves, hop=512):
    "Median level (dB under the peak frame) of sounds at `AT` seconds after their loudest frame (silence -120)."
    rms = frame_rms(waves, hop)
    db = 20 * torch.log10(rms.clamp(min=1e-6) / rms.amax(1, keepdim=True).clamp(min=1e-6))
    at = lambda s: db.gather(1, (rms.argmax(1) + round(s * SR / hop)).clamp(max=db.shape[1] - 1)[:, None])[:, 0]
    return '/'.join(f"{float(at(s).median()):.0f}" for s in AT)


def rate_bounds(mels, drop_db=40.0, span_db=60.0, share=0.1):
    "The bound before the fall curves: per band, the slowest `share` of the files' mean rates (dB per frame) to `drop_db` down."
    rates = []
    for m in mels:
        L = band_db(m)
        frame, down = first_under(10 ** (L / 10), 10 ** (-drop_db / 10))
        rates.append(torch.where(down & (L.amax(-1) >= L.max() - span_db), drop_db / (frame - L.argmax(-1)).clamp(min=1), torch.nan))
    b = torch.stack(rates).double().nanquantile(share, 0)
    return torch.where(b.isnan(), b.nanmedian(), b)


def rate_shape(mels, slow, start=0, span_db=120.0):
    "The shaping before the fall curves: each band, after its peak, falling at least `slow` dB per frame from frame to frame."
    L = band_db(mels)
    top = L.amax((-1, -2), keepdim=True)
    L = torch.maximum(L, top - span_db)
    peak, out, slow = L.argmax(-1), L.clone(), slow.to(L)
    for t in range(max(start, 1), L.shape[-1]):
        out[..., t] = torch.where(t > peak, torch.minimum(L[..., t], out[..., t - 1] - slow), L[..., t])
    return torch.where(out > top - span_db, torch.log1p(10 ** (out / 10)), 0.0)


def run_kit(kit, a):
    corpus, train, held, scales = kit_sets(kit)
    mf = load_model(Path(a.models) / kit / 'model.distill')
    names = {f.name: i for i, f in enumerate(corpus.files)}
    mels = [FRONT(corpus.clips[names[n]][None, None])[0, 0] for n in mf.metadata['train_files']]
    print(f"\n== {kit}: files {np.median([min(len(c) / SR, 1.0) for c in corpus.clips]):.2f} s long (median, cut at 1 s), "
          f"training decay {quartiles(decays(train))} s, level at {'/'.join(map(str, AT))} s {levels(train)} dB", flush=True)
    rows = [('as decoded', None, None), ('rate (before)', None, rate_bounds(mels))]
    rows += [(f'curve {share:g}', decay_bounds(mels, share=share), None) for share in a.shares]
    for label, bounds, slow in rows:
        model = dataclasses.replace(mf, generator=dataclasses.replace(mf.generator, decay=bounds or (dict(lags=[0, 1], fall=[[0.0, 0.0]]) if slow is not None else None)))
        if slow is not None:                                              # the shaping before, in place of today's
            generation.shape_decay, today = (lambda m, b, start=0: rate_shape(m, slow, start)), generation.shape_decay
        try: waves, _ = generate(model, n=len(train), seconds=1.0, seed=0)
        finally:
            if slow is not None: generation.shape_decay = today
        made = features(first_seconds(list(waves)))
        figs = {fam: scales[fam].figures(made[fam]) for fam in scales}
        length = np.median([(int(w.nonzero().max()) + 1) / SR if w.any() else 0.0 for w in waves])
        print(f"  {label:<14} realism MFCC {figs['mfcc']['realism']:.2f}, envelope {figs['envelope']['realism']:.2f}; novelty "
              f"{figs['mfcc']['novelty']:.2f}, diversity {figs['mfcc']['diversity']:.2f}; length {length:.2f} s; decay {quartiles(decays(waves))} s; "
              f"level {levels(waves)} dB", flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--models', required=True, help="a bench_realism.py --out folder holding KIT/model.distill")
    ap.add_argument('--kits', nargs='+', default=['gmrock', 'tr808', 'lmms_drums'])
    ap.add_argument('--shares', nargs='+', type=float, default=[0.1, 0.25, 0.5])
    a = ap.parse_args()
    for kit in a.kits: run_kit(kit, a)
