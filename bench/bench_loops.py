"""Loops that loop (issue 40, items 3 and 5): the tempo estimate, the whole-beat cut and the seam, on real loops and
on a loop model's generated sounds.

1. Real loops (LMMS's beats, bass loops and pads, every file): a loop a musician cut is a whole number of beats
   long, so a right tempo makes the file's length a whole number of beats; the share of files with a pulse whose
   length is within 3% of a whole number of estimated beats checks the estimate against the files' own lengths.
   The seam: the jump from a loop's last sample to its first, over the file's median sample-to-sample step, for
   `make_loop` (crossfaded) and for a plain cut of the same span.
2. With `--model FILE` (a loop model: its generator's `one_shot` False; `--force` treats any model so):
   `make_sounds` of `--n` sounds of `--seconds`, and variations (amount 0.3) of two held-out loops: per sound its
   tempo and beats, that its file is whole beats of its tempo, its seam jump, and that each variation kept its
   source's tempo.

    python bench/bench_loops.py [--model /tmp/runs/r10/lmms_textures/model.distill]
"""
import argparse, dataclasses, statistics, tempfile
from pathlib import Path

import soundfile as sf
import torch

from distill.audio.io import load_audio
from distill.loops import estimate_tempo, make_loop
from distill.models.persistence import load_model, save_model
from distill.generation import load_generator
from distill.pipeline import make_sounds

from common import LMMS, SR, split_kit


def seam_jumps(x, loop, start):
    "(jump of the loop, jump of a plain cut of the same span), each over the sound's median absolute step."
    step = float(x.diff().abs().median()) or 1e-9
    cut = x[start:start + len(loop)]
    return float((loop[0] - loop[-1]).abs()) / step, float((cut[0] - cut[-1]).abs()) / step


def real_loops():
    files = sorted(p for d in ('beats', 'bassloops', 'stringsnpads') for p in (LMMS / d).iterdir() if p.suffix == '.ogg')
    whole, pulsed, jumps = 0, 0, []
    print(f"{'file':<34} {'s':>6} {'bpm':>6} {'pulse':>5} {'beats in file':>13}  loop")
    for f in files:
        try: x = load_audio(f, SR)
        except Exception as e: print(f"{f.name}: skipped ({e})"); continue
        tempo, strength = estimate_tempo(x, SR)
        loop, facts = make_loop(x, SR)
        jumps.append(seam_jumps(x, loop, facts['start']))
        beats = len(x) / SR * tempo / 60 if tempo else None
        if tempo:
            pulsed += 1
            whole += abs(beats - round(beats)) <= 0.03 * round(beats)
        print(f"{f.parent.name + '/' + f.name:<34} {len(x) / SR:6.2f} {tempo or '-':>6} {strength:5.2f} {beats and round(beats, 2) or '-':>13}  "
              + (f"{facts['beats']} beats" if facts['beats'] else 'whole') + f", {len(loop) / SR:.2f} s")
    print(f"files with a pulse: {pulsed} of {len(jumps)}; their length a whole number of estimated beats (within 3%): {whole} of {pulsed}")
    print(f"seam jump over the median step, median over files: loop {statistics.median(j[0] for j in jumps):.2f}, "
          f"plain cut {statistics.median(j[1] for j in jumps):.2f} (90th percentile {sorted(j[0] for j in jumps)[int(0.9 * len(jumps))]:.2f} "
          f"and {sorted(j[1] for j in jumps)[int(0.9 * len(jumps))]:.2f})")


def model_loops(path, n, seconds, force):
    mf = load_model(path)
    if mf.generator.one_shot is not False:
        if not force: raise SystemExit(f"{path}: a model of one-shots (its sounds end); --force treats it as a loop model")
        path = Path(tempfile.mkdtemp()) / 'loops.distill'
        save_model(mf.model, path, mf.spectrogram, mf.config, mf.codebook_health, mf.history, mf.metadata,
                   generator=load_generator(mf), generator_facts=dataclasses.replace(mf.generator, one_shot=False))
    out = Path(tempfile.mkdtemp())
    made = make_sounds(path, out / 'new', n=n, seconds=seconds, progress=False)
    print(f"\n{n} sounds of {seconds} s from {path}:")
    for f in made.files:
        frames = sf.info(out / 'new' / f['wav']).frames
        whole = f['beats'] and abs(frames - f['beats'] * 60 / f['tempo'] * SR) <= 1e-3 * frames
        x = load_audio(out / 'new' / f['wav'], SR)
        print(f"  {f['wav']}: " + (f"{f['beats']} beats at {f['tempo']} bpm" if f['beats'] else 'no pulse: whole') + f", {frames / SR:.2f} s"
              + (f", whole beats {'yes' if whole else 'NO'}" if f['beats'] else '') + f"; seam jump {float((x[0] - x[-1]).abs()):.4f}")
    tempos = [f['tempo'] for f in made.files]
    print(f"  with a tempo: {sum(t is not None for t in tempos)} of {n}")
    held = [p for p in split_kit('lmms_textures')[1] if estimate_tempo(load_audio(p, SR), SR)[0]][:2]
    for src in held:
        var = make_sounds(path, out / src.stem, n=3, like=src, amount=0.3, progress=False)
        t = estimate_tempo(load_audio(src, SR), SR)[0]
        print(f"  variations of {src.name} ({t} bpm): tempi {[f['tempo'] for f in var.files]}, beats {[f['beats'] for f in var.files]}")


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', help='a loop model file (its sounds go on)')
    ap.add_argument('--force', action='store_true', help="treat a one-shot model's sounds as loops")
    ap.add_argument('--n', type=int, default=8)
    ap.add_argument('--seconds', type=float, default=3.0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    real_loops()
    if a.model: model_loops(a.model, a.n, a.seconds, a.force)
