"""Training speed of the default ConvVQVAE on each device this machine has: CPU, and CUDA with and without bf16.

Usage: python bench/bench_devices.py [--steps N] [--epochs E] [--files F] [--skip-quality]

1. Steps: the training step as `train_vqvae` takes it (log-mel of a batch of 32 one-second chunks on the
   device, forward, `vqvae_loss` plus `quiet_weight` x `quiet_mel_loss`, backward, clipping, AdamW, one
   read-back of the loss), at the default `VQVAEConfig`,
   after warm-up steps (k-means pooling, CUDA kernels), median over N steps. Printed as steps per second
   and audio-seconds per second, and as a ratio to the CPU measured in the same run.
2. Training: `train_vqvae` on a demo corpus of F files for E epochs on each device (and with bf16 on
   CUDA): the median epoch time, the final validation loss and the held-out log-mel L1, so that the
   speed of bf16 is shown beside what it does to quality.
"""
import argparse, statistics, tempfile, time
from pathlib import Path

import torch

from distill.device import available_devices, describe_device, get_device
from distill.training import train_vqvae, VQVAEConfig
from distill.audio.io import make_demo_corpus, load_corpus, chunk_clips
from distill.audio.spectrogram import AudioSpectrogram
from distill.models.vqvae import ConvVQVAE
from distill.models.losses import vqvae_loss, quiet_mel_loss


def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)


def step_seconds(dev, chunks, bf16=False, steps=20, warmup=5):
    "Median seconds of one training step at the default config on `dev`."
    cfg = VQVAEConfig()
    torch.manual_seed(0)
    model, front = ConvVQVAE.from_config(cfg).to(dev).train(), AudioSpectrogram().to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    chunks = chunks.to(dev)
    mixed = torch.autocast('cuda', dtype=torch.bfloat16, enabled=bf16) if dev.type == 'cuda' else torch.autocast('cpu', enabled=False)
    times = []
    for i in range(warmup + steps):
        wave = chunks[torch.randint(len(chunks), (cfg.batch_size,), device=dev)]
        sync(dev); t = time.perf_counter()
        with torch.no_grad(): x = front(wave[:, None])
        with mixed:
            recon, _, commit = model(x)
            loss = vqvae_loss(recon, x, commit, cfg.commitment_weight)[0] + cfg.quiet_weight * quiet_mel_loss(recon, x)
        opt.zero_grad(set_to_none=True); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.gradient_clip_norm); opt.step()
        loss.item()                      # the loop logs the loss every step
        sync(dev)
        if i >= warmup: times.append(time.perf_counter() - t)
    return statistics.median(times), cfg.batch_size * cfg.chunk_duration_s


def heldout_l1(res):
    "Mean |reconstructed - original| log-mel over the held-out chunks."
    dev = next(res.model.parameters()).device
    clips = [res.corpus.clips[res.corpus.files.index(f)] for f in res.val_files]
    x = AudioSpectrogram(res.spectrogram).to(dev)(chunk_clips(clips, 48000).to(dev)[:, None])
    with torch.no_grad(): return (res.model.eval()(x)[0] - x).abs().mean().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--epochs', type=int, default=30)
    ap.add_argument('--files', type=int, default=40)
    ap.add_argument('--skip-quality', action='store_true')
    a = ap.parse_args()
    devices = [get_device('cpu')] + ([get_device('cuda')] if torch.cuda.is_available() else [])
    print(f"torch {torch.__version__}; devices here: {', '.join(available_devices())}; " + '; '.join(describe_device(d) for d in devices))
    work = Path(tempfile.mkdtemp())
    make_demo_corpus(work / 'sounds', n_files=a.files, seed=0)
    corpus = load_corpus(work / 'sounds')
    chunks = chunk_clips(corpus.clips, 48000)
    runs = [(d, False) for d in devices] + ([(devices[1], True)] if len(devices) > 1 else [])
    print(f"\n1. training steps, default VQVAEConfig, batch 32 x 1 s, median of {a.steps}")
    cpu = None
    for dev, bf16 in runs:
        s, audio = step_seconds(dev, chunks, bf16, a.steps)
        cpu = cpu or s
        print(f"  {str(dev):5} {'bf16' if bf16 else 'fp32'}: {1 / s:7.2f} steps/s, {audio / s:8.1f} audio-s/s, {cpu / s:6.1f}x the CPU")
    if a.skip_quality: return
    print(f"\n2. train_vqvae on {a.files} demo files, {a.epochs} epochs, default adaptive config")
    for dev, bf16 in runs:
        res = train_vqvae(corpus, work / f'{dev.type}_{bf16}', epochs=a.epochs, progress=False, checkpoint_every=0,
                          device=str(dev), bf16=bf16)
        ep = statistics.median(res.history['epoch_seconds'])
        print(f"  {str(dev):5} {'bf16' if bf16 else 'fp32'}: median epoch {ep:.3f} s, total {res.seconds:.1f} s, "
              f"final validation loss {res.history['val'][-1]:.4f}, held-out log-mel L1 {heldout_l1(res):.4f}")


if __name__ == '__main__':
    main()
