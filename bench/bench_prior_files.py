"""The prior against the files it learns from (issue 40, item 4): held-out bits per code of a prior trained on k of a
corpus's training files, k growing to all of them, on one codec and one set of held-out codes, with the unigram
(from the same k files) and repeat-the-previous-column baselines beside it.

Usage: python bench/bench_prior_files.py --codec-from DIR [--kits lmms_textures] [--counts 6 12 0] [--minutes 10]

The codec is DIR/KIT/model.distill (a `bench_realism.py --minutes 10 --out DIR` run). Each prior is fitted as
`distill_train --minutes M` fits one (the corpus-sized `PriorConfig`, PRIOR_SHARE of M), on the first k training
files of a seeded shuffle (0: all of them); held-out bits are also given on the k files themselves, which says how
much the prior memorises. Run nothing beside it: the priors train on a time budget.
"""
import argparse, random

import torch

from common import RUNS, HELD_OUT, split_kit, corpus_of
from distill.config import get_adaptive_prior_config
from distill.models.persistence import load_model
from distill.models.prior import encode_codes
from distill.training.prior import train_prior, prior_bits
from distill.pipeline import PRIOR_SHARE


def run_kit(kit, a):
    mf = load_model(f"{a.codec_from}/{kit}/model.distill")
    train_files, held_files = split_kit(kit)
    train, held = corpus_of(train_files), corpus_of(held_files)
    order = list(range(len(train.clips)))
    random.Random(0).shuffle(order)
    config = get_adaptive_prior_config(len(train.clips))                        # as bench_realism sizes it: its corpus is the training files
    print(f"\n== {kit}: {len(train.clips)} training files, {len(held.clips)} held out; {a.minutes * PRIOR_SHARE:.1f} min a prior", flush=True)
    print("  files  epochs  held-out bits  on its files  unigram  repeat  under repeat", flush=True)
    for k in a.counts:
        clips = [train.clips[i] for i in order[:k or len(order)]]
        res = train_prior(mf.model, clips, held.clips, mf.spectrogram, config, a.minutes * PRIOR_SHARE, 0, progress=False)
        f = res.figures
        own = prior_bits(res.prior, encode_codes(mf.model, clips, mf.spectrogram)[0], config.batch_size)
        print(f"  {len(clips):5d}  {f['epochs']:6d}  {f['bits_per_code']:13.3f}  {own:12.3f}  {f['unigram_bits']:7.3f}  {f['repeat_bits']:6.3f}  "
              f"{100 * (1 - f['bits_per_code'] / f['repeat_bits']):11.0f}%", flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--codec-from', default=str(RUNS / 'r10'), help="a bench_realism.py --out folder holding KIT/model.distill")
    ap.add_argument('--kits', nargs='+', default=['lmms_textures'], choices=list(HELD_OUT))
    ap.add_argument('--counts', type=int, nargs='+', default=[6, 12, 0], help="training files per prior (0: all)")
    ap.add_argument('--minutes', type=float, default=10, help="the distill_train budget whose prior share each prior gets")
    a = ap.parse_args()
    torch.set_num_threads(2)
    for kit in a.kits: run_kit(kit, a)
