"""Time every loss of `distill.models.losses`, forward + backward, against a ConvVQVAE training step.

Batch: 32 one-second log-mels, [32, 1, 128, 94] ([32, 2, 128, 94] for the two-channel combined loss).
Reference, measured in the same run on the same batch: ConvVQVAE forward + backward (default config, train
mode). Each loss's share of a training step is  loss / (model fwd+bwd + loss).  Medians over repeats,
the model and every loss timed in turn within each repeat (fair on a shared, loaded machine).
Targets: multi_scale_mel_loss + vqvae_loss under 5% of a step; compute_combined_loss under 25%.

Run: python bench/bench_losses.py
"""
import os, platform, random, statistics, sys, time
import torch
from distill.config import LossConfig
from distill.models.losses import (vae_loss, get_kl_weight, compute_kl_divergence, multi_scale_mel_loss, vqvae_loss,
                                   create_stft_loss, compute_combined_loss)
try:
    from distill.models.vqvae import ConvVQVAE
except ImportError as e:
    sys.exit(f"bench_losses: ConvVQVAE is not available yet ({e}); build the models notebooks first")

B, N_MELS, T, LATENT = 32, 128, 94, 64
REPEATS, WARMUP = 15, 2


def median_time(fn, repeats, warmup=WARMUP):
    "Median wall time of `fn()` in seconds after `warmup` untimed calls."
    for _ in range(warmup): fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    # log1p(mel power)-like, non-negative targets; the IF channel in [-1, 1]
    x1 = torch.log1p(10 * torch.rand(B, 1, N_MELS, T, generator=g) ** 4)
    x2 = torch.cat([x1, torch.rand(B, 1, N_MELS, T, generator=g) * 2 - 1], 1)

    model = ConvVQVAE()
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]

    def model_step():
        for p in params: p.grad = None
        recon, indices, commit = model(x1)
        (recon.mean() + commit.sum()).backward()   # a trivial objective: the model's own fwd+bwd cost only

    # model outputs, detached, as the leaves the losses differentiate
    with torch.no_grad(): recon1, _, commit = model(x1)
    recon1 = recon1.detach().requires_grad_()
    commit = commit.detach().sum().requires_grad_()
    recon2 = (x2 + 0.1 * torch.randn(x2.shape, generator=g)).requires_grad_()
    mu = torch.randn(B, LATENT, generator=g).requires_grad_()
    logvar = (0.3 * torch.randn(B, LATENT, generator=g)).requires_grad_()
    cfg = LossConfig()
    stft_fn = create_stft_loss(cfg, x2.device)

    def fb(loss_fn):
        "forward + backward of one loss on the leaves above"
        def run():
            for t in (recon1, recon2, mu, logvar, commit): t.grad = None
            out = loss_fn()
            (out[0] if isinstance(out, tuple) else out["total_loss"] if isinstance(out, dict) else out).backward()
        return run

    losses = [
        ("multi_scale_mel_loss", "[32,1,128,94]", fb(lambda: multi_scale_mel_loss(recon1, x1))),
        ("vqvae_loss", "[32,1,128,94]", fb(lambda: vqvae_loss(recon1, x1, commit, 0.25))),
        ("vae_loss", "[32,1,128,94]+[32,64]", fb(lambda: vae_loss(recon1, x1, mu, logvar, 0.01, 0.1))),
        ("compute_kl_divergence", "[32,64]", fb(lambda: compute_kl_divergence(mu, logvar, 0.1))),
        ("compute_combined_loss", "[32,2,128,94]+[32,64]",
         fb(lambda: compute_combined_loss(recon2, x2, mu, logvar, cfg, 0.01, _stft_loss_fn=stft_fn))),
        ("compute_combined_loss (no prebuilt STFT)", "[32,2,128,94]+[32,64]",
         fb(lambda: compute_combined_loss(recon2, x2, mu, logvar, cfg, 0.01))),
    ]
    # interleaved: each repeat times the model step and then every loss, so that a shared, loaded machine
    # slows the reference and the losses alike; medians over the repeats
    for _ in range(WARMUP):
        model_step()
        for _, _, run in losses: run()
    model_ts, loss_ts = [], {name: [] for name, _, _ in losses}
    rng = random.Random(0)
    for _ in range(REPEATS):
        t0 = time.perf_counter(); model_step(); model_ts.append(time.perf_counter() - t0)
        for name, _, run in rng.sample(losses, len(losses)):   # a fresh order each repeat: no position bias
            t0 = time.perf_counter(); run(); loss_ts[name].append(time.perf_counter() - t0)
    model_t = statistics.median(model_ts)
    loss_t = {name: (shape, statistics.median(loss_ts[name])) for name, shape, _ in losses}
    kl_w_t = median_time(lambda: get_kl_weight(37, 200), 1000)
    create_t = median_time(lambda: create_stft_loss(cfg, x2.device), 20)

    print(f"bench_losses: torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}, "
          f"cpu count {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; medians of {REPEATS} interleaved repeats")
    print(f"reference: ConvVQVAE() forward+backward on [32,1,128,94]: {model_t*1e3:8.2f} ms")
    print(f"{'loss (forward+backward)':42s} {'input':24s} {'median ms':>10s} {'share of step':>14s}")
    share = {}
    for name, (shape, t) in loss_t.items():
        share[name] = t / (model_t + t)
        print(f"{name:42s} {shape:24s} {t*1e3:10.3f} {share[name]*100:13.2f}%")
    print(f"{'get_kl_weight (python float, forward only)':42s} {'scalars':24s} {kl_w_t*1e3:10.4f} {kl_w_t/(model_t+kl_w_t)*100:13.4f}%")
    print(f"{'create_stft_loss (once per run)':42s} {'LossConfig()':24s} {create_t*1e3:10.3f}")
    both = loss_t["multi_scale_mel_loss"][1] + loss_t["vqvae_loss"][1]
    s_both = both / (model_t + both)
    print(f"target: multi_scale_mel_loss + vqvae_loss = {s_both*100:.2f}% of a step (< 5%): {'PASS' if s_both < 0.05 else 'FAIL'}"
          f"  [vqvae_loss alone, which contains multi_scale_mel_loss: {share['vqvae_loss']*100:.2f}%]")
    print(f"target: compute_combined_loss = {share['compute_combined_loss']*100:.2f}% of a step (< 25%): "
          f"{'PASS' if share['compute_combined_loss'] < 0.25 else 'FAIL'}")


if __name__ == "__main__":
    main()
