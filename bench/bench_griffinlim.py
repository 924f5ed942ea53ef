"""Griffin-Lim: distill's torch implementation against librosa.griffinlim, in the same run.

10 s of audio (the demo corpus, concatenated), n_fft 2048, hop 512, Hann, centred frames with reflect
padding (torch's convention, which librosa takes with pad_mode='reflect'), the same iterations, momentum
and magnitudes. Each repeat uses a new random starting phase (seed = repeat number, for both), because the
final convergence varies with it by tens of percent. Reports the median time and the median final
spectral convergence (against the original) over the repeats, and the ratios ours/librosa.
librosa's FFT runs on one core; ours is timed with torch's default thread count and with one thread.
librosa is a bench-only extra.

Run: python bench/bench_griffinlim.py
"""
import statistics
import tempfile
import time

import librosa
import numpy as np
import torch

from distill.audio.io import load_corpus, make_demo_corpus
from distill.audio.spectrogram import griffin_lim, spectral_convergence

SR, N_FFT, HOP, N_ITER, MOMENTUM, REPEATS, SECONDS = 48000, 2048, 512, 32, 0.99, 5, 10


def ten_seconds():
    "10 s of varied sound: the demo corpus, concatenated and cut."
    with tempfile.TemporaryDirectory() as d:
        make_demo_corpus(d, n_files=8)
        audio = torch.cat(load_corpus(d).clips)
    return audio[:SECONDS * SR].numpy()


def measure(invert, x):
    "Median wall time and median spectral convergence of `invert(seed)` over REPEATS seeds (after a warm-up)."
    invert(0)
    times, scs = [], []
    for seed in range(REPEATS):
        t0 = time.perf_counter(); y = invert(seed); times.append(time.perf_counter() - t0)
        scs.append(spectral_convergence(x, y))
    return statistics.median(times), statistics.median(scs)


def main():
    x = ten_seconds()
    mag = np.abs(librosa.stft(x, n_fft=N_FFT, hop_length=HOP, window='hann', center=True, pad_mode='reflect'))
    mag_t = torch.from_numpy(mag)
    ours = lambda seed: griffin_lim(mag_t, N_FFT, HOP, n_iter=N_ITER, momentum=MOMENTUM, seed=seed, length=len(x))
    ref = lambda seed: librosa.griffinlim(mag, n_iter=N_ITER, hop_length=HOP, n_fft=N_FFT, window='hann', center=True,
                                          pad_mode='reflect', momentum=MOMENTUM, init='random', random_state=seed,
                                          length=len(x))
    threads = torch.get_num_threads()
    rows = {f'distill ({threads} threads)': measure(ours, x)}
    torch.set_num_threads(1)
    rows['distill (1 thread)'] = measure(ours, x)
    torch.set_num_threads(threads)
    rows['librosa'] = measure(ref, x)
    print(f"Griffin-Lim, {SECONDS} s at {SR} Hz, n_fft {N_FFT}, hop {HOP}, {N_ITER} iterations, momentum {MOMENTUM}, "
          f"medians over {REPEATS} seeds; torch {torch.__version__}, librosa {librosa.__version__}")
    print(f"{'':22s} {'time (s)':>9s} {'spectral convergence':>21s}")
    for name, (t, sc) in rows.items(): print(f"{name:22s} {t:9.3f} {sc:21.4f}")
    ref_t, ref_sc = rows['librosa']
    for name, (t, sc) in rows.items():
        if name != 'librosa': print(f"ratio {name}/librosa: time {t / ref_t:.2f}, spectral convergence {sc / ref_sc:.2f}")


if __name__ == '__main__':
    main()
