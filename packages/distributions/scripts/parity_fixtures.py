"""Reference values for the NumPyro-parity distributions of @phlox/distributions (issue 23).

Run:  <oracle python> packages/distributions/scripts/parity_fixtures.py
      (the oracle environment has scipy and NumPyro 0.21; NumPyro is only used where scipy has no
      equivalent, and the case says so in `"reference"`).
Writes packages/distributions/fixtures/parity.json in the format of scipy.json: per case the Phlox
distribution (`dist`), its parameters, points `x` of shape [n, *batchShape] inside the support, and
`logProb`, `cdf` at x, quantiles `q` with `icdf`, and `mean`/`variance` (null where undefined).
"""

import json
import math
import os

import numpy as np
import scipy
import scipy.stats as st
from scipy.integrate import quad
from scipy.special import logsumexp as sp_logsumexp

import jax

jax.config.update("jax_enable_x64", True)
import numpyro  # noqa: E402
import numpyro.distributions as nd  # noqa: E402

rng = np.random.default_rng(20261205)
CASES = []


def npts(batch):
    return int(math.ceil(60 / max(1, int(np.prod(batch, dtype=int)))))


def lst(a):
    return np.asarray(a, dtype=float).tolist()


def scipy_moments(frozen, batch):
    m, v = frozen.stats(moments="mv")
    m = np.broadcast_to(np.asarray(m, dtype=float), batch)
    v = np.broadcast_to(np.asarray(v, dtype=float), batch)
    return (m if np.all(np.isfinite(m)) else None), (v if np.all(np.isfinite(v)) else None)


def scipy_case(name, dist, params, frozen, batch, *, discrete=False, icdf=True):
    shape = (npts(batch), *batch)
    x = np.asarray(frozen.rvs(size=shape, random_state=rng), dtype=float)
    case = {
        "name": name, "dist": dist, "reference": "scipy",
        "params": {k: lst(v) for k, v in params.items()},
        "batchShape": list(batch), "eventShape": [], "discrete": discrete, "x": lst(x),
        "logProb": lst(frozen.logpmf(x) if discrete else frozen.logpdf(x)),
        "cdf": lst(frozen.cdf(x)),
    }
    if icdf:
        q = rng.uniform(0.02, 0.98, size=shape)
        case["q"] = lst(q)
        case["icdf"] = lst(frozen.ppf(q))
    m, v = scipy_moments(frozen, batch)
    case["mean"] = None if m is None else lst(m)
    case["variance"] = None if v is None else lst(v)
    CASES.append(case)


def numpyro_case(name, dist, params, d, batch, moments_of=None):
    """Points are NumPyro icdf of uniforms; logProb, cdf and icdf are NumPyro's. NumPyro defines no
    moments for these, so `moments_of(index)` may give (mean, variance) by scipy quadrature."""
    shape = (npts(batch), *batch)
    x = np.asarray(d.icdf(rng.uniform(0.01, 0.99, size=shape)))
    q = rng.uniform(0.02, 0.98, size=shape)
    CASES.append({
        "name": name, "dist": dist, "reference": f"numpyro {numpyro.__version__}",
        "params": {k: lst(v) for k, v in params.items()},
        "batchShape": list(batch), "eventShape": [], "discrete": False, "x": lst(x),
        "logProb": lst(d.log_prob(x)), "cdf": lst(d.cdf(x)), "q": lst(q), "icdf": lst(d.icdf(q)),
    })
    if moments_of is not None:
        mv = [moments_of(i) for i in np.ndindex(*batch)]
        CASES[-1]["mean"] = lst(np.reshape([m for m, _ in mv], batch))
        CASES[-1]["variance"] = lst(np.reshape([v for _, v in mv], batch))


def power_law_moments(alpha, low, high):
    """Mean and variance of x^α on [low, high] by adaptive quadrature (independent of the closed form)."""
    def moment(i, k):
        a, lo, hi = alpha[i], low[i], high[i]
        num = quad(lambda t: t ** (a + k), lo, hi, epsabs=0, epsrel=1e-13, limit=200)[0]
        den = quad(lambda t: t ** a, lo, hi, epsabs=0, epsrel=1e-13, limit=200)[0]
        return num / den
    return lambda i: (moment(i, 1), moment(i, 2) - moment(i, 1) ** 2)


def U(lo, hi, shape):
    return rng.uniform(lo, hi, size=shape)


for batch in [(), (3,), (2, 3)]:
    tag = "x".join(map(str, batch)) or "scalar"
    # AsymmetricLaplaceQuantile(loc, scale, τ) = laplace_asymmetric(κ = √(τ/(1−τ)), loc, scale·κ/τ)
    loc, scale, tau = U(-2, 2, batch), U(0.5, 2, batch), U(0.1, 0.9, batch)
    kappa = np.sqrt(tau / (1 - tau))
    scipy_case(f"AsymmetricLaplaceQuantile/{tag}", "AsymmetricLaplaceQuantile",
               {"loc": loc, "scale": scale, "quantile": tau},
               st.laplace_asymmetric(kappa, loc, scale * kappa / tau), batch)
    # BetaNegativeBinomial(α, β, n) = scipy betanbinom(n, a = β, b = α) (scipy's `a` goes with n, and it
    # needs an integer n); β > 2 so both moments exist
    a, b, n = U(0.5, 4, batch), U(2.5, 6, batch), rng.integers(1, 7, size=batch).astype(float)
    scipy_case(f"BetaNegativeBinomial/{tag}", "BetaNegativeBinomial",
               {"concentration1": a, "concentration0": b, "n": n},
               st.betanbinom(n, b, a), batch, discrete=True, icdf=False)
    # Dagum(p, a, b) = Burr type III: burr(c = a, d = p, scale = b); a > 2 so the variance exists
    p, sh, sc = U(0.5, 3, batch), U(2.5, 6, batch), U(0.5, 2, batch)
    scipy_case(f"Dagum/{tag}", "Dagum", {"concentration": p, "sharpness": sh, "scale": sc},
               st.burr(sh, p, scale=sc), batch)
    # LowerTruncatedPowerLaw(α, low) = pareto(b = −(1+α), scale = low)
    alpha, low = U(-5, -1.3, batch), U(0.5, 2, batch)
    scipy_case(f"LowerTruncatedPowerLaw/{tag}", "LowerTruncatedPowerLaw", {"alpha": alpha, "low": low},
               st.pareto(-(1 + alpha), scale=low), batch)
    # DoublyTruncatedPowerLaw(α, low, high), α < −1: truncpareto(b = −(1+α), c = high/low, scale = low)
    high = low * U(1.5, 6, batch)
    scipy_case(f"DoublyTruncatedPowerLaw/{tag}", "DoublyTruncatedPowerLaw",
               {"alpha": alpha, "low": low, "high": high},
               st.truncpareto(-(1 + alpha), high / low, scale=low), batch)
    # α > −1 and α = −1: scipy has no equivalent, NumPyro is the reference
    alpha2 = U(-0.9, 2.5, batch)
    numpyro_case(f"DoublyTruncatedPowerLaw/alpha>-1/{tag}", "DoublyTruncatedPowerLaw",
                 {"alpha": alpha2, "low": low, "high": high},
                 nd.DoublyTruncatedPowerLaw(alpha2, low, high), batch,
                 power_law_moments(alpha2, low, high))
    am1 = np.full(batch, -1.0)
    numpyro_case(f"DoublyTruncatedPowerLaw/alpha=-1/{tag}", "DoublyTruncatedPowerLaw",
                 {"alpha": am1, "low": low, "high": high},
                 nd.DoublyTruncatedPowerLaw(am1, low, high), batch,
                 power_law_moments(am1, low, high))


# ---- censored wrappers: scipy logpdf / logcdf / logsf of the base, cross-checked against NumPyro ----
BASES = {
    "Normal": (lambda b: {"loc": U(-1, 1, b), "scale": U(0.5, 2, b)},
               lambda p: st.norm(p["loc"], p["scale"]), lambda p: nd.Normal(p["loc"], p["scale"])),
    "Exponential": (lambda b: {"rate": U(0.5, 2, b)},
                    lambda p: st.expon(scale=1 / p["rate"]), lambda p: nd.Exponential(p["rate"])),
    "Weibull": (lambda b: {"scale": U(0.5, 2, b), "concentration": U(0.8, 3, b)},
                lambda p: st.weibull_min(p["concentration"], scale=p["scale"]),
                lambda p: nd.Weibull(p["scale"], p["concentration"])),
}


def censored_case(kind, base, batch, flag_shape):
    make_params, scipy_of, numpyro_of = BASES[base]
    params = make_params(batch)
    ref = scipy_of(params)
    full = np.broadcast_shapes(batch, flag_shape)
    shape = (npts(full), *full)
    x = np.asarray(ref.rvs(size=shape, random_state=rng), dtype=float)
    cens = (rng.uniform(size=flag_shape) < 0.5).astype(float) if flag_shape else np.array(1.0)
    if kind == "Left":
        lp = np.where(cens == 1, ref.logcdf(x), ref.logpdf(x))
        npd = nd.LeftCensoredDistribution(numpyro_of(params), censored=cens.astype(bool))
    else:
        lp = np.where(cens == 1, ref.logsf(x), ref.logpdf(x))
        npd = nd.RightCensoredDistribution(numpyro_of(params), censored=cens.astype(bool))
    assert np.allclose(np.asarray(npd.log_prob(x)), lp, rtol=1e-10, atol=0), (kind, base)
    CASES.append({
        "name": f"{kind}CensoredDistribution({base})/{'x'.join(map(str, full)) or 'scalar'}",
        "dist": f"{kind}CensoredDistribution({base})", "reference": "scipy (agrees with NumPyro)",
        "params": {**{k: lst(v) for k, v in params.items()}, "censored": lst(cens)},
        "batchShape": list(full), "eventShape": [], "discrete": False, "x": lst(x), "logProb": lst(lp),
    })


def interval_case(base, batch, left, right):
    make_params, scipy_of, numpyro_of = BASES[base]
    params = make_params(batch)
    ref = scipy_of(params)
    full = np.broadcast_shapes(batch, np.shape(left))
    shape = (npts(full), *full)
    x1 = np.asarray(ref.rvs(size=shape, random_state=rng), dtype=float)
    width = np.asarray(ref.std(), dtype=float) * U(0.3, 1.5, shape)
    x2 = x1 + width
    neither = (left == 0) & (right == 0)
    point = neither & (rng.uniform(size=shape) < 0.25)  # some exact observations (lower = upper)
    x2 = np.where(point, x1, x2)
    x1 = np.where((left == 1) & (right == 0), -np.inf, x1)
    x2 = np.where((right == 1) & (left == 0), np.inf, x2)
    F1, F2 = ref.cdf(x1), ref.cdf(x2)
    with np.errstate(divide="ignore", invalid="ignore"):
        lp = np.select(
            [point, (left == 1) & (right == 0), (right == 1) & (left == 0), neither, (left == 1) & (right == 1)],
            [ref.logpdf(x1), ref.logcdf(x2), ref.logsf(x1), np.log(F2 - F1), np.log1p(-(F2 - F1))],
        )
    value = np.stack([x1, x2], -1)
    npd = nd.IntervalCensoredDistribution(numpyro_of(params), np.asarray(left, bool), np.asarray(right, bool))
    got = np.asarray(npd.log_prob(value))
    # NumPyro 0.21 documents log f(lower) for point intervals but its code returns 0 there (the point mask is
    # removed from the interval mask before selection); Phlox follows the documentation
    assert np.all(got[point] == 0)
    assert np.allclose(got[~point], lp[~point], rtol=1e-9, atol=0), base
    CASES.append({
        "name": f"IntervalCensoredDistribution({base})/{'x'.join(map(str, full)) or 'scalar'}",
        "dist": f"IntervalCensoredDistribution({base})", "reference": "scipy (agrees with NumPyro)",
        "params": {**{k: lst(v) for k, v in params.items()}, "leftCensored": lst(left),
                   "rightCensored": lst(right)},
        "batchShape": list(full), "eventShape": [2], "discrete": False, "x": lst(value), "logProb": lst(lp),
    })


for base in BASES:
    for kind in ["Left", "Right"]:
        censored_case(kind, base, (), ())
        censored_case(kind, base, (3,), (3,))
        censored_case(kind, base, (), (2, 3))  # a scalar base broadcast against the flags
    interval_case(base, (), np.array(0.0), np.array(0.0))
    interval_case(base, (4,), np.array([0.0, 1, 0, 1]), np.array([0.0, 0, 1, 1]))
    interval_case(base, (2, 1), np.array([[0.0, 1, 0, 1]] * 2), np.array([[0.0, 0, 1, 1], [0, 0, 1, 1]]))


# ---- InverseWishart / InverseWishartCholesky: scipy invwishart (looped over the batch) ----
def rand_spd(d):
    a = rng.normal(size=(d, d))
    return a @ a.T + d * np.eye(d)


def inverse_wishart_cases(batch, d):
    full = batch
    n = npts(full)
    nus = U(d + 3.5, d + 8, batch)
    psis = np.reshape([rand_spd(d) for _ in np.ndindex(*batch)], (*batch, d, d))
    xs = np.zeros((n, *batch, d, d))
    lp = np.zeros((n, *batch))
    lpc = np.zeros((n, *batch))
    mean = np.zeros((*batch, d, d))
    var = np.zeros((*batch, d, d))
    order = d - np.arange(d)
    for idx in np.ndindex(*batch):
        iw = st.invwishart(nus[idx], psis[idx])
        x = iw.rvs(size=n, random_state=rng).reshape(n, d, d)
        xs[(slice(None), *idx)] = x
        lp[(slice(None), *idx)] = iw.logpdf(np.moveaxis(x, 0, -1))
        L = np.linalg.cholesky(x)
        # density of L = chol(X): add the log-Jacobian of L -> LL^T, d log 2 + sum_i (d - i) log L_ii
        lpc[(slice(None), *idx)] = lp[(slice(None), *idx)] + d * np.log(2) + (
            order * np.log(np.diagonal(L, axis1=-2, axis2=-1))).sum(-1)
        mean[idx] = iw.mean()
        var[idx] = iw.var()
    S = np.linalg.cholesky(psis)
    tag = ("x".join(map(str, batch)) or "scalar") + f"/d{d}"
    ls = np.linalg.cholesky(xs)
    npd = nd.InverseWishartCholesky(nus, scale_tril=S)
    assert np.allclose(np.asarray(npd.log_prob(ls)), lpc, rtol=1e-10, atol=0)
    assert np.allclose(np.asarray(nd.InverseWishart(nus, scale_tril=S).log_prob(xs)), lp, rtol=1e-10, atol=0)
    base = {"batchShape": list(batch), "eventShape": [d, d], "discrete": False,
            "params": {"concentration": lst(nus), "scaleTril": lst(S)}}
    CASES.append({"name": f"InverseWishart/{tag}", "dist": "InverseWishart",
                  "reference": "scipy (agrees with NumPyro)", **base, "x": lst(xs), "logProb": lst(lp),
                  "mean": lst(mean), "variance": lst(var)})
    CASES.append({"name": f"InverseWishartCholesky/{tag}", "dist": "InverseWishartCholesky",
                  "reference": "scipy + Jacobian of L -> LL^T (agrees with NumPyro)", **base, "x": lst(ls),
                  "logProb": lst(lpc), "mean": lst(np.linalg.cholesky(mean))})


inverse_wishart_cases((), 2)
inverse_wishart_cases((3,), 3)
inverse_wishart_cases((2, 3), 2)


# ---- MatrixNormal: scipy matrix_normal (looped over the batch); Var X_ij = U_ii V_jj ----
def matrix_normal_case(batch, nr, nc):
    n = npts(batch)
    loc = U(-1, 1, (*batch, nr, nc))
    Lr = np.linalg.cholesky(np.reshape([rand_spd(nr) / nr for _ in np.ndindex(*batch)], (*batch, nr, nr)))
    Lc = np.linalg.cholesky(np.reshape([rand_spd(nc) / nc for _ in np.ndindex(*batch)], (*batch, nc, nc)))
    xs = np.zeros((n, *batch, nr, nc))
    lp = np.zeros((n, *batch))
    var = np.zeros((*batch, nr, nc))
    for idx in np.ndindex(*batch):
        Ur, Vc = Lr[idx] @ Lr[idx].T, Lc[idx] @ Lc[idx].T
        mn = st.matrix_normal(loc[idx], Ur, Vc)
        x = mn.rvs(size=n, random_state=rng).reshape(n, nr, nc)
        xs[(slice(None), *idx)] = x
        lp[(slice(None), *idx)] = mn.logpdf(x)
        var[idx] = np.outer(np.diag(Ur), np.diag(Vc))
    npd = nd.MatrixNormal(loc, Lr, Lc)
    assert np.allclose(np.asarray(npd.log_prob(xs)), lp, rtol=1e-10, atol=0)
    CASES.append({"name": f"MatrixNormal/{'x'.join(map(str, batch)) or 'scalar'}/{nr}x{nc}", "dist": "MatrixNormal",
                  "reference": "scipy (agrees with NumPyro)", "batchShape": list(batch), "eventShape": [nr, nc],
                  "discrete": False,
                  "params": {"loc": lst(loc), "scaleTrilRow": lst(Lr), "scaleTrilColumn": lst(Lc)},
                  "x": lst(xs), "logProb": lst(lp), "mean": lst(loc), "variance": lst(var)})


matrix_normal_case((), 2, 3)
matrix_normal_case((3,), 3, 2)
matrix_normal_case((2, 3), 2, 2)


# ---- ZeroSumNormal (NumPyro; scipy has none; NumPyro takes a scalar scale, so batches are looped) ----
ZERO_SUM_TRANSFORM = []


def zero_sum_normal_case(batch, event):
    n = npts(batch)
    scale = U(0.5, 2, batch)
    xs = np.zeros((n, *batch, *event))
    lp = np.zeros((n, *batch))
    var = np.zeros((*batch, *event))
    for i, idx in enumerate(np.ndindex(*batch)):
        d = nd.ZeroSumNormal(scale[idx], event_shape=event)
        x = np.asarray(d.sample(jax.random.PRNGKey(100 + i), (n,)))
        xs[(slice(None), *idx)] = x
        lp[(slice(None), *idx)] = np.asarray(d.log_prob(x))
        var[idx] = np.asarray(d.variance)
    CASES.append({"name": f"ZeroSumNormal/{'x'.join(map(str, batch)) or 'scalar'}/{'x'.join(map(str, event))}",
                  "dist": "ZeroSumNormal", "reference": f"numpyro {numpyro.__version__}",
                  "batchShape": list(batch), "eventShape": list(event), "discrete": False,
                  "params": {"scale": lst(scale), "eventShape": list(event)}, "x": lst(xs), "logProb": lst(lp),
                  "mean": lst(np.zeros((*batch, *event))), "variance": lst(var)})
    # the transform itself: NumPyro's forward on unconstrained points
    t = nd.transforms.ZeroSumTransform(len(event))
    u = rng.normal(size=(5, *[e - 1 for e in event]))
    ZERO_SUM_TRANSFORM.append({"transformNdims": len(event), "x": lst(u), "y": lst(np.asarray(t(u)))})


zero_sum_normal_case((), (4,))
zero_sum_normal_case((3,), (5,))
zero_sum_normal_case((2, 3), (3, 4))


# ---- MixtureGeneral of Normal, Logistic and StudentT components (scipy; NumPyro cross-check) ----
def mixture_general_case(batch):
    n = npts(batch)
    w = rng.dirichlet(np.ones(3), size=batch) if batch else rng.dirichlet(np.ones(3))
    p = {"probs": w, "loc0": U(-2, 0, batch), "scale0": U(0.5, 1.5, batch), "loc1": U(0, 2, batch),
         "scale1": U(0.5, 1.5, batch), "df2": U(4.5, 8, batch), "loc2": U(-1, 1, batch), "scale2": U(0.5, 2, batch)}
    comps = [st.norm(p["loc0"], p["scale0"]), st.logistic(p["loc1"], p["scale1"]),
             st.t(p["df2"], p["loc2"], p["scale2"])]
    k = np.array([rng.choice(3, p=w[idx]) for _ in range(n) for idx in np.ndindex(*batch)] if batch
                 else rng.choice(3, size=n, p=w)).reshape(n, *batch)
    draws = np.stack([np.asarray(c.rvs(size=(n, *batch), random_state=rng)) for c in comps], -1)
    x = np.take_along_axis(draws, k[..., None], -1)[..., 0]
    lps = np.stack([c.logpdf(x) for c in comps], -1)
    lp = sp_logsumexp(lps + np.log(w), axis=-1)
    cdf = np.sum(np.stack([c.cdf(x) for c in comps], -1) * w, -1)
    means = np.stack([np.broadcast_to(c.mean(), batch) for c in comps], -1)
    vars_ = np.stack([np.broadcast_to(c.var(), batch) for c in comps], -1)
    mean = np.sum(w * means, -1)
    var = np.sum(w * vars_, -1) + np.sum(w * (means - mean[..., None]) ** 2, -1)
    npd = nd.MixtureGeneral(nd.Categorical(probs=w), [nd.Normal(p["loc0"], p["scale0"]),
                            nd.Logistic(p["loc1"], p["scale1"]), nd.StudentT(p["df2"], p["loc2"], p["scale2"])])
    assert np.allclose(np.asarray(npd.log_prob(x)), lp, rtol=1e-10, atol=0)
    assert np.allclose(np.asarray(npd.variance), var, rtol=1e-10, atol=0)
    CASES.append({"name": f"MixtureGeneral/{'x'.join(map(str, batch)) or 'scalar'}", "dist": "MixtureGeneral",
                  "reference": "scipy (agrees with NumPyro)", "batchShape": list(batch), "eventShape": [],
                  "discrete": False, "params": {k2: lst(v) for k2, v in p.items()}, "x": lst(x),
                  "logProb": lst(lp), "cdf": lst(cdf), "mean": lst(mean), "variance": lst(var)})


for b in [(), (3,), (2, 3)]:
    mixture_general_case(b)


# ---- ProjectedNormal (NumPyro; scipy has none), dimensions 2 and 3 ----
def projected_normal_case(batch, d):
    n = npts(batch)
    conc = rng.normal(scale=1.5, size=(*batch, d))
    pn = nd.ProjectedNormal(conc)
    x = np.asarray(pn.sample(jax.random.PRNGKey(7 + d), (n,)))
    CASES.append({"name": f"ProjectedNormal/{'x'.join(map(str, batch)) or 'scalar'}/d{d}", "dist": "ProjectedNormal",
                  "reference": f"numpyro {numpyro.__version__}", "batchShape": list(batch), "eventShape": [d],
                  "discrete": False, "params": {"concentration": lst(conc)}, "x": lst(x),
                  "logProb": lst(pn.log_prob(x)), "mean": lst(pn.mean)})


for b, d in [((), 2), ((3,), 3), ((2, 3), 2), ((2, 3), 3)]:
    projected_normal_case(b, d)


# ---- SineSkewed over independent von Mises angles (NumPyro; scipy has none) ----
def sine_skewed_case(batch, d):
    n = npts(batch)
    loc = U(-2, 2, (*batch, d))
    conc = U(0.5, 3, (*batch, d))
    raw = rng.uniform(-1, 1, size=(*batch, d))
    skew = raw / np.abs(raw).sum(-1, keepdims=True) * U(0.2, 0.95, (*batch, 1))
    ss = nd.SineSkewed(nd.VonMises(loc, conc).to_event(1), skew)
    x = np.asarray(ss.sample(jax.random.PRNGKey(11 + d), (n,)))
    CASES.append({"name": f"SineSkewed/{'x'.join(map(str, batch)) or 'scalar'}/d{d}", "dist": "SineSkewed",
                  "reference": f"numpyro {numpyro.__version__}", "batchShape": list(batch), "eventShape": [d],
                  "discrete": False, "params": {"loc": lst(loc), "concentration": lst(conc), "skewness": lst(skew)},
                  "x": lst(x), "logProb": lst(ss.log_prob(x)), "mean": lst(ss.mean)})


for b, d in [((), 2), ((3,), 1), ((2, 3), 2)]:
    sine_skewed_case(b, d)


# ---- TruncatedPolyaGamma (NumPyro; its 7-term series density) ----
for batch in [(), (3,), (2, 3)]:
    tpg = nd.TruncatedPolyaGamma(batch_shape=batch)
    x = U(0.05, 2.5, (npts(batch), *batch))
    CASES.append({"name": f"TruncatedPolyaGamma/{'x'.join(map(str, batch)) or 'scalar'}", "dist": "TruncatedPolyaGamma",
                  "reference": f"numpyro {numpyro.__version__}", "batchShape": list(batch), "eventShape": [],
                  "discrete": False, "params": {"batchShape": list(batch)}, "x": lst(x),
                  "logProb": lst(tpg.log_prob(x))})
print("TruncatedPolyaGamma().log_prob(0.25) =", repr(float(nd.TruncatedPolyaGamma().log_prob(np.array(0.25)))))


# ---- GaussianStateSpace (NumPyro; scipy has none) ----
def gss_case(batch, T, d, with_init):
    n = npts(batch)
    A = rng.normal(scale=0.5, size=(d, d))
    L = np.linalg.cholesky(rand_spd(d) / d)
    init = U(-1, 1, (*batch, d)) if with_init else None
    g = nd.GaussianStateSpace(T, A, scale_tril=L, initial_value=init)
    x = np.asarray(g.sample(jax.random.PRNGKey(3 + T), (n,) if with_init or batch == () else (n, *batch)))
    params = {"transitionMatrix": lst(A), "scaleTril": lst(L)}
    if with_init:
        params["initialValue"] = lst(init)
    CASES.append({"name": f"GaussianStateSpace/{'x'.join(map(str, batch)) or 'scalar'}/T{T}d{d}",
                  "dist": "GaussianStateSpace", "reference": f"numpyro {numpyro.__version__}",
                  "batchShape": list(batch), "eventShape": [T, d], "discrete": False,
                  "params": {**params, "numSteps": T}, "x": lst(x), "logProb": lst(g.log_prob(x)),
                  "mean": lst(np.broadcast_to(g.mean, (*batch, T, d))),
                  "variance": lst(np.broadcast_to(g.variance, (*batch, T, d)))})


gss_case((), 4, 2, False)
gss_case((3,), 3, 3, True)
gss_case((2, 3), 5, 2, True)


def clean(o):
    if isinstance(o, float) and not math.isfinite(o):
        return None if math.isnan(o) else ("Infinity" if o > 0 else "-Infinity")
    if isinstance(o, list):
        return [clean(v) for v in o]
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    return o


out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "parity.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/parity_fixtures.py", "scipy": scipy.__version__,
               "numpyro": numpyro.__version__, "cases": clean(CASES),
               "zeroSumTransform": ZERO_SUM_TRANSFORM}, f, separators=(",", ":"))
print(f"wrote {len(CASES)} cases to {os.path.normpath(out)} ({os.path.getsize(out)} bytes)")
