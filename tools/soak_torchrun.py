"""Run every torchrun test of the notebooks many times in a row, with the other core kept busy, and count failures.

A torchrun test that fails one time in ten loses a landing one CI run in a few; this is how to see it.
For each notebook it runs the cells up to its last torchrun test once, as nbdev_test does (IN_TEST=1),
then re-runs each cell that calls `torchrun(` N times, while a second notebook runs under nbdev_test in
a loop beside it. It prints the failures per cell and their first lines, and exits 1 if there were any.

Run: python tools/soak_torchrun.py [--n 30] [--busy nbs/10_audio_io.ipynb] [nbs/06_device.ipynb ...]"""
import argparse, os, subprocess, sys, time, traceback
from pathlib import Path
from execnb.nbio import read_nb
from execnb.shell import CaptureShell

NOTEBOOKS = ['nbs/06_device.ipynb', 'nbs/20_quantizer.ipynb', 'nbs/50_training.ipynb']

def code_cells(path):
    "The code cells nbdev_test runs (not `notest`, `slow` or `eval: false`), as (index, source)."
    skip = ('#| notest', '#| slow', '#| eval: false')
    return [(i, c.source) for i, c in enumerate(read_nb(path).cells)
            if c.cell_type == 'code' and not any(s in c.source for s in skip)]

def soak(path, n):
    "Run `path`'s cells up to its last torchrun test, then each torchrun test cell `n` times; the failures."
    cells = code_cells(path)
    runs = [k for k, (_, s) in enumerate(cells) if 'torchrun(' in s and 'def torchrun' not in s]
    shell = CaptureShell(path)
    os.chdir(Path(path).parent)
    for _, s in cells[:runs[-1] + 1]:                     # the set-up, once, and each test once
        shell.run(s)
        if shell.exc: raise SystemExit(f"{path}: the set-up failed:\n{shell.exc}")
    failures = {cells[k][0]: [] for k in runs}
    for i in range(n):
        for k in runs:
            shell.run(cells[k][1])
            if shell.exc: failures[cells[k][0]].append(f"run {i + 1}: " + str(shell.exc).splitlines()[0][:300])
        print(f"{path}: {i + 1}/{n} rounds, {sum(map(len, failures.values()))} failures", flush=True)
    return failures

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', default=NOTEBOOKS)
    ap.add_argument('--n', type=int, default=30, help="rounds of each torchrun test")
    ap.add_argument('--busy', default='nbs/10_audio_io.ipynb', help="the notebook kept under test beside the soak ('' for none)")
    args = ap.parse_args()
    os.environ['IN_TEST'] = '1'
    root = Path(__file__).resolve().parent.parent
    busy = subprocess.Popen(['bash', '-c', f'while true; do nbdev_test --n_workers 1 --path {args.busy} >/dev/null 2>&1; done'],
                            cwd=root, start_new_session=True) if args.busy else None
    t0, total = time.time(), 0
    try:
        for nb in args.notebooks:
            os.chdir(root)
            fails = soak(str(root / nb), args.n)
            for cell, f in fails.items():
                total += len(f)
                print(f"{nb} cell {cell}: {len(f)} of {args.n} runs failed" + ''.join(f"\n  {x}" for x in f[:5]), flush=True)
    finally:
        if busy: os.killpg(busy.pid, 15)
    print(f"soak: {total} failures in {time.time() - t0:.0f} s ({args.n} rounds of each torchrun test, other core busy: {args.busy or 'no'})")
    sys.exit(1 if total else 0)
