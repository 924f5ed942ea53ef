"""The products F^T (F x) of the way back (13_inversion's `mel_gram`): the dense matrix products against blocks of
bands over only the bins each block covers, for blocks of 4 to 32 bands; milliseconds per product, median of 20,
on three shapes: a refill batch of pads (16 x 1.5 s), one short hit (0.3 s), a batch of 8 sounds of 3 s.

    python bench/bench_melgram.py

The default front end (128 bands over 1025 bins). 2 cores, nothing else running.
"""
import statistics, time
import torch
from distill.config import SpectrogramConfig
from distill.audio.spectrogram import front_end
from distill.audio.inversion import mel_gram

fb = front_end(SpectrogramConfig()).filterbank


def ms(f, x, runs=20):
    "Median milliseconds of `f(x)`."
    f(x); out = []
    for _ in range(runs):
        t = time.perf_counter(); f(x); out.append(time.perf_counter() - t)
    return 1000 * statistics.median(out)


if __name__ == '__main__':
    torch.manual_seed(0)
    print("shape [B, bins, frames]     dense    " + "  ".join(f"{b:>2} bands" for b in (4, 8, 16, 32)))
    for B, T, what in ((16, 140, 'a refill of 16 pads'), (1, 30, 'one short hit'), (8, 282, 'a batch of 8 x 3 s')):
        x = torch.rand(B, 1025, T)
        dense = ms(lambda x: fb.T @ (fb @ x), x)
        blocks = [ms(mel_gram(fb, b), x) for b in (4, 8, 16, 32)]
        print(f"[{B:2d}, 1025, {T:3d}] {what:20s} {dense:6.2f} ms " + "  ".join(f"{b:6.2f} ms" for b in blocks) + f"  (16 bands: {dense / blocks[2]:.1f}x)")
