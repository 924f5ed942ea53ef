"""The phase half of the way back: PGHI's integration order, a heap in Python against a maximum spanning tree
(scipy's, in C), and the Griffin-Lim iterations after it, on the held-out files of the four corpora.

Usage: python bench/bench_phase.py [--kits gmrock tr808 lmms_drums lmms_textures] [--seconds 3] [--n_iter 16 8 4]

The reference, measured in the same run: `common.heap_pghi`, distill's PGHI as it was (integration from the
loudest coefficient, always continuing from the loudest one reached, with `heapq`). Per corpus, over its
held-out files (the first --seconds of each, loaded as `distill_train` loads them):
- phase alone: the spectral convergence of each file rebuilt from its true STFT magnitude and the phase of
  each integration (no Griffin-Lim): median, and the share of files where the tree is closer;
- the whole way back from the true log-mel (`features_to_waveform`: NNLS, PGHI, Griffin-Lim with the mel refit)
  with the heap at 16 iterations, and with the tree at each --n_iter: the multi-resolution STFT distance to the
  original (median over files, `common.distance`) and seconds per second of sound (all files in one batch, median of 3);
- the seconds the phase alone takes per second of sound, heap and tree.
Run it with nothing beside it: the seconds are wall-clock on this machine's threads.
"""
import argparse, statistics, time
from unittest import mock

import numpy as np
import torch

import distill.audio.inversion as inversion
from distill.audio.inversion import features_to_waveform, pghi
from distill.audio.spectrogram import spectral_convergence

from common import FRONT, SR, corpus_of, distance, heap_pghi, split_kit


def phase_alone(waves, fn):
    "(spectral convergence per file from the true magnitude and `fn`'s phase, seconds of `fn` in all)."
    c, win = FRONT.config, torch.hann_window(FRONT.config.n_fft, dtype=torch.double)
    scores, seconds = [], 0.0
    for w in waves.double():
        X = torch.stft(w, c.n_fft, c.hop_length, window=win, return_complex=True)
        mag = X.abs().numpy()
        t = time.perf_counter(); ph = fn(mag, c.n_fft, c.hop_length); seconds += time.perf_counter() - t
        rebuilt = torch.istft(torch.polar(X.abs(), torch.from_numpy(ph)), c.n_fft, c.hop_length, window=win, length=w.shape[-1])
        scores.append(spectral_convergence(w, rebuilt))
    return np.array(scores), seconds


def way_back(waves, n_iter, phase_fn):
    "(MR-STFT distance of the way back from the true log-mels, seconds) with `phase_fn` as PGHI."
    mels = FRONT(waves[:, None])
    times = []
    with mock.patch.object(inversion, 'pghi', phase_fn):
        for _ in range(3):
            t = time.perf_counter(); out = features_to_waveform(FRONT, mels, n_iter, waves.shape[-1]); times.append(time.perf_counter() - t)
    return distance(out, waves), statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kits', nargs='+', default=['gmrock', 'tr808', 'lmms_drums', 'lmms_textures'])
    ap.add_argument('--seconds', type=float, default=3.0)
    ap.add_argument('--n_iter', type=int, nargs='+', default=[16, 8, 4])
    a = ap.parse_args()
    print(f"threads {torch.get_num_threads()}; held-out files, first {a.seconds} s of each")
    for kit in a.kits:
        clips = corpus_of(split_kit(kit)[1]).clips
        n = round(a.seconds * SR)
        waves = torch.stack([torch.nn.functional.pad(c[:n], (0, n - len(c[:n]))) for c in clips]).float()
        audio_s = len(waves) * a.seconds
        sc_heap, s_heap = phase_alone(waves, heap_pghi)
        sc_tree, s_tree = phase_alone(waves, pghi)
        print(f"{kit}: {len(waves)} files")
        print(f"  phase alone, spectral convergence median: heap {np.median(sc_heap):.4f}, tree {np.median(sc_tree):.4f} "
              f"(tree/heap, mean over files {np.mean(sc_tree / sc_heap):.3f}; tree closer on {np.mean(sc_tree < sc_heap):.0%} of files)")
        print(f"  phase alone, seconds per second of sound: heap {s_heap / audio_s:.4f}, tree {s_tree / audio_s:.4f} ({s_heap / s_tree:.1f}x faster)")
        d, s = way_back(waves, 16, heap_pghi)
        print(f"  way back from the true log-mel, heap, Griffin-Lim 16: distance {d:.4f}, {s / audio_s:.4f} s per s of sound")
        for k in a.n_iter:
            d, s = way_back(waves, k, pghi)
            print(f"  way back from the true log-mel, tree, Griffin-Lim {k:2d}: distance {d:.4f}, {s / audio_s:.4f} s per s of sound")


if __name__ == '__main__':
    main()
