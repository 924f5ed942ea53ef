"""Where the studio's model work runs (57_pads, "one thread for the model"): a batch of 18 pad sounds (six kinds, up to 1.5 s,
8 Griffin-Lim iterations, the pad bank's batch), median of three after a warm-up, with the model loaded and run on
different threads. Each arrangement runs in a fresh process (torch's thread teams, once made, stay for the process).

    python bench/bench_threads.py --model FILE

FILE: a model with kinds (e.g. GMRockKit sorted by instrument, `distill_train --minutes 10`). 2 cores, nothing else running.
"""
import argparse, statistics, subprocess, sys, time

ARRANGEMENTS = {
    'main': "loaded and run on the main thread (a command: distill_generate)",
    'one thread': "loaded and run on one other thread, nothing on the main one (the studio now)",
    'loaded on main': "loaded on the main thread, run on another",
    'warmed on main': "loaded and warmed up on the main thread, run on another (the studio before: the refill's thread)",
}


def batch_seconds(model, where):
    "Median seconds of the batch, in this process, arranged as `where` says."
    import torch
    from distill.models.persistence import load_model
    from distill.generation import generate
    from distill.pads import on_model_thread as on                                 # the studio's own model thread
    torch.set_num_threads(2)
    mf = (load_model if where in ('main', 'loaded on main', 'warmed on main') else lambda m: on(load_model, m))(model)
    kinds = (list(mf.generator.kinds) * 18)[:18]
    run = lambda seed: generate(mf, 18, 1.5, seed=seed, n_iter=8, kind=kinds)
    (run if where in ('main', 'warmed on main') else lambda s: on(run, s))(0)      # warm-up
    def timed(seed):
        t = time.perf_counter(); run(seed); return time.perf_counter() - t
    return statistics.median((timed if where == 'main' else lambda s: on(timed, s))(s) for s in (1, 2, 3))


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', required=True); ap.add_argument('--where', choices=list(ARRANGEMENTS), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.where: print(batch_seconds(a.model, a.where)); sys.exit()
    ref = None
    for where, what in ARRANGEMENTS.items():
        s = float(subprocess.run([sys.executable, __file__, '--model', a.model, '--where', where], capture_output=True, text=True, check=True).stdout.split()[-1])
        ref = ref or s
        print(f"{where:15s} {s:.2f} s a batch of 18 ({s / ref:.2f}x the main thread's): {what}", flush=True)
