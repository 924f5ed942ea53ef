"""The studio's speed, in a real browser (issues 29 and 39, 2 cores, model loaded):
- the first generated sound playable within 0.3 s of the click (the click event -> its card's <audio> has a
  duration, both in the page's own clock), twice: with a seed typed before the click (made on the click), and
  on the click after that, 2 s later, with the seed the page moved on to (its sounds made ahead);
- a map of 100 sounds drawn within 2 s (page load -> the map's picture shown, with 100 points on it).

Reference, measured in the same run: one sound made by `distill_generate --n 1` (the loop the studio
replaces: every call loads the model anew). Medians of --repeats.

    python bench/bench_studio.py [--model FILE] [--minutes 2] [--repeats 5] [--screenshot PNG]

Without --model it trains one on the demo corpus for --minutes. Needs Chromium (apt-get install chromium).
Run nothing beside it.
"""
import argparse, statistics, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import torch
from distill.pipeline import make_model
from distill.studio import open_studio, draw_map, find_chromium

# each returns the seconds since the click, in the page's own clock, once true
HAS_DURATION = "(old) => { const a = document.querySelector('#card0 audio'); if (!a || a.src == old) return false; if (a.readyState == 0) a.load(); return a.duration > 0 && (performance.now() - window.clicked) / 1000 }"
SAYS = "([sel, text]) => (document.querySelector(sel)?.innerText || '').includes(text) && (performance.now() - window.clicked) / 1000"
ON_CLICK = "() => document.querySelector('#generate').addEventListener('click', () => { window.clicked = performance.now() }, {once: true})"
MAP_SHOWN = "() => { const i = document.querySelector('#map img'); return i && i.complete && i.naturalWidth > 0 }"

def click(page, seed):
    "Click Generate; (seconds to the first sound playable, to all four shown), in the page's clock."
    old = page.evaluate("() => document.querySelector('#card0 audio')?.src || ''")
    page.evaluate(ON_CLICK)
    page.click('#generate')
    t1 = page.wait_for_function(HAS_DURATION, arg=old, timeout=120_000, polling=10).json_value()
    t2 = page.wait_for_function(SAYS, arg=['#message', f'seeds {seed} to'], timeout=120_000, polling=10).json_value()
    return t1, t2

def browse(url, repeats, screenshot):
    "Click-to-first-sound and click-to-all-four times (s) with a typed seed, click-to-first-sound on the next click (s)."
    from playwright.sync_api import sync_playwright
    first, every, again = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=['--no-sandbox'])
        page = browser.new_page(viewport={'width': 1300, 'height': 1000})
        page.goto(url); page.wait_for_function(MAP_SHOWN, timeout=120_000)
        for r in range(repeats + 1):                                   # the first is a warm-up
            seed = 1000 + 10 * r
            page.wait_for_timeout(2000)                                # a musician listens before clicking again
            page.fill('#seed input', str(seed))
            t1, t2 = click(page, seed)
            page.wait_for_timeout(2000)
            t3 = click(page, seed + 4)[0]
            if r: first.append(t1); every.append(t2); again.append(t3)
        if screenshot: page.screenshot(path=screenshot, full_page=True, **({'quality': 70} if screenshot.endswith('.jpg') else {}))
        browser.close()
    return first, every, again

def map_times(url, repeats):
    "Page load to the map shown (s), each in a fresh page."
    from playwright.sync_api import sync_playwright
    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=['--no-sandbox'])
        for _ in range(repeats):
            page = browser.new_page(viewport={'width': 1300, 'height': 1000})
            t = time.perf_counter(); page.goto(url); page.wait_for_function(MAP_SHOWN, timeout=120_000, polling=10)
            out.append(time.perf_counter() - t); page.close()
        browser.close()
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', help='a model file (default: train one on the demo corpus)')
    ap.add_argument('--minutes', type=float, default=2.0, help='training budget without --model')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--screenshot', help='save a screenshot of the page after the runs')
    a = ap.parse_args()
    if find_chromium() is None: sys.exit('bench_studio: needs Chromium (apt-get install chromium)')
    torch.set_num_threads(2)
    work = Path(tempfile.mkdtemp())
    model = Path(a.model) if a.model else make_model(None, work / 'run', minutes=a.minutes, progress=False).result.model_path
    print(f"model: {model}; torch threads {torch.get_num_threads()}")

    cmd = []
    for r in range(a.repeats):
        t = time.perf_counter()
        subprocess.run(['distill_generate', str(model), '--out', str(work / f'cmd{r}'), '--n', '1', '--seed', str(r), '--quiet'],
                       check=True, capture_output=True)
        cmd.append(time.perf_counter() - t)

    app, url, st = open_studio(model, kit=work / 'kit')
    try:
        first, every, again = ThreadPoolExecutor(1).submit(browse, url, a.repeats, a.screenshot).result()
        seed = 5000                                                    # fill the map to 100 sounds
        while sum(s.xy is not None for s in st.sounds.values()) < 100:
            list(st.generate(8, seed=seed)); seed += 8
        points = sum(s.xy is not None for s in st.sounds.values())
        draws = []
        for _ in range(a.repeats):
            t = time.perf_counter(); draw_map(st); draws.append(time.perf_counter() - t)
        maps = ThreadPoolExecutor(1).submit(map_times, url, a.repeats).result()
    finally: app.close()

    med = statistics.median
    print(f"\n{'figure (median of %d)' % a.repeats:<62} {'seconds':>8} {'target':>8} {'vs target':>10}")
    rows = [('first generated sound playable, from the click (seed typed)', med(first), 0.3),
            ('... on the next click (the seed moved on, made ahead)', med(again), 0.3),
            ('all 4 sounds of a click made and shown', med(every), None),
            (f'map of {points} sounds shown, from page load', med(maps), 2.0),
            (f'map of {points} sounds drawn (server side alone)', med(draws), None),
            ('reference: distill_generate --n 1 (loads the model)', med(cmd), None)]
    for name, v, target in rows:
        print(f"{name:<62} {v:>8.2f} {('%.1f' % target) if target else '-':>8} {('%.2fx' % (v / target)) if target else '-':>10}")
    print(f"\nfirst sound in the studio / one sound by the command: {med(first) / med(cmd):.2f}x")
    for name, v, target in rows:
        if target: print(f"target {name}: {'met' if v <= target else 'NOT met'} ({v:.2f} s, target {target} s)")

if __name__ == '__main__': main()
