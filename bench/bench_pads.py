"""The studio's pads (issue 42's targets, 2 cores, nothing else running):
- refill: a pool of 8 per pad refills faster than 4 hits a second on every pad at once (a drummer at
  240 bpm in sixteenths on one pad never hears a repeat). Measured without the browser: a `PadBank` on
  the model fills its pools, then every pad is hit 4 times a second for --seconds, all at once; each hit
  takes the pad's oldest ready sound (as the page does) or counts a repeat when the pool is dry. Printed:
  hits, repeats, sounds made per second against the hits asked for, the lowest pool seen, and the refill's
  pace: sounds made per second the model was at work (the fill's included). Met: no hit repeated, and the
  pace at least the hits asked for (sounds made per second of the run alone reads low by up to half the
  pools, which a refill lets fall to half before a batch: `PadBank.due`).
- latency: key or MIDI note-on to `AudioBufferSourceNode.start()` <= 5 ms, median of 50 hits, measured in
  the page with `performance.now()` against the event's time stamp (Chromium, headless; a stand-in MIDI
  input); the audio device's own output latency printed beside it.

Reference in the same run: how long one sound takes to make on demand (`generate`, one sound of the
first pad's kind), the wait a pad without a pool would add to every hit.

    python bench/bench_pads.py --model FILE [--seconds 30] [--rate 4] [--pool 8] [--hits 50] [--n_iter 16 8 4] [--quality_from DIR ...]

FILE: a model trained on kind subfolders (e.g. GMRockKit sorted by instrument, `distill_train --minutes 10`).
"""
import argparse, statistics, sys, tempfile, time
from pathlib import Path
import torch
from distill.models.persistence import load_model
from distill.generation import generate
from distill.pads import PadBank, on_model_thread
from distill.studio import open_studio, find_chromium

FAKE_MIDI = """window.__midiIn = {name: 'bench', onmidimessage: null};
navigator.requestMIDIAccess = () => Promise.resolve({inputs: new Map([['b', window.__midiIn]]), outputs: new Map(), onstatechange: null});
window.__noteOn = (note, velocity) => window.__midiIn.onmidimessage({data: new Uint8Array([0x99, note, velocity]), timeStamp: performance.now()});"""
POOLS_FULL = "(n) => { const p = Object.values(window.distillPads?.pads || {}); return p.length > 0 && p.every(P => P.ready.length >= n) }"


def refill(mf, a, n_iter):
    "Hit every pad `a.rate` times a second for `a.seconds` while the bank refills; the figures."
    bank = PadBank(mf, tempfile.mkdtemp(prefix='bench_pads_'), pool=a.pool, n_iter=n_iter).start()
    t = time.perf_counter()
    while min(map(len, bank.ready.values())) < a.pool: time.sleep(0.05)
    fill_s = time.perf_counter() - t
    made0, hits, repeats, lowest = bank.made, 0, 0, a.pool
    start = time.perf_counter()
    for tick in range(int(a.seconds * a.rate)):
        time.sleep(max(0.0, start + tick / a.rate - time.perf_counter()))   # asleep until the next tick (polling would take the GIL from the refill)
        for pad, ready in bank.ready.items():
            lowest = min(lowest, len(ready))
            hits += 1
            if ready: bank.played(pad, ready[0])
            else: repeats += 1
    span = time.perf_counter() - start
    made = bank.made - made0
    bank.stop()
    return dict(pads=len(bank.pads), fill_s=fill_s, hits=hits, repeats=repeats, made_per_s=made / span, asked_per_s=len(bank.pads) * a.rate,
                lowest=lowest, busy=bank.busy_s, pace=bank.made / bank.busy_s)


def way_back(mf, folders, n_iter):
    "Median MR-STFT distance (auraloss) of the way back from true log-mels, over every 4th file of `folders` (first 1.5 s)."
    import auraloss
    from distill.audio.io import load_audio
    from distill.audio.spectrogram import front_end
    from distill.audio.inversion import features_to_waveform
    sr, front, mr = mf.spectrogram.sample_rate, front_end(mf.spectrogram), auraloss.freq.MultiResolutionSTFTLoss()
    files = [f for d in folders for f in sorted(Path(d).glob('*.wav'))[::4]]
    out = []
    for f in files:
        c = load_audio(f, sr)[:round(1.5 * sr)]
        y = features_to_waveform(front, front(c[None, None]), n_iter, len(c))[0]
        out.append(float(mr(y[None, None], c[None, None])))
    return statistics.median(out), len(files)


def latency(model, hits):
    "Key and MIDI note-on to start() in the page (ms), and the audio device's output latency (ms)."
    from playwright.sync_api import sync_playwright
    app, url, st = open_studio(model, kit=tempfile.mkdtemp(prefix='bench_pads_kit_'))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=['--no-sandbox', '--autoplay-policy=no-user-gesture-required'])
            page = browser.new_page(viewport={'width': 1300, 'height': 1000})
            page.add_init_script(FAKE_MIDI)
            page.goto(url); page.wait_for_function(POOLS_FULL, arg=8, timeout=600_000)
            pads = page.evaluate("() => Object.values(window.distillPads.pads).map(P => [P.pad.key, P.pad.note])")
            for i in range(hits):                                    # keys, round the pads, 4 a second
                page.keyboard.press(pads[i % len(pads)][0]); page.wait_for_timeout(250)
            keys = page.evaluate("() => window.distillPads.latencies.slice()")
            for i in range(hits):
                page.evaluate("([n, v]) => window.__noteOn(n, v)", [pads[i % len(pads)][1], 100]); page.wait_for_timeout(250)
            notes = page.evaluate("() => window.distillPads.latencies.slice()")[len(keys):]
            out = page.inner_text('#pad-status')
            repeats = page.evaluate("() => window.distillPads.repeats")
            browser.close()
    finally:
        st.pads.stop(); app.close()
    return keys, notes, out, repeats


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', required=True); ap.add_argument('--seconds', type=float, default=30.0)
    ap.add_argument('--rate', type=float, default=4.0); ap.add_argument('--pool', type=int, default=8)
    ap.add_argument('--hits', type=int, default=50); ap.add_argument('--n_iter', type=int, nargs='+', default=[16]); ap.add_argument('--skip', choices=['refill', 'latency'])
    ap.add_argument('--quality_from', nargs='+', help='folders of real sounds: the way back from their true log-mels at each --n_iter (MR-STFT)')
    a = ap.parse_args()
    torch.set_num_threads(2)
    mf = on_model_thread(load_model, a.model)                                      # the model's work on its own thread, as in the studio
    kind = next(iter(mf.generator.kinds or {None: 0}))
    def one(seed):
        t = time.perf_counter(); generate(mf, 1, 1.5, seed=seed, kind=None if kind is None else [kind]); return time.perf_counter() - t
    on_model_thread(one, 0)                                                       # warm-up
    on_demand = [on_model_thread(one, 1 + s) for s in range(5)]
    print(f"model {a.model}; reference: one sound made on demand (generate, {kind or 'any'}, up to 1.5 s): median {1000 * statistics.median(on_demand):.0f} ms", flush=True)
    for n_iter in ([] if a.skip == 'refill' else a.n_iter):
        r = refill(mf, a, n_iter)
        print(f"\nrefill, {n_iter} Griffin-Lim iterations: {r['pads']} pads, pools of {a.pool} filled in {r['fill_s']:.1f} s; then every pad hit {a.rate:g} times a second for {a.seconds:g} s")
        print(f"  hits {r['hits']}, repeats (a dry pool) {r['repeats']}, lowest pool seen {r['lowest']}")
        print(f"  sounds made {r['made_per_s']:.1f} per second against {r['asked_per_s']:.1f} asked: {r['made_per_s'] / r['asked_per_s']:.2f}x "
              f"(the model busy {r['busy']:.0f} s of the run and the fill)")
        print(f"  the refill's pace: {r['pace']:.1f} sounds per second of the model's work, {r['pace'] / r['asked_per_s']:.2f}x the hits")
        ok = r['repeats'] == 0 and r['pace'] >= r['asked_per_s']
        print(f"  target: a pool of {a.pool} per pad keeps up with {a.rate:g} hits a second on every pad at once: {'met' if ok else 'NOT MET'}", flush=True)
        if a.quality_from:
            d, n = on_model_thread(way_back, mf, a.quality_from, n_iter)
            print(f"  the way back from true log-mels at {n_iter} iterations: MR-STFT median {d:.3f} over {n} files", flush=True)
    if a.skip != 'latency':
        if find_chromium() is None: sys.exit('no Chromium (apt-get install chromium): the latency half needs it')
        keys, notes, status, repeats = latency(a.model, a.hits)
        for what, ms in (('key', keys), ('MIDI note-on', notes)):
            print(f"\nlatency, {what} to start(): median {statistics.median(ms):.2f} ms, 90th percentile {sorted(ms)[int(0.9 * len(ms))]:.2f} ms, "
                  f"max {max(ms):.2f} ms over {len(ms)} hits; target <= 5 ms: {'met' if statistics.median(ms) <= 5 else 'NOT MET'}")
        print(f"  the page's own line: {status}")


if __name__ == '__main__':
    main()
