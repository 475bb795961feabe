"""Reference values for @phlox/tensor's special functions and PRNG.

Run with the Python oracle (scipy, numpy, JAX 0.10.2):
    /tmp/phlox-oracle/bin/python packages/tensor/scripts/special_fixtures.py
Writes packages/tensor/fixtures/special.json (special functions vs scipy) and
packages/tensor/fixtures/threefry.json (threefry2x32 keys and bits vs jax.random).
"""

import json
import os

import numpy as np
from scipy import special

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures")
rng = np.random.default_rng(20261126)


def logu(lo, hi, n):
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


def noninteger(x):
    return x[np.abs(x - np.round(x)) > 1e-6]


def pack(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    keep = np.isfinite(y)
    return {"x": [float(v) for v in x[keep]], "y": [float(v) for v in y[keep]]}


def pack2(a, b, y):
    keep = np.isfinite(y)
    return {"a": [float(v) for v in a[keep]], "b": [float(v) for v in b[keep]], "y": [float(v) for v in y[keep]]}


fx = {}

# ---- a 50-digit log-gamma for the places where scipy (Cephes) cancels ----
from decimal import Decimal, getcontext  # noqa: E402
from fractions import Fraction  # noqa: E402

getcontext().prec = 60
LN_2PI = Decimal("1.8378770664093454835606594728112352797227949472755668")


def bernoulli_numbers(n):
    """B_0..B_n as fractions (Akiyama–Tanigawa)."""
    out = []
    a = [Fraction(0)] * (n + 1)
    for m in range(n + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        out.append(a[0])
    return out


B = bernoulli_numbers(60)


def lgamma_hp(x):
    """log Γ(x) for x > 0 to ~50 digits: shift to z ≥ 60, then Stirling's series with 25 terms."""
    return lgamma_hp_dec(Decimal(float(x)))


def lgamma_hp_dec(z):
    """lgamma_hp on a Decimal argument (exact sums of doubles stay exact)."""
    shift = Decimal(0)
    while z < 60:
        shift += z.ln()
        z += 1
    s = (z - Decimal("0.5")) * z.ln() - z + LN_2PI / 2
    for k in range(1, 26):
        b = B[2 * k]
        s += Decimal(b.numerator) / Decimal(b.denominator) / (Decimal(2 * k * (2 * k - 1)) * z ** (2 * k - 1))
    return s - shift


# lgamma: positive axis (tiny to huge, around the zeros at 1 and 2) and the negative axis.
pos = np.concatenate([
    logu(1e-300, 1e-3, 100),
    logu(1e-3, 1e3, 500),
    logu(1e3, 1e300, 100),
    1 + rng.uniform(-0.1, 0.1, 100),
    2 + rng.uniform(-0.1, 0.1, 100),
    rng.uniform(0, 12, 150),
])
# scipy's gammaln cancels just below 2 (log(1/x) + P(x+1)); use the 50-digit reference within 0.1 of 1 and 2.
ref = special.gammaln(pos)
near = (np.abs(pos - 1) < 0.1) | (np.abs(pos - 2) < 0.1)
ref[near] = [float(lgamma_hp(v)) for v in pos[near]]
fx["lgamma"] = pack(pos, ref)
chk = rng.uniform(0.2, 50, 200)
print("lgamma: 50-digit vs scipy away from 1, 2:", np.max(np.abs(np.array([float(lgamma_hp(v)) for v in chk]) / special.gammaln(chk) - 1)))
neg = noninteger(-rng.uniform(0, 60, 300))
fx["lgamma_neg"] = pack(neg, special.gammaln(neg))

# digamma: positive axis incl. the root at 1.4616…, and the negative axis.
pos = np.concatenate([
    logu(1e-8, 1e-3, 100),
    logu(1e-3, 1e8, 600),
    1.4616321449683623 + rng.uniform(-0.3, 0.3, 150),
    rng.uniform(0, 12, 150),
])
fx["digamma"] = pack(pos, special.psi(pos))
neg = noninteger(-rng.uniform(0, 30, 300))
fx["digamma_neg"] = pack(neg, special.psi(neg))

# trigamma = polygamma(1, x).
pos = np.concatenate([logu(1e-8, 1e8, 900), rng.uniform(0, 12, 150)])
fx["trigamma"] = pack(pos, special.polygamma(1, pos))
neg = noninteger(-rng.uniform(0, 30, 300))
fx["trigamma_neg"] = pack(neg, special.polygamma(1, neg))

# erf, erfc: both tails; erfc down to ~1e-300.
x = np.concatenate([rng.uniform(-6, 6, 600), logu(1e-300, 1, 200) * rng.choice([-1, 1], 200), rng.uniform(-30, 30, 200)])
fx["erf"] = pack(x, special.erf(x))
x = np.concatenate([rng.uniform(-6, 6, 500), rng.uniform(6, 26.5, 400), -logu(1e-10, 10, 100), logu(1e-300, 1e-3, 100)])
fx["erfc"] = pack(x, special.erfc(x))

# ndtri: lower tail to 1e-300, centre, upper tail.
p = np.concatenate([logu(1e-300, 0.02, 400), rng.uniform(0.02, 0.98, 400), 1 - logu(1e-16, 0.02, 150), 0.5 + logu(1e-12, 0.4, 100)])
fx["ndtri"] = pack(p, special.ndtri(p))

# log1p, expm1 (numpy is correctly rounded to within 1 ulp here).
x = np.concatenate([logu(1e-300, 1e3, 700), -logu(1e-300, 0.999, 300), rng.uniform(-0.9, 5, 100)])
fx["log1p"] = pack(x, np.log1p(x))
x = np.concatenate([logu(1e-300, 700, 600), -logu(1e-300, 700, 400), rng.uniform(-5, 5, 100)])
fx["expm1"] = pack(x, np.expm1(x))

# logSumExp over rows of length 5 with wild scales (one row per point).
rows = rng.normal(size=(1000, 5)) * logu(1e-3, 1e3, 1000)[:, None] + rng.uniform(-1e3, 1e3, 1000)[:, None]
fx["logsumexp"] = {"rows": [[float(v) for v in r] for r in rows], "y": [float(v) for v in special.logsumexp(rows, axis=1)]}

# xlogy with zeros in x and in y.
a = np.concatenate([logu(1e-10, 1e10, 900), np.zeros(100)]) * rng.choice([-1, 1], 1000)
b = np.concatenate([logu(1e-300, 1e300, 950), np.zeros(50)])
rng.shuffle(b)
fx["xlogy"] = pack2(a, b, special.xlogy(a, b))

# betaln over many orders of magnitude.
a = logu(1e-3, 1e8, 1100)
b = logu(1e-3, 1e8, 1100)
# scipy's betaln cancels when one argument is large (lgam(a) − lgam(a+b) of size 1e7); use 50 digits.
ref = np.zeros(len(a))
for i, (u, v) in enumerate(zip(a, b)):
    du, dv = Decimal(float(u)), Decimal(float(v))
    ref[i] = float(lgamma_hp(u) + lgamma_hp(v) - lgamma_hp_dec(du + dv))
fx["betaln"] = pack2(a, b, ref)
sp = special.betaln(a, b)
print("betaln: scipy vs 50-digit max rel error", np.max(np.abs(sp - ref) / np.maximum(1, np.abs(ref))))

# polygamma(n, x) for n = 2, 3, 4 on the negative axis (drawn last, so the values above keep their draws).
for n in (2, 3, 4):
    neg = noninteger(-rng.uniform(0, 30, 300))
    fx[f"polygamma{n}_neg"] = pack(neg, special.polygamma(n, neg))

with open(os.path.join(OUT, "special.json"), "w") as f:
    json.dump(fx, f, separators=(",", ":"))

# ---- threefry2x32 vs JAX ----
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
cases = []
for seed in [0, 1, 42, 2**32 + 5, 123456789]:
    k = jax.random.key(seed, impl="threefry2x32")
    cases.append({
        "seed": seed,
        "key": [int(v) for v in np.asarray(jax.random.key_data(k))],
        "bits8": [int(v) for v in np.asarray(jax.random.bits(k, (8,), dtype=np.uint32))],
        "bits3x5": [int(v) for v in np.asarray(jax.random.bits(k, (3, 5), dtype=np.uint32)).ravel()],
        "split3": [[int(v) for v in r] for r in np.asarray(jax.random.key_data(jax.random.split(k, 3)))],
        "foldIn7": [int(v) for v in np.asarray(jax.random.key_data(jax.random.fold_in(k, 7)))],
    })
with open(os.path.join(OUT, "threefry.json"), "w") as f:
    json.dump({"jax": jax.__version__, "partitionable": bool(jax.config.jax_threefry_partitionable), "cases": cases}, f)
print("wrote", OUT)
