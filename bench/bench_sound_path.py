"""The sound path's error budget: where the distance between a sound and what distill gives back comes from.

Usage: python bench/bench_sound_path.py [--kits gmrock tr808] [--models DIR] [--unquantized-minutes M] [--out DIR]

On the held-out files of each kit (the split of `bench_realism.py`; the first second of each file,
peak-normalised to 0.95 as `load_corpus` normalises), every row takes one more step of the path away from the
original, so the growth from row to row is that step's share of the error:

- Griffin-Lim from the true linear STFT magnitude (64 fast iterations): the cost of a random start phase;
- Griffin-Lim from the true log-mel (64 iterations, today's path; and 256): plus what the mel
  filterbank's pseudo-inverse cannot give back (the linear magnitude within each band);
- the codec (`--models DIR/KIT/model.distill`, a `bench_realism.py --out` folder: a codec trained as
  `distill_train --minutes M` trains it) decoding its first q of Q quantizer levels, then today's
  Griffin-Lim: plus the codec's error at each bit rate (quantizer dropout trains every depth);
- the codec's unquantized latent decoded (its encoder and decoder alone; the decoder was trained on
  quantized latents, so this says little of the autoencoder's own error);
- with `--unquantized-minutes M`: the same autoencoder trained without its quantizer (the latent goes to
  the decoder as it is) for M minutes, as `train_vqvae` trains the codec otherwise (give the codec's own
  budget, 8 for a `--minutes 10` run): the autoencoder's capacity and budget, without the bits.

Per row: the multi-resolution STFT distance to the original (auraloss, FFT sizes 256/512/1024/2048, hops a
quarter, median over files), the same over today's path (the ceiling ratio of `bench_realism.py`, at these
resolutions), and the realism of the same step applied to the training files, in both feature spaces of
`bench_realism.py` (1: as real as held-out files). The codec's seconds per epoch come from its model file.
Rows the sound-path issue asks for that this bench does not yet measure: budgets of 10 and 30 minutes side
by side, PGHI and learned inversions.
"""
import argparse, contextlib, statistics, sys, tempfile, warnings
from pathlib import Path

import torch
import auraloss

sys.path.insert(0, str(Path(__file__).parent))
from bench_realism import HELD_OUT, split_kit, first_seconds, features, FRONT   # one split, one feature set for every bench
from distill.audio.io import load_audio
from distill.audio.realism import RealismScale
from distill.audio.spectrogram import griffin_lim
from distill.models.persistence import load_model
from distill.models.vqvae import ConvVQVAE
from distill.audio.io import load_corpus
from distill.training import train_vqvae, get_adaptive_vqvae_config

SR = 48000
MRSTFT = auraloss.freq.MultiResolutionSTFTLoss(fft_sizes=[256, 512, 1024, 2048], hop_sizes=[64, 128, 256, 512],
                                               win_lengths=[256, 512, 1024, 2048])


def distance(recon, waves):
    "Median over files of the multi-resolution STFT distance of each reconstruction to its original."
    return statistics.median(MRSTFT(r[None, None], w[None, None]).item() for r, w in zip(recon, waves))


@contextlib.contextmanager
def without_quantizer():
    "ConvVQVAE with its quantizer bypassed: the latent goes to the decoder unchanged (no codes, no commitment)."
    real = ConvVQVAE.quantize
    def identity(self, z, depth=None):
        B, D, h, w = z.shape
        return z, torch.zeros(B, h * w, self.quantizer.num_quantizers, dtype=torch.long, device=z.device), z.new_zeros(())
    ConvVQVAE.quantize = identity
    try: yield
    finally: ConvVQVAE.quantize = real


def train_unquantized(kit, train_files, minutes, out):
    "An autoencoder like the kit's codec, trained without its quantizer for `minutes` on the kit's training files."
    tmp = Path(tempfile.mkdtemp())
    for f in train_files: (tmp / f.name).symlink_to(f)
    corpus = load_corpus(tmp)
    with without_quantizer():
        res = train_vqvae(corpus, Path(out) / kit, get_adaptive_vqvae_config(len(corpus.files)), minutes=minutes, seed=0,
                          progress=False, checkpoint_every=0)
    return res.model.eval(), res.history


def paths(mf, unquantized_model=None):
    "Each row's name and its function: sounds [n, SR] -> what that step of the path gives back [n, SR]."
    c = FRONT.config
    def true_magnitude(w): return griffin_lim(FRONT.stft(w[:, None]).abs(), c.n_fft, c.hop_length, 64, length=SR)
    def log_mel(n_iter): return lambda w: FRONT.mel_to_waveform(FRONT(w[:, None]), n_iter=n_iter, length=SR)[:, 0]
    def codec(q):
        def run(w):
            x = FRONT(w[:, None])
            mel = mf.model.decode_indices(mf.model(x)[1][..., :q], x.shape[-2:])
            return FRONT.mel_to_waveform(mel, n_iter=64, length=SR)[:, 0]
        return run
    def unquantized(w):
        x = FRONT(w[:, None])
        return FRONT.mel_to_waveform(mf.model.decode(mf.model.encode(x), x.shape[-2:]), n_iter=64, length=SR)[:, 0]
    def trained_unquantized(w):
        x = FRONT(w[:, None])
        with without_quantizer(): mel = unquantized_model(x)[0]
        return FRONT.mel_to_waveform(mel, n_iter=64, length=SR)[:, 0]
    Q = mf.model.quantizer.num_quantizers
    extra = [('autoencoder trained unquantized, GL 64', trained_unquantized)] if unquantized_model is not None else []
    return [('GL 64 from the true linear magnitude', true_magnitude), ('GL 256 from the true log-mel', log_mel(256)),
            ('GL 64 from the true log-mel (today)', log_mel(64)), *extra, ('codec, latent not quantized, GL 64', unquantized),
            *[(f'codec, {q} of {Q} levels, GL 64', codec(q)) for q in range(1, Q + 1)]]


def kit_budget(kit, models, unquantized_minutes=None, out=None):
    "Print the kit's rows; the rows as dicts."
    train_files, held_files = split_kit(kit)
    load = lambda files: first_seconds([(x := load_audio(f, SR)) * (0.95 / x.abs().max().clamp(min=1e-8)) for f in files])   # as load_corpus
    train, held = load(train_files), load(held_files)
    f_train, f_held = features(train), features(held)
    scales = {fam: RealismScale(f_train[fam], f_held[fam]) for fam in f_train}
    mf = load_model(Path(models) / kit / 'model.distill', device='cpu')
    h = mf.history
    print(f"\n== {kit}: {len(held)} held-out files, {len(train)} training files; codec {Path(models) / kit / 'model.distill'}: "
          f"{len(h['train'])} epochs, {statistics.median(h['epoch_seconds']):.2f} s per epoch (median), "
          f"{mf.model.quantizer.num_quantizers} levels of {mf.model.quantizer.codebook_size} codes", flush=True)
    ae = None
    if unquantized_minutes:
        ae, ah = train_unquantized(kit, train_files, unquantized_minutes, out)
        print(f"  autoencoder without quantizer: {len(ah['train'])} epochs in {unquantized_minutes} min, "
              f"{statistics.median(ah['epoch_seconds']):.2f} s per epoch (median)", flush=True)
    print(f"  {'row':<40}{'distance':>9}{'/ today':>9}{'realism MFCC':>14}{'envelope':>10}")
    rows = []
    with torch.no_grad():
        for name, fn in paths(mf, ae):
            d = distance(fn(held), held)
            made = features(fn(train))
            rows.append(dict(name=name, distance=d, mfcc=scales['mfcc'].figures(made['mfcc'])['realism'],
                             env=scales['envelope'].figures(made['envelope'])['realism']))
    today = next(r['distance'] for r in rows if r['name'].endswith('(today)'))
    for r in rows:
        print(f"  {r['name']:<40}{r['distance']:9.3f}{r['distance'] / today:9.2f}{r['mfcc']:14.2f}{r['env']:10.2f}", flush=True)
    d = {r['name']: r['distance'] for r in rows}
    Q = mf.model.quantizer.num_quantizers
    terms = {'random start phase (true magnitude vs the original)': d['GL 64 from the true linear magnitude'],
             'the mel filterbank (true log-mel vs true magnitude)': d['GL 64 from the true log-mel (today)'] - d['GL 64 from the true linear magnitude'],
             'the codec at full depth (vs the true log-mel)': d[f'codec, {Q} of {Q} levels, GL 64'] - d['GL 64 from the true log-mel (today)']}
    if ae is not None:
        terms = {**{k: v for k, v in terms.items() if not k.startswith('the codec')},
                 'the autoencoder (trained unquantized, vs the true log-mel)': d['autoencoder trained unquantized, GL 64'] - d['GL 64 from the true log-mel (today)'],
                 'the quantizer (the codec vs the unquantized autoencoder)': d[f'codec, {Q} of {Q} levels, GL 64'] - d['autoencoder trained unquantized, GL 64']}
    print('  terms: ' + '; '.join(f"{k} {v:+.3f}" for k, v in terms.items()) + f"; largest: {max(terms, key=terms.get)}", flush=True)
    return rows


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kits', nargs='+', default=['gmrock', 'tr808'], choices=list(HELD_OUT))
    ap.add_argument('--models', default='/tmp/runs/four_codecs', help="a bench_realism.py --out folder holding KIT/model.distill")
    ap.add_argument('--unquantized-minutes', type=float, default=None, help="also train the autoencoder without its quantizer for this long")
    ap.add_argument('--out', default='/tmp/bench_sound_path_run', help="where the unquantized autoencoders are written")
    a = ap.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for kit in a.kits: kit_budget(kit, a.models, a.unquantized_minutes, a.out)
