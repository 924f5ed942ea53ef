"""Training throughput, peak memory and quality of a ConvVQVAE trained on a real drum kit.

Usage: python bench/bench_training.py [--corpus FOLDER] [--minutes M] [--out DIR] [--skip-quality] [--skip-throughput]

1. Throughput: training steps (forward + backward + optimiser) of ConvVQVAE at the default VQVAEConfig,
   batch 32 one-second chunks (log-mel computed in the step, as in training), median over steps; also
   in audio-seconds per second. Peak resident memory of the process.
2. Quality: `train_vqvae` on the corpus (default: Hydrogen's GMRockKit, see DEVELOPERS.md / CONTRIBUTING.md)
   with a time budget, then on the held-out files: per-level code usage (entropy / log K, share of codes
   used), log-mel L1, and the multi-resolution STFT distance of reconstructed audio to the original
   divided by the same distance for the Griffin-Lim ceiling (original -> log-mel -> Griffin-Lim), both
   with the same Griffin-Lim settings, in the same run. Targets: every level >= 90% entropy usage;
   ceiling ratio <= 1.5.
3. With --ablation-epochs N: augmentation on against off, N epochs each, same seed and split: held-out
   log-mel L1 and validation loss of both.
"""
import argparse, math, resource, statistics, time
from pathlib import Path

import torch
import auraloss

from distill.training import train_vqvae, VQVAEConfig
from distill.audio.io import load_corpus, chunk_clips
from distill.audio.spectrogram import AudioSpectrogram
from distill.models.vqvae import ConvVQVAE
from distill.models.losses import vqvae_loss
from distill.models.quantizer import usage_stats

GMROCK = Path('/tmp/h/usr/share/hydrogen/data/drumkits/GMRockKit')

def throughput(corpus, steps=12):
    cfg = VQVAEConfig()
    torch.manual_seed(0)
    model, front = ConvVQVAE.from_config(cfg), AudioSpectrogram()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    chunks = chunk_clips(corpus.clips, 48000)
    times = []
    for i in range(steps + 2):
        wave = chunks[torch.randint(len(chunks), (cfg.batch_size,))]
        t = time.perf_counter()
        with torch.no_grad(): x = front.waveform_to_mel(wave[:, None])
        recon, _, commit = model(x)
        loss = vqvae_loss(recon, x, commit, cfg.commitment_weight)[0]
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.gradient_clip_norm); opt.step()
        if i >= 2: times.append(time.perf_counter() - t)   # the first two steps include k-means pooling warm-up
    med = statistics.median(times)
    return med, cfg.batch_size * cfg.chunk_duration_s / med

def quality(res, n_iter=64):
    front = AudioSpectrogram(res.spectrogram)
    files = res.val_files
    clips = [res.corpus.clips[res.corpus.files.index(f)] for f in files]
    chunks = chunk_clips(clips, round(res.config.chunk_duration_s * res.corpus.sample_rate))
    model = res.model.eval()
    mrstft = auraloss.freq.MultiResolutionSTFTLoss()
    with torch.no_grad():
        x = front.waveform_to_mel(chunks[:, None])
        recon, idx, _ = model(x)
        l1 = (recon - x).abs().mean().item()
        K = model.quantizer.codebook_size
        counts = torch.stack([torch.bincount(idx[..., q].flatten(), minlength=K) for q in range(idx.shape[-1])])
        stats = usage_stats(counts)
        ceiling = front.mel_to_waveform(x, n_iter=n_iter, length=chunks.shape[1])
        rebuilt = front.mel_to_waveform(recon, n_iter=n_iter, length=chunks.shape[1])
        d_model = mrstft(rebuilt, chunks[:, None]).item()
        d_ceiling = mrstft(ceiling, chunks[:, None]).item()
    return len(files), len(chunks), l1, stats, K, d_model, d_ceiling

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default=str(GMROCK))
    ap.add_argument('--minutes', type=float, default=25)
    ap.add_argument('--out', default='/tmp/bench_training_run')
    ap.add_argument('--skip-quality', action='store_true')
    ap.add_argument('--skip-throughput', action='store_true')
    ap.add_argument('--ablation-epochs', type=int, default=0)
    a = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    corpus = load_corpus(a.corpus)
    print(f"corpus: {corpus}")
    if not a.skip_throughput:
        med, audio_rate = throughput(corpus)
        print(f"throughput at the default VQVAEConfig (batch 32 x 1 s): median step {med:.3f} s = {1/med:.2f} steps/s, "
              f"{audio_rate:.1f} audio-seconds/s")
    if not a.skip_quality:
        t = time.perf_counter()
        res = train_vqvae(corpus, a.out, minutes=a.minutes, seed=0, progress=False)
        took = time.perf_counter() - t
        print(f"trained {len(res.history['train'])} epochs in {took/60:.1f} min (config: codebook {res.config.codebook_size}, "
              f"batch {res.config.batch_size}, lr {res.config.learning_rate}); final train {res.history['train'][-1]:.4f}, "
              f"val {res.history['val'][-1]:.4f}; skipped steps {res.skipped_steps}")
        n_files, n_chunks, l1, stats, K, d_model, d_ceiling = quality(res)
        print(f"held-out: {n_files} files, {n_chunks} chunks; log-mel L1 {l1:.4f}")
        for lvl, s in stats.items():
            ent = math.log(max(s['perplexity'], 1)) / math.log(K)
            print(f"  {lvl}: entropy usage {ent:.1%}, codes used {s['utilization']:.1%} of {K} (target entropy >= 90%)")
        print(f"MR-STFT distance to the original: model+GL {d_model:.4f}, GL ceiling {d_ceiling:.4f}, "
              f"ratio {d_model/d_ceiling:.3f} (target <= 1.5)")
    if a.ablation_epochs:
        for aug in (True, False):
            res = train_vqvae(corpus, f"{a.out}_aug_{aug}", epochs=a.ablation_epochs, seed=0, augment_data=aug,
                              progress=False, checkpoint_every=0)
            l1 = quality(res)[2]
            print(f"augmentation {'on ' if aug else 'off'}: {a.ablation_epochs} epochs, held-out log-mel L1 {l1:.4f}, "
                  f"validation loss {res.history['val'][-1]:.4f}, train loss {res.history['train'][-1]:.4f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")

if __name__ == '__main__': main()
