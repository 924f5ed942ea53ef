"""Loops that loop (issue 40, items 3 and 5): the tempo estimate, the whole-beat cut and the seam, on real loops and
on a loop model's generated sounds.

1. Real loops (LMMS's beats, bass loops and pads, every file): a loop a musician cut is a whole number of beats
   long, so a right tempo makes the file's length a whole number of beats; the share of files with a pulse whose
   length is within 3% of a whole number of estimated beats checks the estimate against the files' own lengths.
   The seam: the jump from a loop's last sample to its first, over the file's median sample-to-sample step, for
   `make_loop` (crossfaded) and for a plain cut of the same span.
2. With `--model FILE --amounts A [A ...]` (a loop model trained on LMMS's loops and pads, `lmms_textures`'s split):
   57_generation's table that chose `LOOP_AMOUNT`. The model's sounds, 3 s, one per training file: from the prior
   alone (free samples), and from the corpus's loops (`loop_prompts`) at each amount; the codec's reconstructions
   of the held-out files beside them (what the code grid keeps). Per row: structure realism and the median onset
   periodicity (12_realism's structure space, the first 3 s), MFCC and envelope realism and MFCC novelty.
3. With `--model FILE` (a loop model: its generator's `one_shot` False; `--force` treats any model so):
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
import distill.generation as G
from distill.generation import load_generator, loop_codes, generate
from distill.training import reconstruct
from distill.audio.spectrogram import is_one_shot
from distill.audio.realism import RealismScale, structure_features
from distill.pipeline import make_sounds

from common import LMMS, SR, FRONT, split_kit, corpus_of, kit_sets, features


def amounts_table(path, amounts, seed=0):
    "57_generation's table: structure, periodicity, MFCC and envelope realism, novelty of a loop model's sounds by how they are made."
    mf = load_model(path)
    corpus, train, held, scales = kit_sets('lmms_textures')
    train_files, held_files = split_kit('lmms_textures')
    three = lambda xs: torch.stack([torch.nn.functional.pad(x[:3 * SR], (0, max(0, 3 * SR - len(x)))) for x in xs])
    hc = corpus_of(held_files)
    s_scale = RealismScale(*(structure_features(FRONT, three(c.clips), 3) for c in (corpus, hc)))
    period_held = float(structure_features(FRONT, three(hc.clips), 3)[:, 0].median())
    def row(name, waves):
        st, f = structure_features(FRONT, waves, 3), features(waves[:, :SR])
        m, e = (scales[fam].figures(f[fam]) for fam in ('mfcc', 'envelope'))
        print(f"| {name} | {s_scale.figures(st)['realism']:.2f} | {float(st[:, 0].median()):.2f} | {m['realism']:.2f} | {e['realism']:.2f} | "
              f"{m['novelty']:.2f} |", flush=True)
    print(f"\n| made from {path} | structure realism | periodicity (files {period_held:.2f}) | MFCC realism | envelope realism | novelty |")
    print("|---|---|---|---|---|---|")
    row("the codec's reconstructions of held-out files", three([reconstruct(mf, c[:3 * SR])[2] for c in hc.clips]))
    context = mf.generator.hparams.get('context_columns', 24)
    free = dataclasses.replace(mf, generator=dataclasses.replace(mf.generator, loops=None))
    row('the prior alone (free samples)', generate(free, n=len(train), seconds=3.0, seed=seed)[0])
    loops = mf.generator.loops or loop_codes(mf, [c for c in corpus.clips if not is_one_shot(c)], context)   # the model's own, if it keeps them
    looped = dataclasses.replace(mf, generator=dataclasses.replace(mf.generator, loops=loops))
    print(f"(from {len(loops)} loops: {'the model file' if mf.generator.loops else 'its training files that go on'})")
    for a in amounts:
        G.LOOP_AMOUNT = a
        row(f'a corpus loop, amount {a:g}', generate(looped, n=len(train), seconds=3.0, seed=seed)[0])


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
    ap.add_argument('--seed', type=int, default=0, help='the sounds\' seed (--amounts)')
    ap.add_argument('--amounts', type=float, nargs='*', help="57_generation's table: a loop model's sounds from its corpus's loops at these amounts")
    a = ap.parse_args()
    torch.set_num_threads(2)
    if a.amounts: amounts_table(a.model, a.amounts, a.seed)
    else:
        real_loops()
        if a.model: model_loops(a.model, a.n, a.seconds, a.force)
