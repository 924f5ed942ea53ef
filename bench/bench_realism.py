"""Realism of the codec's reconstructions and of generated sounds, on held-out files of four real corpora.

Usage: python bench/bench_realism.py [--kits gmrock tr808 lmms_drums lmms_textures] [--minutes 10] [--model vqvae|vae]
                                     [--set FIELD=VALUE ...] [--calibrate] [--evaluate] [--out DIR]
                                     [--codec-from DIR] [--prior-set FIELD=VALUE ...] [--one-shot auto|yes|no]
                                     [--sample KEY=VALUE ...]

For each of four corpora (see CONTRIBUTING.md for the two Debian packages they come from):
- gmrock, tr808: Hydrogen's GMRockKit and TR808EmulationKit (hydrogen-data), clean studio one-shot kits;
- lmms_drums: the 72 drum samples of LMMS (lmms-common, samples/drums/): acoustic and electronic hits of
  every length, 0.03 to 3 s, many cut short, some with a late peak;
- lmms_textures: LMMS's loops and pads (samples/beats/, bassloops/, stringsnpads/), 0.4 to 10 s, whose
  generated sounds must run as long as asked;

1. Split so that no held-out file is a near-copy of a training file. GMRockKit holds five velocity layers
   of each instrument (Kick-Soft ... Kick-Hardest): near-copies of one another. Held out are whole
   instruments, each with a sibling left in training (HELD_OUT below), so a held-out file is a different
   instrument of a family the model has heard, never another velocity of a training instrument. The LMMS
   corpora hold one file per sound: every third file in name order is held out, which spreads the
   held-out files over the families (names sort by family: clap01, clap02, ..., kick01, ...).
2. Train on the training files as `distill_train FOLDER --minutes M` does (same defaults and budget
   split; `--set` changes `VQVAEConfig` fields, for ablations), then fit the generator.
3. Print, on the first second of every file:
   - the ceiling ratio: multi-resolution STFT distance (auraloss) of model + distill's way back
     (`features_to_waveform`: NNLS, PGHI, Griffin-Lim) to the original over the same for the old way
     (pseudo-inverse, 64 Griffin-Lim iterations from a random phase) of the original log-mel, the fixed ceiling, on the held-out files and on the run's own
     validation files (the figure `bench_training.py` printed);
   - calibration of the scale: held-out real files (about 1), copies of the training files (novelty 0),
     the Griffin-Lim ceiling of the training files, decaying noise;
   - codec realism: reconstructions of the training files;
   - structure realism (issue 40: `structure_features` of the first 3 s, scaled by the training and
     held-out files' 3 s) of 3 s generated sounds, and their median periodicity against the held-out files';
   - generated sounds (as many as training files, 1 s each, `generate` defaults, seed 0): realism, median
     novelty, diversity;
   each in two feature spaces: MFCC (librosa, 22.05 kHz, 20 coefficients, means and standard deviations;
   outside distill) and envelope (`distill.audio.realism.envelope_features`: attack, decay, flux);
   - speed: seconds per epoch and audio-seconds of training per second; generation speed of one 3 s sound
     and of a batch of 8 (`generate` defaults, median of 3);
   - the prior's held-out bits per code next to the unigram and repeat-previous-column baselines;
   - the generated sounds' median length against the corpus's median file length, and their decay (time from the
     peak frame to the first 40 dB under it, 512-sample frames) as quartiles beside the held-out files';
   - a sampler's baseline: what a musician gets from the training files without distill (each file pitched by
     resampling 1-4 semitones up or down, then a low-pass, a high-pass or a shorter decay), realism, novelty,
     diversity and decay measured as the generated sounds' are;
   - generated one-shots with their tails shaped (`shape_decay`, the curves read anew by today's `decay_bounds`,
     so an `--evaluate` of older model files measures today's shaping) and, in the same run, without (the model's
     decoded tails as they were), so the tails' effect is measured on one model;
   - ViSQOL (MOS-LQO, audio mode, 48 kHz; `visqol-python`, a bench tool) of the held-out files' first second padded
     to 1.5 s: the old log-mel + Griffin-Lim round trip, distill's way back from the true log-mel, and the codec's
     reconstructions (median and 10th percentile over files);
4. Check every corpus against the targets of issues 26 and 38 (TARGETS, each met or NOT MET, with its figure).

Generator ablations without retraining the codec: `--codec-from DIR` copies each kit's model file from an
earlier run's --out and fits a new generator on it (the prior gets the same PRIOR_SHARE of --minutes, so a
codec from `--minutes 10` plus `--codec-from` is the `distill_train --minutes 10` run); `--prior-set`
changes `PriorConfig` fields, `--one-shot` forces the corpus kind, and `--sample` sets `generate`'s
sampling arguments (temperature, top_p, top_k, seconds, seed).
"""
import argparse, dataclasses
from pathlib import Path

import numpy as np
import torch
import auraloss
import librosa
from scipy.signal import butter, sosfilt

from distill.training import train_vqvae, train_vae, VQVAEConfig, get_adaptive_vqvae_config
from distill.config import TrainingConfig
from distill.audio.io import chunk_clips
from distill.audio.spectrogram import front_end
from distill.audio.inversion import features_to_waveform
from distill.audio.realism import RealismScale, structure_features
from distill.models.persistence import load_model
from distill.generation import fit_generator, generate, decay_bounds
from distill.training.prior import shifted_copy
from distill.pipeline import PRIOR_SHARE
from common import (RUNS, HELD_OUT, SR, FRONT, parse_value, split_kit, held_out_rule, corpus_of, first_seconds, features, decays,
                    quartiles, visqol_scores, refit_generator, kit_sets, generation_speed, corpus_names)



def ratio(mf, waves, n_iter=64):
    "Ceiling ratio of a model on sounds [n, SR]: model + the way back over the old Griffin-Lim of the true log-mel; and both sets of sounds."
    mr = auraloss.freq.MultiResolutionSTFTLoss()
    front = front_end(mf.spectrogram)
    with torch.no_grad():
        recon = features_to_waveform(front, mf.model(front(waves[:, None]))[0], n_iter, waves.shape[1])   # at the model's own level
        ceiling = FRONT.mel_to_waveform(FRONT(waves[:, None]), n_iter=n_iter, length=waves.shape[1])[:, 0]
        return mr(recon[:, None], waves[:, None]).item() / mr(ceiling[:, None], waves[:, None]).item(), recon, ceiling


def decaying_noise(n, seed=0):
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(SR) / SR
    return torch.randn(n, SR, generator=g) * torch.exp(-t / torch.empty(n, 1).uniform_(0.05, 0.5, generator=g))


def sampler_baseline(clips, n, seed=0):
    "What a sampler makes of the training files: each pitched 1-4 semitones up or down (resampling), then low-passed, high-passed or given a shorter decay."
    g = np.random.default_rng(seed)
    out = []
    for i in range(n):
        x = shifted_copy(clips[i % len(clips)], SR, semitones=float(g.choice([-1, 1]) * g.uniform(1, 4))).numpy().astype(np.float64)
        how = ('low-pass', 'high-pass', 'decay')[i % 3]
        if how == 'low-pass': x = sosfilt(butter(4, g.uniform(1500, 6000), 'lowpass', fs=SR, output='sos'), x)
        elif how == 'high-pass': x = sosfilt(butter(4, g.uniform(150, 1000), 'highpass', fs=SR, output='sos'), x)
        else: x = x * np.exp(-np.arange(len(x)) / SR / g.uniform(0.05, 0.3))
        x = torch.from_numpy(x).float()
        out.append(x * (0.95 / x.abs().max().clamp(min=1e-8)))
    return first_seconds(out)


def line(name, figs):
    "One row: each family's realism, novelty, diversity."
    cells = []
    for fam in ('mfcc', 'envelope'):
        f = figs[fam]
        cells.append(f"{f['realism']:7.2f} {f['novelty']:6.2f} {f['diversity']:6.2f}")
    print(f"  {name:<34}" + '   '.join(cells), flush=True)


def run_kit(kit, a, changes):
    train_files, held_files = split_kit(kit)
    corpus, train, held, scales = kit_sets(kit)
    print(f"\n== {kit}: {len(train_files)} training files, {len(held_files)} held out "
          f"({held_out_rule(kit)}); {a.model}, --minutes {a.minutes}, changed {changes or 'nothing'}", flush=True)
    f_train, f_held = features(train), features(held)
    figs = lambda f: {fam: scales[fam].figures(f[fam]) for fam in scales}
    print(f"  {'set (realism novelty diversity)':<34}{'MFCC (librosa)':<25}{'envelope (distill)':<25}")
    line('held-out real files', {fam: dict(realism=s.held_out_realism(), novelty=float(s.novelty(f_held[fam]).median()),
                                            diversity=1.0) for fam, s in scales.items()})
    line('copies of the training files', figs(f_train))
    noise = features(decaying_noise(len(train)))
    line('decaying noise', figs(noise))
    result = dict(kit=kit)
    if a.calibrate: return result
    out = Path(a.out) / kit
    if a.codec_from: refit_generator(kit, a, corpus, out)
    elif not a.evaluate:
        if a.model == 'vqvae':
            config = VQVAEConfig(**{**get_adaptive_vqvae_config(len(corpus.files)).to_dict(), **changes})
            res = train_vqvae(corpus, out, config, minutes=a.minutes * (1 - PRIOR_SHARE), seed=0, progress=False, checkpoint_every=0)
            fit_generator(res.model_path, res.corpus, None, a.minutes * PRIOR_SHARE, 0, progress=False)
        else:   # --set changes TrainingConfig fields, and loss.FIELD those of its LossConfig
            sized = get_adaptive_vqvae_config(len(corpus.files))
            base = TrainingConfig(batch_size=sized.batch_size, val_fraction=sized.val_fraction)   # as train_vae sizes it
            loss = dataclasses.replace(base.loss, **{k[5:]: v for k, v in changes.items() if k.startswith('loss.')})
            config = dataclasses.replace(base, loss=loss, **{k: v for k, v in changes.items() if not k.startswith('loss.')})
            res = train_vae(corpus, out, config, minutes=a.minutes, seed=0, progress=False, checkpoint_every=0)
            fit_generator(res.model_path, res.corpus, None, None, 0, progress=False)
    mf = load_model(out / 'model.distill')
    h, names = mf.history, corpus_names(corpus)
    epochs, seconds = len(h['train']), sum(h['epoch_seconds'])
    clips = lambda key: [corpus.clips[names[n]] for n in mf.metadata[key]]
    n_chunks = len(chunk_clips(clips('train_files'), SR))
    r_held, recon_held, gl_held = ratio(mf, held)
    with torch.no_grad(): way_back = features_to_waveform(front_end(mf.spectrogram), FRONT(held[:, None]), 16, held.shape[1])
    vq = {name: visqol_scores(held, w) for name, w in (('gl', gl_held), ('way_back', way_back), ('codec', recon_held))}
    for name, label in (('gl', 'log-mel + Griffin-Lim 64 (old ceiling)'), ('way_back', "true log-mel, distill's way back"),
                        ('codec', 'codec + way back')):
        print(f"  ViSQOL of held-out files, {label}: median {np.median(vq[name]):.2f}, 10th percentile {np.percentile(vq[name], 10):.2f}", flush=True)
    r_val, _, _ = ratio(mf, first_seconds(clips('val_files')))
    _, recon, ceiling = ratio(mf, train)
    line('Griffin-Lim ceiling of training', figs(features(ceiling)))
    codec = figs(features(recon))
    line('codec: reconstructions of training', codec)
    info = mf.generator.info()
    with torch.no_grad(): bounds = decay_bounds([FRONT(c[None, None])[0, 0] for c in clips('train_files')])   # as today's code reads them
    unshaped = dataclasses.replace(mf, generator=dataclasses.replace(mf.generator, decay=None))
    shaped = dataclasses.replace(mf, generator=dataclasses.replace(mf.generator, decay=bounds))
    old, _ = generate(unshaped, n=len(train), **{'seconds': 1.0, 'seed': 0, **a.sampling})
    waves, _ = generate(shaped, n=len(train), **{'seconds': 1.0, 'seed': 0, **a.sampling})
    line('generated, tails as decoded', figs(features(first_seconds(list(old)))))
    gen = figs(features(first_seconds(list(waves))))
    line(f'generated ({len(train)} x {a.sampling.get("seconds", 1.0)} s)', gen)
    s_train, s_held = (structure_features(FRONT, first_seconds(corpus_of(f).clips, 3), 3) for f in (train_files, held_files))   # the structure space (issue 40): the first 3 s
    s_scale = RealismScale(s_train, s_held)
    long, _ = generate(shaped, n=len(train), **{'seed': 0, **a.sampling, 'seconds': 3.0})
    s_gen = structure_features(FRONT, long, 3)
    structure = s_scale.figures(s_gen)
    period = dict(gen=float(s_gen[:, 0].median()), held=float(s_held[:, 0].median()))
    print(f"  structure (first 3 s; 1 = as close as held-out files): held-out files {s_scale.held_out_realism():.2f}; generated (3 s asked) "
          f"realism {structure['realism']:.2f}, novelty {structure['novelty']:.2f}, diversity {structure['diversity']:.2f}; "
          f"median periodicity generated {period['gen']:.2f}, held-out {period['held']:.2f}", flush=True)
    base = sampler_baseline(corpus.clips, len(train))
    sampler = figs(features(base))
    line('sampler baseline (pitch, filter, decay)', sampler)
    print(f"  decay (peak to 40 dB under; quartiles, s): held-out {quartiles(decays(held))}, training {quartiles(decays(train))}, "
          f"generated {quartiles(decays(waves))} (tails as decoded {quartiles(decays(old))}), sampler baseline {quartiles(decays(base))}", flush=True)
    length = lambda ws: [(int(w.nonzero().max()) + 1) / SR if w.any() else 0.0 for w in ws]
    lengths = length(waves)
    asked = waves.shape[1] / SR
    files_median = float(np.median([min(len(c) / SR, asked) for c in corpus.clips]))   # as long as they could be, asked so
    print(f"  generator: one-shots {info.get('one_shot')} ({info.get('ending_files', '?')} of the prior's {info.get('files', '?')} training files end); "
          f"sounds {np.median(lengths):.2f} s long (median; the training files {files_median:.2f} s, each cut at the {asked:.1f} s asked), "
          f"{sum(l < asked - 0.01 for l in lengths)} of {len(waves)} end before the last 10 ms (tails as decoded: {np.median(length(old)):.2f} s, "
          f"{sum(l < asked - 0.01 for l in length(old))} end)", flush=True)
    if 'bits_per_code' in info:
        print(f"  prior: {info['epochs']} epochs; held-out bits per code {info['bits_per_code']:.3f}, unigram {info['unigram_bits']:.3f}, "
              f"repeat {info['repeat_bits']:.3f} ({100 * (1 - info['bits_per_code'] / info['repeat_bits']):.0f}% under repeat)", flush=True)
    rt = {n: generation_speed(mf, n) for n in (1, 8)}
    print(f"  generation speed: one 3 s sound {rt[1]:.1f}x real time, a batch of 8 {rt[8]:.1f}x (median of 3, after a warm-up)", flush=True)
    speed = n_chunks * epochs / seconds
    adv = [i for i, p in enumerate(h['parts']) if 'adv_d' in p]
    phase = f"; adversarial phase from epoch {adv[0] + 1}, {np.median([h['epoch_seconds'][i] for i in adv]):.2f} s per epoch in it" if adv else ''
    print(f"  ceiling ratio: {r_held:.3f} on held-out files, {r_val:.3f} on the run's validation files; "
          f"{epochs} epochs, {seconds / epochs:.2f} s per epoch, {speed:.1f} audio-s/s{phase}", flush=True)
    return dict(kit=kit, ratio=r_held, length=float(np.median(lengths)), files_length=files_median, asked=asked, under_repeat=1 - info['bits_per_code'] / info['repeat_bits'] if 'bits_per_code' in info else float('nan'),
                ratio_val=r_val, codec_mfcc=codec['mfcc']['realism'], codec_env=codec['envelope']['realism'],
                gen_mfcc=gen['mfcc']['realism'], gen_env=gen['envelope']['realism'], novelty=gen['mfcc']['novelty'],
                diversity=gen['mfcc']['diversity'], s_per_epoch=seconds / epochs, audio_s_per_s=speed, rt1=rt[1], rt8=rt[8],
                one_shot=bool(info.get('one_shot')), sampler_mfcc=sampler['mfcc']['realism'], sampler_env=sampler['envelope']['realism'],
                visqol_p10={k: float(np.percentile(v, 10)) for k, v in vq.items()}, visqol_median={k: float(np.median(v)) for k, v in vq.items()},
                decay_gen=float(np.median(decays(waves))), decay_train=float(np.median(decays(train))),
                structure=structure['realism'], period_gen=period['gen'], period_held=period['held'])


def targets(r):
    "Issues 26's and 38's targets for one corpus: (name, figure, met)."
    length = (f"{r['length']:.2f} s against the files' {r['files_length']:.2f} s", abs(r['length'] / r['files_length'] - 1) <= 0.2) if r['one_shot'] \
        else (f"{r['length']:.2f} s of {r['asked']:.1f} s asked", r['length'] >= r['asked'] - 0.01)
    return [('generated MFCC realism <= 1.5x the codec\'s', f"{r['gen_mfcc']:.2f} <= {1.5 * r['codec_mfcc']:.2f}", r['gen_mfcc'] <= 1.5 * r['codec_mfcc']),
            ('generated envelope realism <= 1.5x the codec\'s', f"{r['gen_env']:.2f} <= {1.5 * r['codec_env']:.2f}", r['gen_env'] <= 1.5 * r['codec_env']),
            ('novelty >= 0.3, diversity >= 0.5', f"{r['novelty']:.2f}, {r['diversity']:.2f}", r['novelty'] >= 0.3 and r['diversity'] >= 0.5),
            ('median length (one-shots: within 20% of the files\'; textures: as asked)', *length),
            ('generated realism <= 2.0 and no worse than the sampler baseline\'s (MFCC, envelope)',
             f"{r['gen_mfcc']:.2f}, {r['gen_env']:.2f} against {r['sampler_mfcc']:.2f}, {r['sampler_env']:.2f}",
             max(r['gen_mfcc'], r['gen_env']) <= 2.0 and r['gen_mfcc'] <= r['sampler_mfcc'] and r['gen_env'] <= r['sampler_env']),
            ('codec realism <= 1.3 (MFCC, envelope)', f"{r['codec_mfcc']:.2f}, {r['codec_env']:.2f}", max(r['codec_mfcc'], r['codec_env']) <= 1.3),
            ('ceiling ratio <= 1.3', f"{r['ratio']:.2f}", r['ratio'] <= 1.3),
            ('ViSQOL 10th percentile of the codec within 0.5 of the Griffin-Lim round trip\'s',
             f"{r['visqol_p10']['codec']:.2f} against {r['visqol_p10']['gl']:.2f}", r['visqol_p10']['codec'] >= r['visqol_p10']['gl'] - 0.5),
            ('median decay (one-shots) within 20% of the training files\'', f"{r['decay_gen']:.2f} s against {r['decay_train']:.2f} s",
             abs(r['decay_gen'] / max(r['decay_train'], 1e-3) - 1) <= 0.2 or not r['one_shot']),
            ('held-out bits >= 20% under repeat', f"{100 * r['under_repeat']:.0f}%", r['under_repeat'] >= 0.2),
            ('one 3 s sound >= 20x real time, 8 >= 40x', f"{r['rt1']:.1f}x, {r['rt8']:.1f}x", r['rt1'] >= 20 and r['rt8'] >= 40),
            ('structure realism <= 2.0 and median periodicity within 25% of the held-out files\' (issue 40; textures)',
             f"{r['structure']:.2f}; {r['period_gen']:.2f} against {r['period_held']:.2f}",
             r['one_shot'] or (r['structure'] <= 2.0 and abs(r['period_gen'] / max(r['period_held'], 1e-3) - 1) <= 0.25))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kits', nargs='+', default=list(HELD_OUT), choices=list(HELD_OUT))
    ap.add_argument('--minutes', type=float, default=10, help="the distill_train budget (the prior gets PRIOR_SHARE of it)")
    ap.add_argument('--model', default='vqvae', choices=['vqvae', 'vae'])
    ap.add_argument('--set', nargs='*', default=[], help="VQVAEConfig fields to change, FIELD=VALUE (--model vae: TrainingConfig fields, loss.FIELD for its LossConfig)")
    ap.add_argument('--calibrate', action='store_true', help="the scale's calibration only: no training")
    ap.add_argument('--evaluate', action='store_true', help="evaluate the model files already in --out: no training")
    ap.add_argument('--out', default=str(RUNS / 'bench_realism'))
    ap.add_argument('--codec-from', default=None, help="reuse the codecs of an earlier run's --out; fit a new generator only")
    ap.add_argument('--prior-set', nargs='*', default=[], help="PriorConfig fields to change, FIELD=VALUE")
    ap.add_argument('--one-shot', default='auto', choices=['auto', 'yes', 'no'], help="the corpus kind the generator is fitted for")
    ap.add_argument('--sample', nargs='*', default=[], help="generate's sampling arguments, KEY=VALUE (temperature, top_p, top_k, seconds, seed)")
    a = ap.parse_args()
    a.prior_changes = {k: parse_value(v) for k, v in (s.split('=', 1) for s in a.prior_set)}
    a.sampling = {k: parse_value(v) for k, v in (s.split('=', 1) for s in a.sample)}
    changes = {k: parse_value(v) for k, v in (s.split('=', 1) for s in a.set)}
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, librosa {librosa.__version__}")
    rows = [run_kit(k, a, changes) for k in a.kits]
    if a.calibrate: return
    print(f"\nRESULT {a.model} --minutes {a.minutes} changed {changes or 'nothing'}; prior {a.prior_changes or 'defaults'}, "
          f"one-shot {a.one_shot}, sampling {a.sampling or 'defaults'}{'; codecs from ' + a.codec_from if a.codec_from else ''}")
    print(f"  {'kit':<8}{'ratio':>7}{'(val)':>7}{'codec mfcc':>11}{'codec env':>10}{'gen mfcc':>9}{'gen env':>8}"
          f"{'novelty':>8}{'divers.':>8}{'s/epoch':>8}{'audio-s/s':>10}{'under repeat':>13}{'length':>8}{'files':>8}{'asked':>6}")
    for r in rows:
        print(f"  {r['kit']:<8}{r['ratio']:7.3f}{r['ratio_val']:7.3f}{r['codec_mfcc']:11.2f}{r['codec_env']:10.2f}{r['gen_mfcc']:9.2f}"
              f"{r['gen_env']:8.2f}{r['novelty']:8.2f}{r['diversity']:8.2f}{r['s_per_epoch']:8.2f}{r['audio_s_per_s']:10.1f}"
              f"{100 * r['under_repeat']:12.0f}%{r['length']:8.2f}{r['files_length']:8.2f}{r['asked']:6.1f}")
    print("\nTARGETS (issues 26, 38, 39 and 40)")
    for r in rows:
        print(f"  {r['kit']} ({'one-shots' if r['one_shot'] else 'textures'}):")
        for name, figure, met in targets(r): print(f"    {'met    ' if met else 'NOT MET'} {name}: {figure}")


if __name__ == '__main__':
    main()
