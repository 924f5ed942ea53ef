"""Our ResidualQuantizer against vector_quantize_pytorch.ResidualVQ at matched settings, in one run.

Speed: a training step (forward + backward) and an eval encode, median of repeated runs, at the seed's
setting (N = 32*48 vectors, D=128, K=256, Q=3) and a larger one (N=4096, D=64, K=1024, Q=8), for both
lookups (Euclidean in D, and L2-normalised in 8 learned dimensions).
Codebook health: after the same steps on the same data, per level entropy/log2(K) and share of codes
used on held-out vectors, and the share of codes replaced per step over the last 20 steps.
Runs on one thread: on a shared 2-core machine, two threads per process stall on each other.
Run: python bench/bench_quantizer.py"""
import math, statistics, time
import torch
import torch.nn.functional as F
from vector_quantize_pytorch import ResidualVQ
from distill.models.quantizer import ResidualQuantizer

SETTINGS = [dict(N=32*48, D=128, K=256, Q=3), dict(N=4096, D=64, K=1024, Q=8)]
COMMON = dict(decay=0.95, threshold_ema_dead_code=2, kmeans_init=True, kmeans_iters=10)

def ours(D, K, Q, lookup): return ResidualQuantizer(D, K, Q, lookup_dim=lookup, **COMMON)

def peer(D, K, Q, lookup):
    extra = dict(codebook_dim=lookup, use_cosine_sim=True) if lookup else {}
    m = ResidualVQ(dim=D, num_quantizers=Q, codebook_size=K, commitment_weight=1.0, rotation_trick=False, **COMMON, **extra)
    m.replaced = [0] * Q
    for i, layer in enumerate(m.layers):   # count the peer's dead-code replacements
        cb = layer._codebook
        def counting(batch_samples, batch_mask, seq_mask=None, _orig=cb.replace, _i=i):
            m.replaced[_i] += int(batch_mask.sum()); return _orig(batch_samples, batch_mask, seq_mask)
        cb.replace = counting
    return m

def step(m, x):
    "One training step: forward, MSE to the input plus the commitment losses, backward. Returns the indices."
    if isinstance(m, ResidualQuantizer): q, idx, commit = m(x)
    else: q, idx, commit = m(x[None]); q, idx = q[0], idx[0]
    (F.mse_loss(q, x.detach()) + commit.sum()).backward()
    return idx

def encode(m, x):
    with torch.no_grad(): return m(x)[1] if isinstance(m, ResidualQuantizer) else m(x[None])[1][0]

def median_ms(fn, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return 1000 * statistics.median(ts)

def corpus(n, D, seed):
    "Structured vectors: 64 clusters at random scales plus noise (a stand-in for encoder outputs)."
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(64, D, generator=torch.Generator().manual_seed(1))
    return centres[torch.randint(64, (n,), generator=g)] * torch.rand(n, 1, generator=g) * 2 + 0.3 * torch.randn(n, D, generator=g)

def replaced(m):
    return [int(l.replaced) for l in m.levels] if isinstance(m, ResidualQuantizer) else list(m.replaced)

def health(make, s, steps, lookup):
    torch.manual_seed(0)
    m = make(s['D'], s['K'], s['Q'], lookup); m.train()
    pool = corpus(20 * s['N'], s['D'], seed=0)
    hist = []
    for i in range(steps):
        x = pool[torch.randint(len(pool), (s['N'],))].requires_grad_()
        step(m, x)
        hist.append(replaced(m))
    m.eval()
    idx = encode(m, corpus(s['N'], s['D'], seed=123))
    rows = []
    for l in range(s['Q']):
        c = torch.bincount(idx[:, l], minlength=s['K']).double(); p = c[c > 0] / c.sum()
        churn = (hist[-1][l] - hist[-21][l]) / 20 / s['K']
        rows.append((float(-(p * p.log()).sum() / math.log(s['K'])), float((c > 0).double().mean()), churn))
    return rows

def speed(settings=SETTINGS, lookups=(None, 8)):
    "Per setting and lookup: (label, lookup, train ms ours, train ms peer, encode ms ours, encode ms peer), medians, on one thread."
    rows, threads = [], torch.get_num_threads()
    torch.set_num_threads(1)
    for s in settings:
        for lookup in lookups:
            x = torch.randn(s['N'], s['D'])
            res = {}
            for name, make in (('ours', ours), ('peer', peer)):
                torch.manual_seed(0)
                m = make(s['D'], s['K'], s['Q'], lookup); m.train()
                for _ in range(4 * s['Q'] + 4): step(m, torch.randn(s['N'], s['D']).requires_grad_())   # past every k-means init
                t_train = median_ms(lambda: step(m, x.clone().requires_grad_()), 7)
                m.eval(); encode(m, x)
                res[name] = (t_train, median_ms(lambda: encode(m, x), 11))
            (to, eo), (tp, ep) = res['ours'], res['peer']
            rows.append((f"N={s['N']} D={s['D']} K={s['K']} Q={s['Q']}", str(lookup or 'euclid'), to, tp, eo, ep))
    torch.set_num_threads(threads)
    return rows


def print_speed(rows):
    print(f"{'setting':<26}{'lookup':<10}{'train ours':>11}{'train peer':>11}{'ratio':>7}{'encode ours':>12}{'encode peer':>12}{'ratio':>7}")
    for label, lookup, to, tp, eo, ep in rows:
        print(f"{label:<26}{lookup:<10}{to:>11.1f}{tp:>11.1f}{tp/to:>6.1f}x{eo:>12.1f}{ep:>12.1f}{ep/eo:>6.1f}x", flush=True)


def main():
    torch.set_num_threads(1); torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; ours = distill ResidualQuantizer, peer = vector_quantize_pytorch ResidualVQ")
    print("\n== speed (median ms) ==")
    print_speed(speed())
    STEPS = 150
    print(f"\n== codebook health after {STEPS} training steps on the same data (held-out vectors) ==")
    print("entropy = H / log2 K; used = share of codes used on held-out vectors; churn = share of codes replaced per step, last 20 steps")
    for s in SETTINGS[:1]:
        for lookup in (None, 8):
            for name, make in (('ours', ours), ('peer', peer)):
                rows = health(make, s, STEPS, lookup)
                print(f"N={s['N']} K={s['K']} Q={s['Q']} lookup={str(lookup or 'euclid'):<7}{name:<5} " +
                      "  ".join(f"L{l}: entropy {e:.0%} used {u:.0%} churn {c:.2%}" for l, (e, u, c) in enumerate(rows)))


if __name__ == '__main__':
    main()
