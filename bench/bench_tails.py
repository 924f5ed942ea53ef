"""Generated one-shots' tails: as decoded, and shaped to the corpus's decay rates at a few bounds, on one model each.

Usage: python bench/bench_tails.py --models DIR [--kits gmrock tr808 lmms_drums] [--shares 0.1 0.25]

For each kit (the split of `bench_realism.py`), the model in DIR/KIT/model.distill (a `bench_realism.py --out DIR`
run): as many 1 s sounds as training files, seed 0, `generate` defaults, once with the tails as the codec decodes
them and once per share with `shape_decay`'s bound at that quantile of the training files' decay rates
(`decay_bounds(share=...)`; 0.1 is the default). Per row: realism, novelty and diversity in both feature spaces of
`bench_realism.py`, the median length (last sound sample) beside the files' (each cut at 1 s), and the decay
(peak to 40 dB under) quartiles beside the training files'. Generation only: nothing is trained.
"""
import argparse, dataclasses
from pathlib import Path

import numpy as np

from common import kit_sets, first_seconds, features, FRONT, decays, quartiles, SR
from distill.models.persistence import load_model
from distill.generation import generate, decay_bounds


def run_kit(kit, a):
    corpus, train, held, scales = kit_sets(kit)
    mf = load_model(Path(a.models) / kit / 'model.distill')
    names = {f.name: i for i, f in enumerate(corpus.files)}
    mels = [FRONT(corpus.clips[names[n]][None, None])[0, 0] for n in mf.metadata['train_files']]
    print(f"\n== {kit}: files {np.median([min(len(c) / SR, 1.0) for c in corpus.clips]):.2f} s long (median, cut at 1 s), "
          f"training decay {quartiles(decays(train))} s", flush=True)
    for label, bounds in [('as decoded', None)] + [(f'slowest {share:g} of the rates', decay_bounds(mels, share=share)) for share in a.shares]:
        model = dataclasses.replace(mf, generator=dataclasses.replace(mf.generator, decay=bounds or None))
        waves, _ = generate(model, n=len(train), seconds=1.0, seed=0)
        made = features(first_seconds(list(waves)))
        figs = {fam: scales[fam].figures(made[fam]) for fam in scales}
        length = np.median([(int(w.nonzero().max()) + 1) / SR if w.any() else 0.0 for w in waves])
        print(f"  {label:<28} realism MFCC {figs['mfcc']['realism']:.2f}, envelope {figs['envelope']['realism']:.2f}; novelty "
              f"{figs['mfcc']['novelty']:.2f}, diversity {figs['mfcc']['diversity']:.2f}; length {length:.2f} s; decay {quartiles(decays(waves))} s", flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--models', required=True, help="a bench_realism.py --out folder holding KIT/model.distill")
    ap.add_argument('--kits', nargs='+', default=['gmrock', 'tr808', 'lmms_drums'])
    ap.add_argument('--shares', nargs='+', type=float, default=[0.1, 0.25])
    a = ap.parse_args()
    for kit in a.kits: run_kit(kit, a)
