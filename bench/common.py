"""What every bench shares: where the corpora and runs are, the four corpora and their split, clips, features,
distances and the measures of a sound. One place, so every bench reads the same files the same way.

Paths come from two settings (environment variables), with the defaults CONTRIBUTING.md's setup gives:
- `DISTILL_CORPORA` (default `/tmp/h`): where `dpkg -x` unpacked hydrogen-data and lmms-common;
- `DISTILL_RUNS` (default `/tmp/runs`): where bench runs leave their model files (`--out`, `--models` defaults).
"""
import heapq, json, os, shutil, statistics, tempfile, time, warnings
from pathlib import Path

import numpy as np
import torch
import auraloss
import soxr
import librosa

from distill.audio.io import load_corpus, chunk_audio
from distill.audio.spectrogram import AudioSpectrogram, frame_rms
from distill.audio.realism import RealismScale, sound_features
from distill.models.persistence import load_model
from distill.config import PriorConfig, get_adaptive_prior_config
from distill.generation import generate, first_under, fit_generator
from distill.pipeline import PRIOR_SHARE

CORPORA = Path(os.environ.get('DISTILL_CORPORA', '/tmp/h'))
RUNS = Path(os.environ.get('DISTILL_RUNS', '/tmp/runs'))
KITS = CORPORA / 'usr/share/hydrogen/data/drumkits'
LMMS = CORPORA / 'usr/share/lmms/samples'
GMROCK = KITS / 'GMRockKit'
HELD_OUT = {   # the folders of each corpus, and its held-out files: name prefixes (whole instruments), or every third file
    'gmrock': ((KITS / 'GMRockKit',), ('Tom2-', 'HatSemiOpen-', 'SnareRimshot-', '24Ride-', 'Splash-')),
    'tr808': ((KITS / 'TR808EmulationKit',), ('808_Tom_Mid', '808_Snare_2', '808_Hat_Pedal', '808_Kick_Short')),
    'lmms_drums': ((LMMS / 'drums',), 3),
    'lmms_textures': ((LMMS / 'beats', LMMS / 'bassloops', LMMS / 'stringsnpads'), 3),
}
SR = 48000
FRONT = AudioSpectrogram()


def parse_value(v):
    "A --set value as JSON where it parses (numbers, null, true), else as a string."
    try: return json.loads(v)
    except json.JSONDecodeError: return v


def split_kit(kit):
    "(training files, held-out files) of a corpus: by instrument (name prefixes), or every third file in name order."
    folders, held = HELD_OUT[kit]
    files = sorted((p for d in folders for p in d.iterdir() if p.suffix.lower() in ('.wav', '.flac', '.ogg')), key=lambda p: p.name)
    out = files[1::held] if isinstance(held, int) else [p for p in files if p.name.startswith(held)]
    return [p for p in files if p not in out], out


def held_out_rule(kit):
    "How a corpus's held-out files were chosen, for the report."
    held = HELD_OUT[kit][1]
    return f"every {held}rd file in name order" if isinstance(held, int) else ', '.join(held)


def corpus_of(files):
    "Files loaded as `distill_train` loads a folder (`load_corpus`: peak-normalised, unreadable or silent files reported and skipped)."
    tmp = Path(tempfile.mkdtemp(prefix='bench_corpus_'))
    for f in files: (tmp / f.name).symlink_to(Path(f).resolve())
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return load_corpus(tmp)


def first_seconds(clips, seconds=1):
    "Each clip's first `seconds` [n, seconds * SR] (zero-padded)."
    return torch.stack([chunk_audio(c, seconds * SR)[0] for c in clips])


def mfcc_librosa(waves):
    "MFCC features outside distill: librosa at 22.05 kHz, 20 coefficients, means and standard deviations."
    out = []
    for w in waves.numpy():
        y = soxr.resample(w.astype(np.float64), SR, 22050)
        m = librosa.feature.mfcc(y=y, sr=22050, n_mfcc=20)
        out.append(np.concatenate([m.mean(1), m.std(1)]))
    return torch.tensor(np.array(out)).float()


def features(waves):
    "Both feature families of sounds [n, SR]: distill's envelope features, and the MFCCs from librosa instead of distill's."
    return dict(sound_features(FRONT, waves), mfcc=mfcc_librosa(waves))


def kit_sets(kit):
    "(the corpus of a kit's training files, their first seconds, the held-out files' first seconds, each feature family's realism scale)."
    train_files, held_files = split_kit(kit)
    corpus = corpus_of(train_files)
    train, held = first_seconds(corpus.clips), first_seconds(corpus_of(held_files).clips)
    f_train, f_held = features(train), features(held)
    return corpus, train, held, {fam: RealismScale(f_train[fam], f_held[fam]) for fam in f_train}


MRSTFT = auraloss.freq.MultiResolutionSTFTLoss(fft_sizes=[256, 512, 1024, 2048], hop_sizes=[64, 128, 256, 512],
                                               win_lengths=[256, 512, 1024, 2048])


def distance(recon, waves):
    "Median over files of the multi-resolution STFT distance of each reconstruction to its original."
    return statistics.median(MRSTFT(r[None, None], w[None, None]).item() for r, w in zip(recon, waves))


def decays(waves, drop_db=40.0, hop=512):
    "Each sound's decay: seconds from its loudest 512-sample frame to the first one `drop_db` under it (to its end if never)."
    rms = frame_rms(waves, hop)
    frame, ends = first_under(rms, 10 ** (-drop_db / 20))
    return ((torch.where(ends, frame, rms.shape[1]) - rms.argmax(1)) * hop / SR).tolist()


def quartiles(x):
    "'q1/median/q3' of a list, in seconds."
    return '/'.join(f"{v:.2f}" for v in np.percentile(x, [25, 50, 75]))


VISQOL = None


def visqol_scores(refs, degs):
    "ViSQOL MOS-LQO (audio mode) of each degraded sound against its reference, both [n, S] at 48 kHz, padded to 1.5 s."
    global VISQOL
    if VISQOL is None:
        from visqol import VisqolApi   # a bench tool (the bench extra), loaded only by the benches that score with it
        VISQOL = VisqolApi(); VISQOL.create(mode='audio')
    pad = lambda w: np.pad(w.double().numpy(), (0, max(0, round(1.5 * SR) - len(w))))
    return [VISQOL.measure_from_arrays(pad(r), pad(d), SR).moslqo for r, d in zip(refs, degs)]


def generation_speed(mf, n, runs=3):
    "Seconds of sound asked for per wall-clock second: `n` sounds of 3 s, `generate` defaults, median of `runs` after a warm-up."
    generate(mf, n=n, seconds=3.0, seed=0)
    times = []
    for _ in range(runs):
        t = time.perf_counter(); generate(mf, n=n, seconds=3.0, seed=0); times.append(time.perf_counter() - t)
    return n * 3.0 / statistics.median(times)


def corpus_names(corpus):
    "File name -> index in the corpus."
    return {f.name: i for i, f in enumerate(corpus.files)}


def refit_generator(kit, a, corpus, out):
    "Copy the kit's model file from --codec-from and fit a new generator on its codec (as distill_train would)."
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(a.codec_from) / kit / 'model.distill', out / 'model.distill')
    config = PriorConfig(**{**get_adaptive_prior_config(len(corpus.files)).to_dict(), **a.prior_changes}) if a.prior_changes else None
    one_shot = dict(auto=None, yes=True, no=False)[a.one_shot]
    vqvae = load_model(out / 'model.distill').kind == 'vqvae'
    fit_generator(out / 'model.distill', corpus, config, a.minutes * PRIOR_SHARE if vqvae else None, 0, progress=False, one_shot=one_shot)


def heap_pghi(magnitude, n_fft, hop_length, tol=1e-2):
    "PGHI as distill had it before the spanning tree: heap integration in Python (the reference)."
    F, T = magnitude.shape
    phase = np.zeros((F, T))
    floor = tol * magnitude.max()
    loud = magnitude > floor
    if not loud.any(): return phase
    bins, frames = np.flatnonzero(loud.any(1)), np.flatnonzero(loud.any(0))
    f0, f1, t0, t1 = max(bins[0] - 1, 0), min(bins[-1] + 2, F), max(frames[0] - 1, 0), min(frames[-1] + 2, T)
    block = magnitude[f0:f1, t0:t1]
    H, W = block.shape[0] + 2, block.shape[1] + 2
    scale = 0.25645 * n_fft / hop_length
    pad = np.pad(np.log(np.maximum(block, 1e-30)), 1, mode='edge')
    along_t = (pad[2:, 1:-1] - pad[:-2, 1:-1]) / 2 / scale + 2 * np.pi * hop_length / n_fft * np.arange(f0, f1)[:, None]
    along_f = -scale * (pad[1:-1, 2:] - pad[1:-1, :-2]) / 2 + np.pi
    grid = lambda a: np.pad(a, 1).ravel().tolist()
    at, af, m, left = grid(along_t), grid(along_f), grid(block), grid(block > floor)
    out = [0.0] * (H * W)
    steps = ((1, at, 0.5), (-1, at, -0.5), (W, af, 0.5), (-W, af, -0.5))
    for start in np.argsort(-np.pad(block, 1), axis=None).tolist():
        if m[start] <= floor: break
        if not left[start]: continue
        left[start] = False
        heap = [(-m[start], start)]
        while heap:
            i = heapq.heappop(heap)[1]
            for d, a, h in steps:
                j = i + d
                if left[j]:
                    out[j] = out[i] + h * (a[i] + a[j])
                    left[j] = False
                    heapq.heappush(heap, (-m[j], j))
    phase[f0:f1, t0:t1] = np.array(out).reshape(H, W)[1:-1, 1:-1]
    return phase
