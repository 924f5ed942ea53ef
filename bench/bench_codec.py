"""The codec alone: train it on a kit's training files for a few minutes, with `VQVAEConfig` changes, and measure what it gives back.

Usage: python bench/bench_codec.py NAME [--kits gmrock tr808 lmms_drums lmms_textures] [--minutes 3] [--set FIELD=VALUE ...] [--seed 0] [--out DIR]

For ablations of the codec (item 3 of the sound-path issue) faster than `bench_sound_path.py --all`: no prior, no
generation. Per kit (the split of `bench_realism.py`), `train_vqvae` on the training files with the kit's
`get_adaptive_vqvae_config` tier changed by `--set`, for `--minutes` (no checkpoints), then one line:
epochs and seconds per epoch; the last validation loss; on the held-out files (first second of each) the
multi-resolution STFT distance of codec + distill's way back to the original (`bench_sound_path.py`'s measure,
median) and the codec's log-mel L1; and the codec realism of the training files' reconstructions in both
feature spaces of `bench_realism.py` (1: as real as held-out files). Compare rows of one machine, nothing
else running; `--seed` changes the validation split and the initialisation (the spread between seeds is the
noise of a row).
"""
import argparse, statistics
from pathlib import Path

import torch

from common import RUNS, split_kit, first_seconds, features, FRONT, HELD_OUT, parse_value, corpus_of, distance
from distill.audio.realism import RealismScale
from distill.audio.inversion import features_to_waveform
from distill.training import train_vqvae, get_adaptive_vqvae_config


def run(name, kit, minutes, changes, seed, out):
    "Train the kit's codec with `changes` for `minutes`; print and return its figures."
    train_files, held_files = split_kit(kit)
    corpus = corpus_of(train_files)
    config = get_adaptive_vqvae_config(len(corpus.files))
    for k, v in changes.items(): setattr(config, k, v)
    config.validate()
    res = train_vqvae(corpus, Path(out) / name / kit, config, minutes=minutes, seed=seed, progress=False, checkpoint_every=0)
    model, h = res.model.eval(), res.history
    train, held = first_seconds(corpus.clips), first_seconds(corpus_of(held_files).clips)   # the corpus already holds the training files, peak-normalised
    f_train, f_held = features(train), features(held)
    back = lambda w: features_to_waveform(FRONT, model(FRONT(w[:, None]))[0], 16, w.shape[1])
    with torch.no_grad():
        x = FRONT(held[:, None])
        row = dict(epochs=len(h['train']), s_per_epoch=statistics.median(h['epoch_seconds']), val=h['val'][-1],
                   distance=distance(back(held), held), mel_l1=(model(x)[0] - x).abs().mean().item())
        made = features(back(train))
    row.update({fam: RealismScale(f_train[fam], f_held[fam]).figures(made[fam])['realism'] for fam in made})
    print(f"{name} {kit} seed {seed}: {row['epochs']} epochs, {row['s_per_epoch']:.2f} s per epoch, val {row['val']:.4f}; held out: "
          f"distance {row['distance']:.3f}, log-mel L1 {row['mel_l1']:.4f}; codec realism MFCC {row['mfcc']:.2f}, "
          f"envelope {row['envelope']:.2f}", flush=True)
    return row


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('name', help="the row's name (and its folder under --out)")
    ap.add_argument('--kits', nargs='+', default=['gmrock', 'tr808'], choices=list(HELD_OUT))
    ap.add_argument('--minutes', type=float, default=3.0, help="the codec's training budget")
    ap.add_argument('--set', nargs='*', default=[], help="VQVAEConfig fields to change, FIELD=VALUE")
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', default=str(RUNS / 'bench_codec'))
    a = ap.parse_args()
    changes = {k: parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    for kit in a.kits: run(a.name, kit, a.minutes, changes, a.seed, a.out)
