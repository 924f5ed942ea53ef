"""Learned inversions against distill's way back (NNLS + PGHI + Griffin-Lim 16), trained on a kit's own files.

Usage: python bench/bench_learned_inversion.py [--kits gmrock tr808] [--minutes 1.5 5] [--designs magnitude vocos]

The sound-path issue asks for a learned inversion trained on the user's own corpus inside the `--minutes`
budget. Two designs, each trained through distill's loop (`fit`) for each budget on the kit's training files
(the split of `bench_realism.py`), then measured on its held-out files from their true log-mels with the
error budget's distance (`bench_sound_path.py`: multi-resolution STFT at 256-2048, median; lower is better):

- magnitude: a ConvNeXt stack (Vocos' backbone: width 256, 6 blocks) from the log-mel to a correction of the
  NNLS magnitude's log (its head starts at zero, so untrained it is NNLS exactly), then PGHI + Griffin-Lim 16;
  trained on random 32-frame windows with L1 of log-magnitude (floor 1e-4) plus spectral convergence;
- vocos: the same backbone with Vocos' head, log-magnitude and phase per bin, then the inverse STFT; trained
  on random half-second chunks (half of them from the file's start, where the attack is) with auraloss'
  multi-resolution STFT loss plus L1 of the log-mel. Vocos also trains with waveform discriminators; on two
  CPU cores inside minutes this bench leaves them out (the untrained rows show how far the plain losses get).

Each row prints the held-out distance, its ratio to the untrained NNLS + PGHI path measured in the same run,
the steps taken and the seconds per second of sound of the inversion.
"""
import argparse, time, warnings

import torch
from torch import nn
import auraloss

from common import split_kit, first_seconds, FRONT, HELD_OUT, distance, corpus_of
from distill.audio.inversion import nnls_magnitude, magnitude_to_waveform, features_to_waveform
from distill.training.loop import Task, fit

SR, C = 48000, FRONT.config
F = C.n_fft // 2 + 1


class Block(nn.Module):
    "A ConvNeXt block over time: depthwise convolution, layer norm, a widening MLP, a learned scale (Vocos' backbone)."
    def __init__(self, dim, scale):
        super().__init__()
        self.dw, self.norm = nn.Conv1d(dim, dim, 7, padding=3, groups=dim), nn.LayerNorm(dim)
        self.mlp, self.scale = nn.Sequential(nn.Linear(dim, 3 * dim), nn.GELU(), nn.Linear(3 * dim, dim)), nn.Parameter(torch.full((dim,), scale))
    def forward(self, x): return x + (self.mlp(self.norm(self.dw(x).transpose(1, 2))) * self.scale).transpose(1, 2)


class Backbone(nn.Module):
    "Log-mel [B, n_mels, T] -> features [B, T, dim]."
    def __init__(self, dim=256, layers=6):
        super().__init__()
        self.embed, self.norm_in = nn.Conv1d(C.n_mels, dim, 7, padding=3), nn.LayerNorm(dim)
        self.blocks, self.norm_out = nn.Sequential(*[Block(dim, 1 / layers) for _ in range(layers)]), nn.LayerNorm(dim)
    def forward(self, mel):
        x = self.norm_in(self.embed(mel).transpose(1, 2)).transpose(1, 2)
        return self.norm_out(self.blocks(x).transpose(1, 2))


class MagnitudeNet(nn.Module):
    "Log-mel -> linear magnitude [B, F, T]: NNLS's, corrected by a learned factor per bin and frame (1 untrained)."
    def __init__(self):
        super().__init__()
        self.backbone, self.head = Backbone(), nn.Linear(256, F)
        nn.init.zeros_(self.head.weight); nn.init.zeros_(self.head.bias)
    def forward(self, mel):
        base = nnls_magnitude(torch.expm1(mel.clamp(min=0)), FRONT.filterbank).clamp(min=1e-5).log()
        return (base + self.head(self.backbone(mel)).transpose(1, 2)).clamp(max=10).exp()
    def invert(self, mel, length):
        return magnitude_to_waveform(self(mel), C.n_fft, C.hop_length, 16, length)


class VocosNet(nn.Module):
    "Log-mel -> waveform: log-magnitude and phase per bin from the backbone, then the inverse STFT (Vocos' head)."
    def __init__(self):
        super().__init__()
        self.backbone, self.head = Backbone(), nn.Linear(256, 2 * F)
        self.register_buffer('window', torch.hann_window(C.n_fft), persistent=False)
    def invert(self, mel, length):
        h = self.head(self.backbone(mel)).transpose(1, 2)
        spec = torch.polar(h[:, :F].clamp(max=10).exp(), h[:, F:])
        return torch.istft(spec, C.n_fft, C.hop_length, window=self.window, length=length)


def windows(clips, n, g, batch=16, from_start=0.5):
    "`batch` random windows of `n` samples of the clips (zero-padded), half from a file's start, at random gains."
    out = []
    for _ in range(batch):
        w = clips[int(torch.randint(len(clips), (1,), generator=g))]
        start = 0 if len(w) <= n or torch.rand(1, generator=g) < from_start else int(torch.randint(len(w) - n, (1,), generator=g))
        x = w[start:start + n]
        out.append(torch.nn.functional.pad(x, (0, n - len(x))) * (0.1 + 0.9 * torch.rand(1, generator=g)))
    return torch.stack(out)


def task(design, clips, steps=50):
    "A `Task` for `fit`: the design's network, its batches and its loss."
    if design == 'magnitude':
        net, n = MagnitudeNet(), 31 * C.hop_length
        log = lambda m: m.clamp(min=1e-4).log()
        def loss(net, x, epoch, n_epochs):
            mag = FRONT.stft(x[:, None]).abs()
            est = net(FRONT(x[:, None])[:, 0])
            l1, sc = (log(est) - log(mag)).abs().mean(), torch.linalg.norm(est - mag) / torch.linalg.norm(mag).clamp(min=1e-8)
            return l1 + sc, {'log_l1': l1.detach(), 'sc': sc.detach()}
    else:
        net, n = VocosNet(), 24576
        mrstft = auraloss.freq.MultiResolutionSTFTLoss()
        def loss(net, x, epoch, n_epochs):
            y = net.invert(FRONT(x[:, None])[:, 0], x.shape[-1])
            mr, mel = mrstft(y[:, None], x[:, None]), (FRONT(y[:, None]) - FRONT(x[:, None])).abs().mean()
            return mr + mel, {'mrstft': mr.detach(), 'mel': mel.detach()}
    batches = lambda epoch, g: ((windows(clips, n, g), 1.0) for _ in range(steps))
    return Task(net, batches, loss, steps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kits', nargs='+', default=['gmrock', 'tr808'], choices=list(HELD_OUT))
    ap.add_argument('--minutes', nargs='+', type=float, default=[1.5, 5])
    ap.add_argument('--designs', nargs='+', default=['magnitude', 'vocos'], choices=['magnitude', 'vocos'])
    a = ap.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for kit in a.kits:
        train_files, held_files = split_kit(kit)
        train, held = corpus_of(train_files).clips, first_seconds(corpus_of(held_files).clips)
        mels = FRONT(held[:, None])[:, 0]
        t0 = time.perf_counter()
        with torch.no_grad(): base = distance(features_to_waveform(FRONT, mels[:, None], 16, SR), held)
        print(f"\n== {kit}: {len(held)} held-out files, {len(train)} training files\n"
              f"  NNLS + PGHI + GL 16, untrained (distill's way back):  {base:.3f}  ({(time.perf_counter() - t0) / len(held):.3f} s per s)", flush=True)
        for design in a.designs:
            for minutes in a.minutes:
                t = task(design, train)
                history, skipped, seconds = fit(t, 10, 1e-3 if design == 'magnitude' else 5e-4, minutes=minutes, seed=0, progress=False,
                                                checkpoint_every=0, distributed=False, label=design)
                t.model.eval()
                t0 = time.perf_counter()
                with torch.no_grad(): d = distance(t.model.invert(mels, SR), held)
                per = (time.perf_counter() - t0) / len(held)
                print(f"  {design:<9} {minutes:4.1f} min, {len(history['train']) * t.steps_per_epoch:5d} steps:  {d:.3f}  "
                      f"({d / base:.2f} of the untrained path; {per:.3f} s per s)", flush=True)


if __name__ == '__main__':
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        main()
