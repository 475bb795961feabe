"""Reference values for the traceable Poisson and Binomial samplers (src/random/poisson.ts, binomial.ts).

Run:  /tmp/phlox-oracle/bin/python packages/tensor/scripts/discrete_fixtures.py
Writes packages/tensor/fixtures/discrete-pmf.json:
- `cases`: for each Poisson rate / Binomial (n, p), chi-square bins for N draws: integer intervals [lo, hi]
  (tails merged so every expected count is >= 5), their scipy.stats probabilities, and the 0.999 quantile of
  the chi-square distribution with (bins - 1) degrees of freedom.
- `bounds`: the numbers behind the fixed round / term counts: the Poisson(10) tail beyond the inversion terms,
  the largest Binomial tail there for n*q < 10, and the simulated per-round acceptance of PTRS and BTRS at
  their worst parameters (these algorithms re-implemented here in numpy only to measure acceptance).
"""

import json
import os

import numpy as np
import scipy.stats as st
from scipy.special import gammaln

N = 20000
TERMS = 47


def bins_for(dist):
    lo, hi = int(dist.ppf(1e-12)), int(dist.isf(1e-12)) + 1
    ks = np.arange(lo, hi + 1)
    pm = dist.pmf(ks)
    edges, probs, start, acc = [], [], lo, 0.0
    for k, p in zip(ks, pm):
        acc += p
        if acc * N >= 5:
            edges.append([int(start), int(k)])
            probs.append(acc)
            start, acc = k + 1, 0.0
    # merge the remainder (and both infinite tails) into the end bins
    edges[-1][1] = 10**12
    edges[0][0] = -1
    probs[-1] += acc
    probs = np.array(probs)
    probs[0] += dist.cdf(lo - 1)
    probs[-1] += dist.sf(hi)
    return edges, probs.tolist(), float(st.chi2.ppf(0.999, len(edges) - 1))


cases = []
for lam in [0.1, 1.0, 5.0, 9.9, 10.0, 50.0, 1e4]:
    e, p, c = bins_for(st.poisson(lam))
    cases.append({"dist": "poisson", "params": [lam], "bins": e, "probs": p, "crit": c})
for n, pr in [(5, 0.2), (20, 0.45), (30, 0.8), (1000, 0.003), (10**9, 5e-9), (21, 0.5), (100, 0.9), (1000, 0.4),
              (10**6, 0.3)]:
    e, p, c = bins_for(st.binom(n, pr))
    cases.append({"dist": "binomial", "params": [n, pr], "bins": e, "probs": p, "crit": c})

rng = np.random.default_rng(0)
M = 1_000_000


def ptrs_accept(lam):
    slam, loglam = np.sqrt(lam), np.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    u, v = rng.random(M) - 0.5, rng.random(M)
    us = 0.5 - np.abs(u)
    k = np.floor((2 * a / us + b) * u + lam + 0.43)
    fast = (us >= 0.07) & (v <= vr)
    with np.errstate(all="ignore"):
        slow = ~((us < 0.013) & (v > us)) & (
            np.log(v) + np.log(inv_alpha) - np.log(a / us**2 + b) <= -lam + k * loglam - gammaln(k + 1))
    return float(((k >= 0) & (fast | slow)).mean())


def btrs_accept(n, p):
    q = 1 - p
    spq = np.sqrt(n * p * q)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    vr = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    m = np.floor((n + 1) * p)
    u, v = rng.random(M) - 0.5, rng.random(M)
    us = 0.5 - np.abs(u)
    k = np.floor((2 * a / us + b) * u + n * p + 0.5)
    ok = (k >= 0) & (k <= n)
    fast = (us >= 0.07) & (v <= vr)
    with np.errstate(all="ignore"):
        lr = gammaln(m + 1) + gammaln(n - m + 1) - gammaln(k + 1) - gammaln(n - k + 1) + (k - m) * np.log(p / q)
        slow = np.log(v * alpha / (a / us**2 + b)) <= lr
    return float((ok & (fast | slow)).mean())


ptrs = {str(lam): ptrs_accept(lam) for lam in [10.0, 11.0, 15.0, 50.0, 1e4, 1e8]}
btrs = {f"{n},{p}": btrs_accept(n, p) for n, p in [(20, 0.5), (21, 0.48), (25, 0.4), (40, 0.25), (100, 0.1),
                                                    (10**6, 1e-5), (1000, 0.5), (10**9, 0.3)]}
# largest binomial tail P(X >= TERMS) with n*q just below 10, q <= 1/2
binom_tail = max(float(st.binom(n, min(0.5, 9.999999 / n)).sf(TERMS - 1)) for n in
                 [20, 21, 25, 30, 50, 100, 1000, 10**4, 10**6, 10**9])
bounds = {
    "poisson_tail": float(st.poisson(10).sf(TERMS - 1)),
    "binomial_tail": binom_tail,
    "ptrs_acceptance": ptrs,
    "btrs_acceptance": btrs,
    "samples": M,
}

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "discrete-pmf.json")
with open(path, "w") as fh:
    json.dump({"n": N, "cases": cases, "bounds": bounds}, fh)
    fh.write("\n")
print("wrote", os.path.normpath(path), len(cases), "cases")
print(json.dumps(bounds, indent=1))
