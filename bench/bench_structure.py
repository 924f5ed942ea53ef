"""The structure space (12_realism's `structure_features`) calibrated on the four real corpora (issue 40).

For each corpus, split as `bench_realism.py` splits it (held-out files: whole instruments, or every third
file), the training files are halved by name order (even, odd): the scale is built on the first half and
the held-out files, and these sets are measured on it, on their first 3 s (zero-padded):
- a second real subset: the other half of the training files (about 1: as close as held-out files are);
- the first half cut into 100 ms blocks, shuffled within each file (the sound kept, its time order lost);
- the same with 20 ms blocks;
- a stationary wash: noise shaped by the first half's long-term spectrum, at its median level;
and, beside them, the MFCC and envelope spaces' figures for the same sets (first second, distill's own
features), which cannot hear time. Prints realism / median novelty / diversity per set and space, and
the median periodicity (`structure_features`' first number) of each set.

    python bench/bench_structure.py [--kits gmrock tr808 lmms_drums lmms_textures]
"""
import argparse, statistics, warnings
import torch
from common import HELD_OUT, SR, FRONT, split_kit, corpus_of, first_seconds
from distill.audio.realism import RealismScale, sound_features, structure_features

SECONDS = 3


def shuffled(clips, block, seed=0):
    "Each clip cut into `block`-second blocks and put back in a random order."
    g, n = torch.Generator().manual_seed(seed), round(block * SR)
    out = []
    for c in clips:
        b = c[:len(c) // n * n].reshape(-1, n)
        out.append(torch.nn.functional.pad(b[torch.randperm(len(b), generator=g)].reshape(-1), (0, len(c) - len(b) * n)))
    return torch.stack(out)


def wash(clips, seed=0):
    "Stationary noise with the clips' long-term magnitude spectrum, at their median RMS."
    spectrum = torch.fft.rfft(clips).abs().pow(2).mean(0).sqrt()
    g = torch.Generator().manual_seed(seed)
    noise = torch.fft.irfft(torch.fft.rfft(torch.randn(len(clips), clips.shape[1], generator=g)) * spectrum, clips.shape[1])
    rms = clips.pow(2).mean(1).sqrt().median()
    return noise / noise.pow(2).mean(1, keepdim=True).sqrt() * rms


def spaces(clips):
    "The three families of sounds [n, 3 SR]: MFCC and envelope of their first second, structure of their 3 s."
    return dict(sound_features(FRONT, clips[:, :SR]), structure=structure_features(FRONT, clips, SECONDS))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kits', nargs='+', default=list(HELD_OUT), choices=list(HELD_OUT))
    a = ap.parse_args()
    print(f"{'corpus':<14}{'set':<28}{'MFCC r/n/d':>18}{'envelope r/n/d':>18}{'structure r/n/d':>19}{'periodicity':>13}")
    for kit in a.kits:
        train_files, held_files = split_kit(kit)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            first, second, held = (first_seconds(corpus_of(f).clips, SECONDS) for f in (train_files[0::2], train_files[1::2], held_files))
        f_first, f_held = spaces(first), spaces(held)
        scales = {fam: RealismScale(f_first[fam], f_held[fam]) for fam in f_first}
        sets = {'held-out files (the scale)': held, 'a second real subset': second, 'shuffled 100 ms blocks': shuffled(first, 0.1),
                'shuffled 20 ms blocks': shuffled(first, 0.02), 'a stationary wash': wash(first)}
        for name, clips in sets.items():
            f = f_held if clips is held else spaces(clips)
            figs = {fam: scales[fam].figures(f[fam]) for fam in scales}
            if clips is held: figs = {fam: dict(figs[fam], realism=scales[fam].held_out_realism()) for fam in scales}
            cells = ''.join(f"{figs[fam]['realism']:8.2f}/{figs[fam]['novelty']:4.1f}/{figs[fam]['diversity']:4.2f}" for fam in ('mfcc', 'envelope', 'structure'))
            print(f"{kit:<14}{name:<28}{cells}{statistics.median(f['structure'][:, 0].tolist()):11.2f}", flush=True)


if __name__ == '__main__':
    main()
