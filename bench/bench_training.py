"""Reconstruction quality of the RVQ-VAE on held-out files of a real corpus, as `distill_train` trains it.

Usage: python bench/bench_training.py [--corpus FOLDER] [--minutes M] [--set FIELD=VALUE ...] [--out DIR]

Trains `train_vqvae` with `get_adaptive_vqvae_config`'s defaults (or with fields changed by `--set`, for
ablations) for the codec's share of a `--minutes` budget, as `distill_train --minutes M` gives it
(1 - PRIOR_SHARE), on the corpus (default: Hydrogen's GMRockKit, see CONTRIBUTING.md), then prints, on
the held-out files' one-second chunks:

- the ceiling ratio: multi-resolution STFT distance (auraloss) of model + Griffin-Lim to the original,
  divided by the same distance for the Griffin-Lim ceiling (original -> log-mel -> Griffin-Lim), same
  Griffin-Lim settings and seed, same run. Targets: <= 1.5 (1.0 is the limit);
- per level: entropy usage (entropy / log K) of the held-out codes, and churn (codes replaced per step,
  last training epoch). Targets: >= 90%, <= 1%;
- the rate/quality curve: held-out log-mel L1 and ceiling ratio decoding the first 1, 2, ..., Q levels.
  Target: each level lowers L1 by >= 5%;
- speed: audio-seconds of training per second, and seconds per epoch.
"""
import argparse, math, time

import torch
import auraloss

from distill.training import train_vqvae, VQVAEConfig, get_adaptive_vqvae_config
from distill.audio.io import load_corpus, chunk_clips
from distill.audio.spectrogram import AudioSpectrogram
from distill.models.quantizer import usage_stats
from distill.pipeline import PRIOR_SHARE

from common import GMROCK, RUNS, parse_value


def held_out(res, n_iter=64):
    "Ratio, L1, usage and the rate/quality curve on the held-out files' chunks."
    front = AudioSpectrogram(res.spectrogram)
    clips = [res.corpus.clips[res.corpus.files.index(f)] for f in res.val_files]
    chunks = chunk_clips(clips, round(res.config.chunk_duration_s * res.corpus.sample_rate))
    model, n = res.model.eval(), chunks.shape[1]
    mrstft = auraloss.freq.MultiResolutionSTFTLoss()
    with torch.no_grad():
        x = front(chunks[:, None])
        _, idx, _ = model(x)
        dist = lambda mel: mrstft(front.mel_to_waveform(mel, n_iter=n_iter, length=n), chunks[:, None]).item()
        ceiling = dist(x)
        Q, K = idx.shape[-1], model.quantizer.codebook_size
        curve = []
        for q in range(1, Q + 1):
            mel = model.decode_indices(idx[..., :q], x.shape[-2:])
            curve.append(dict(levels=q, l1=(mel - x).abs().mean().item(), ratio=dist(mel) / ceiling))
        counts = torch.stack([torch.bincount(idx[..., q].flatten(), minlength=K) for q in range(Q)])
    usage = [math.log(max(s['perplexity'], 1)) / math.log(K) for s in usage_stats(counts).values()]
    return dict(files=len(clips), chunks=len(chunks), ceiling=ceiling, curve=curve, usage=usage)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default=str(GMROCK))
    ap.add_argument('--minutes', type=float, default=10, help="the distill_train budget; the codec gets 1 - PRIOR_SHARE of it")
    ap.add_argument('--set', nargs='*', default=[], help="VQVAEConfig fields to change, FIELD=VALUE")
    ap.add_argument('--out', default=str(RUNS / 'bench_training'))
    a = ap.parse_args()
    corpus = load_corpus(a.corpus)
    changes = {k: parse_value(v) for k, v in (s.split('=', 1) for s in a.set)}
    config = VQVAEConfig(**{**get_adaptive_vqvae_config(len(corpus.files)).to_dict(), **changes})
    minutes = a.minutes * (1 - PRIOR_SHARE)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {corpus}; changed: {changes or 'nothing'}")
    t = time.perf_counter()
    res = train_vqvae(corpus, a.out, config, minutes=minutes, seed=0, progress=False, checkpoint_every=0)
    took = time.perf_counter() - t
    chunks = len(chunk_clips([corpus.clips[corpus.files.index(f)] for f in res.train_files], 48000))
    epochs = len(res.history['train'])
    print(f"codec: {epochs} epochs in {res.seconds:.0f} s of a {minutes * 60:.0f} s budget ({took:.0f} s with setup); "
          f"{chunks * epochs / res.seconds:.1f} audio-seconds of training per second, {res.seconds / epochs:.2f} s per epoch; "
          f"final validation loss {res.history['val'][-1]:.4f}")
    h = held_out(res)
    churn = [lvl['churn'] for lvl in res.history['health'][-1]]
    print(f"held-out: {h['files']} files, {h['chunks']} chunks; Griffin-Lim ceiling distance {h['ceiling']:.4f}")
    for i, (u, c) in enumerate(zip(h['usage'], churn)):
        print(f"  level {i}: entropy usage {u:.1%} (target >= 90%), churn {c:.2%} per step (target <= 1%)")
    print("  rate/quality: levels, log-mel L1, ceiling ratio, L1 change from one level fewer (target <= -5%)")
    for i, p in enumerate(h['curve']):
        change = '' if i == 0 else f"{p['l1'] / h['curve'][i - 1]['l1'] - 1:+.1%}"
        print(f"    {p['levels']}  {p['l1']:.4f}  {p['ratio']:.3f}  {change}")
    print(f"RESULT ratio {h['curve'][-1]['ratio']:.3f} (target <= 1.5), min usage {min(h['usage']):.1%}, "
          f"max churn {max(churn):.2%}, {chunks * epochs / res.seconds:.1f} audio-s/s, changed {changes or 'nothing'}")


if __name__ == '__main__':
    main()
