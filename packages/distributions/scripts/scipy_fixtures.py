"""Reference values for @phlox/distributions tests, computed with scipy.

Run:  /tmp/phlox-oracle/bin/python packages/distributions/scripts/scipy_fixtures.py
Writes packages/distributions/fixtures/scipy.json.

Each case names a Phlox distribution (`dist`), its parameters (nested lists, already broadcastable
to `batchShape`), points `x` of shape [n, *batchShape, *eventShape] drawn from scipy (so they lie in
the support), and the reference `logProb` of shape [n, *batchShape]. Univariate continuous cases also
carry `cdf` at `x`, quantiles `q` with `icdf`, and `mean`/`variance` of shape batchShape (null where
the moment does not exist). Distributions scipy lacks use the closed-form density written with numpy
and scipy.special (marked `"reference": "formula"`).
"""

import json
import math
import os

import numpy as np
import scipy.special as sp
import scipy.stats as st

rng = np.random.default_rng(20261126)
CASES = []


def npts(batch):
    return int(math.ceil(60 / max(1, int(np.prod(batch, dtype=int)))))


def lst(a):
    a = np.asarray(a, dtype=float)
    return a.tolist()


def moments(frozen, batch):
    try:
        m, v = frozen.stats(moments="mv")
        m = np.broadcast_to(np.asarray(m, dtype=float), batch)
        v = np.broadcast_to(np.asarray(v, dtype=float), batch)
        if not np.all(np.isfinite(m)):
            m = None
        if not np.all(np.isfinite(v)):
            v = None
        return m, v
    except Exception:  # noqa: BLE001
        return None, None


def univariate(name, dist, params, frozen, batch, *, discrete=False, cdf=True, icdf=True,
               moments_ok=True, x=None, reference="scipy"):
    n = npts(batch)
    shape = (n, *batch)
    if x is None:
        x = np.asarray(frozen.rvs(size=shape, random_state=rng), dtype=float)
    case = {
        "name": name, "dist": dist, "reference": reference,
        "params": {k: lst(v) for k, v in params.items()},
        "batchShape": list(batch), "eventShape": [], "discrete": discrete,
        "x": lst(x),
        "logProb": lst(frozen.logpmf(x) if discrete else frozen.logpdf(x)),
    }
    if cdf:
        case["cdf"] = lst(frozen.cdf(x))
    if icdf:
        q = rng.uniform(0.02, 0.98, size=shape)
        case["q"] = lst(q)
        case["icdf"] = lst(frozen.ppf(q))
    if moments_ok:
        m, v = moments(frozen, batch)
        case["mean"] = None if m is None else lst(m)
        case["variance"] = None if v is None else lst(v)
    CASES.append(case)


def U(lo, hi, shape):
    return rng.uniform(lo, hi, size=shape)


for batch in [(), (3,), (2, 3)]:
    tag = "x".join(map(str, batch)) or "scalar"
    # --- continuous ---
    loc, scale = U(-2, 2, batch), U(0.5, 2.5, batch)
    univariate(f"Normal/{tag}", "Normal", {"loc": loc, "scale": scale}, st.norm(loc, scale), batch)
    univariate(f"HalfNormal/{tag}", "HalfNormal", {"scale": scale}, st.halfnorm(scale=scale), batch)
    univariate(f"LogNormal/{tag}", "LogNormal", {"loc": loc / 2, "scale": scale / 2},
               st.lognorm(s=scale / 2, scale=np.exp(loc / 2)), batch)
    df = U(2.5, 8, batch)
    univariate(f"StudentT/{tag}", "StudentT", {"df": df, "loc": loc, "scale": scale},
               st.t(df, loc, scale), batch)
    univariate(f"Cauchy/{tag}", "Cauchy", {"loc": loc, "scale": scale}, st.cauchy(loc, scale), batch,
               moments_ok=False)
    univariate(f"HalfCauchy/{tag}", "HalfCauchy", {"scale": scale}, st.halfcauchy(scale=scale), batch,
               moments_ok=False)
    univariate(f"Laplace/{tag}", "Laplace", {"loc": loc, "scale": scale}, st.laplace(loc, scale), batch)
    asym = U(0.5, 2, batch)
    univariate(f"AsymmetricLaplace/{tag}", "AsymmetricLaplace",
               {"loc": loc, "scale": scale, "asymmetry": asym},
               st.laplace_asymmetric(asym, loc, scale), batch)
    univariate(f"Logistic/{tag}", "Logistic", {"loc": loc, "scale": scale}, st.logistic(loc, scale), batch)
    univariate(f"Gumbel/{tag}", "Gumbel", {"loc": loc, "scale": scale}, st.gumbel_r(loc, scale), batch)
    rate = U(0.5, 3, batch)
    univariate(f"Exponential/{tag}", "Exponential", {"rate": rate}, st.expon(scale=1 / rate), batch)
    conc = U(0.5, 5, batch)
    univariate(f"Gamma/{tag}", "Gamma", {"concentration": conc, "rate": rate},
               st.gamma(conc, scale=1 / rate), batch)
    conc3 = U(2.5, 6, batch)
    univariate(f"InverseGamma/{tag}", "InverseGamma", {"concentration": conc3, "rate": rate},
               st.invgamma(conc3, scale=rate), batch)
    univariate(f"Chi2/{tag}", "Chi2", {"df": df}, st.chi2(df), batch)
    c1, c0 = U(0.7, 5, batch), U(0.7, 5, batch)
    univariate(f"Beta/{tag}", "Beta", {"concentration1": c1, "concentration0": c0}, st.beta(c1, c0), batch)
    mu, kap = U(0.2, 0.8, batch), U(3, 10, batch)
    univariate(f"BetaProportion/{tag}", "BetaProportion", {"mean": mu, "concentration": kap},
               st.beta(mu * kap, (1 - mu) * kap), batch)
    low = U(-2, 0, batch)
    high = low + U(0.5, 3, batch)
    univariate(f"Uniform/{tag}", "Uniform", {"low": low, "high": high}, st.uniform(low, high - low), batch)
    lo2 = U(0.5, 1, batch)
    hi2 = lo2 * U(2, 10, batch)
    univariate(f"LogUniform/{tag}", "LogUniform", {"low": lo2, "high": hi2}, st.loguniform(lo2, hi2), batch)
    alpha = U(2.5, 5, batch)
    univariate(f"Pareto/{tag}", "Pareto", {"scale": scale, "alpha": alpha}, st.pareto(alpha, scale=scale),
               batch)
    univariate(f"Weibull/{tag}", "Weibull", {"scale": scale, "concentration": conc + 0.5},
               st.weibull_min(conc + 0.5, scale=scale), batch)
    univariate(f"Gompertz/{tag}", "Gompertz", {"concentration": conc, "rate": rate},
               st.gompertz(conc, scale=1 / rate), batch)
    univariate(f"Levy/{tag}", "Levy", {"loc": loc, "scale": scale}, st.levy(loc, scale), batch,
               moments_ok=False)
    lo3, hi3 = loc - U(0.2, 2, batch), loc + U(0.2, 2, batch)
    univariate(f"TruncatedNormal/{tag}", "TruncatedNormal",
               {"loc": loc, "scale": scale, "low": lo3, "high": hi3},
               st.truncnorm((lo3 - loc) / scale, (hi3 - loc) / scale, loc, scale), batch)
    univariate(f"VonMises/{tag}", "VonMises", {"loc": loc / 2, "concentration": conc},
               st.vonmises(conc, loc / 2), batch, cdf=False, icdf=False, moments_ok=False)
    # --- discrete ---
    p = U(0.1, 0.9, batch)
    univariate(f"Bernoulli/{tag}", "Bernoulli", {"probs": p}, st.bernoulli(p), batch, discrete=True,
               icdf=False, cdf=False)
    nt = np.asarray(rng.integers(1, 15, size=batch))
    univariate(f"Binomial/{tag}", "Binomial", {"totalCount": nt, "probs": p}, st.binom(nt, p), batch,
               discrete=True, icdf=False, cdf=False)
    lam = U(0.5, 8, batch)
    univariate(f"Poisson/{tag}", "Poisson", {"rate": lam}, st.poisson(lam), batch, discrete=True,
               icdf=False, cdf=False)
    gx = st.geom(p).rvs(size=(npts(batch), *batch), random_state=rng) - 1.0
    case = {
        "name": f"Geometric/{tag}", "dist": "Geometric", "reference": "scipy",
        "params": {"probs": lst(p)}, "batchShape": list(batch), "eventShape": [], "discrete": True,
        "x": lst(gx), "logProb": lst(st.geom(p).logpmf(gx + 1)),
        "mean": lst(np.broadcast_to((1 - p) / p, batch)), "variance": lst(np.broadcast_to((1 - p) / p**2, batch)),
    }
    CASES.append(case)
    tc = U(0.5, 6, batch)
    # NumPyro's NegativeBinomialProbs: Gamma-Poisson with rate (1 - probs)/probs, i.e. scipy nbinom(n, 1 - probs)
    univariate(f"NegativeBinomial/{tag}", "NegativeBinomial", {"totalCount": tc, "probs": p},
               st.nbinom(tc, 1 - p), batch, discrete=True, icdf=False, cdf=False)
    univariate(f"NegativeBinomial2/{tag}", "NegativeBinomial2", {"mean": lam, "concentration": tc},
               st.nbinom(tc, tc / (tc + lam)), batch, discrete=True, icdf=False, cdf=False)
    univariate(f"GammaPoisson/{tag}", "GammaPoisson", {"concentration": tc, "rate": rate},
               st.nbinom(tc, rate / (rate + 1)), batch, discrete=True, icdf=False, cdf=False)
    univariate(f"BetaBinomial/{tag}", "BetaBinomial",
               {"concentration1": c1, "concentration0": c0, "totalCount": nt},
               st.betabinom(nt, c1, c0), batch, discrete=True, icdf=False, cdf=False)
    dl = np.floor(U(-3, 2, batch))
    dh = dl + rng.integers(1, 6, size=batch)
    dl, dh = np.asarray(dl).astype(int), np.asarray(dh).astype(int)
    univariate(f"DiscreteUniform/{tag}", "DiscreteUniform", {"low": dl, "high": dh}, st.randint(dl, dh + 1),
               batch, discrete=True, icdf=False, cdf=False)

# --- formula references (scipy has no such distribution) ---
for batch in [(), (3,)]:
    tag = "x".join(map(str, batch)) or "scalar"
    n = npts(batch)
    a, b = U(0.7, 4, batch), U(0.7, 4, batch)
    u = rng.uniform(size=(n, *batch))
    x = (1 - (1 - u) ** (1 / b)) ** (1 / a)
    lp = np.log(a) + np.log(b) + (a - 1) * np.log(x) + (b - 1) * np.log1p(-(x**a))
    m1 = b * sp.beta(1 + 1 / a, b)
    m2 = b * sp.beta(1 + 2 / a, b)
    CASES.append({"name": f"Kumaraswamy/{tag}", "dist": "Kumaraswamy", "reference": "formula",
                  "params": {"concentration1": lst(a), "concentration0": lst(b)}, "batchShape": list(batch),
                  "eventShape": [], "discrete": False, "x": lst(x), "logProb": lst(lp),
                  "mean": lst(m1), "variance": lst(m2 - m1**2)})
    loc, scale = U(-2, 2, batch), U(0.5, 2.5, batch)
    x = loc + scale * rng.standard_normal(size=(n, *batch))
    z = (x - loc) / scale
    lp = np.log(2 / np.pi) - np.log(scale) - np.logaddexp(z, -z)
    CASES.append({"name": f"SoftLaplace/{tag}", "dist": "SoftLaplace", "reference": "formula",
                  "params": {"loc": lst(loc), "scale": lst(scale)}, "batchShape": list(batch), "eventShape": [],
                  "discrete": False, "x": lst(x), "logProb": lst(lp),
                  "cdf": lst(2 / np.pi * np.arctan(np.exp(z)))})
    lo3, hi3 = loc - U(0.2, 2, batch), loc + U(0.2, 2, batch)
    cd = st.cauchy(loc, scale)
    x = cd.ppf(cd.cdf(lo3) + rng.uniform(size=(n, *batch)) * (cd.cdf(hi3) - cd.cdf(lo3)))
    lp = cd.logpdf(x) - np.log(cd.cdf(hi3) - cd.cdf(lo3))
    CASES.append({"name": f"TruncatedCauchy/{tag}", "dist": "TruncatedCauchy", "reference": "scipy",
                  "params": {"loc": lst(loc), "scale": lst(scale), "low": lst(lo3), "high": lst(hi3)},
                  "batchShape": list(batch), "eventShape": [], "discrete": False, "x": lst(x),
                  "logProb": lst(lp), "cdf": lst((cd.cdf(x) - cd.cdf(lo3)) / (cd.cdf(hi3) - cd.cdf(lo3)))})
    gate, lam = U(0.1, 0.6, batch), U(0.5, 5, batch)
    x = np.where(rng.uniform(size=(n, *batch)) < gate, 0.0, rng.poisson(lam, size=(n, *batch)).astype(float))
    lp = np.where(x == 0, np.log(gate + (1 - gate) * np.exp(-lam)), np.log1p(-gate) + st.poisson(lam).logpmf(x))
    CASES.append({"name": f"ZeroInflatedPoisson/{tag}", "dist": "ZeroInflatedPoisson", "reference": "scipy",
                  "params": {"gate": lst(gate), "rate": lst(lam)}, "batchShape": list(batch), "eventShape": [],
                  "discrete": True, "x": lst(x), "logProb": lst(lp),
                  "mean": lst((1 - gate) * lam), "variance": lst((1 - gate) * lam * (1 + gate * lam))})
    kappa = U(1, 5, batch)
    mean2 = U(0.5, 5, batch)
    nb = st.nbinom(kappa, kappa / (kappa + mean2))
    x = np.where(rng.uniform(size=(n, *batch)) < gate, 0.0, nb.rvs(size=(n, *batch), random_state=rng))
    lp = np.where(x == 0, np.log(gate + (1 - gate) * nb.pmf(0)), np.log1p(-gate) + nb.logpmf(x))
    CASES.append({"name": f"ZeroInflatedNegativeBinomial2/{tag}", "dist": "ZeroInflatedNegativeBinomial2",
                  "reference": "scipy",
                  "params": {"mean": lst(mean2), "concentration": lst(kappa), "gate": lst(gate)},
                  "batchShape": list(batch), "eventShape": [], "discrete": True, "x": lst(x), "logProb": lst(lp)})

# --- multivariate ---
def event_case(name, dist, params, batch, event, x, lp, reference="scipy", extra=None):
    c = {"name": name, "dist": dist, "reference": reference, "params": {k: lst(v) for k, v in params.items()},
         "batchShape": list(batch), "eventShape": list(event), "discrete": False, "x": lst(x), "logProb": lst(lp)}
    if extra:
        c.update(extra)
    CASES.append(c)


def rand_spd(d):
    a = rng.standard_normal((d, d))
    return a @ a.T + d * np.eye(d)


for batch in [(), (2,)]:
    tag = "x".join(map(str, batch)) or "scalar"
    n = npts(batch)
    K = 4
    # Dirichlet
    alpha = U(0.6, 4, (*batch, K))
    flat_a = alpha.reshape(-1, K)
    xs = np.stack([st.dirichlet(a).rvs(size=n, random_state=rng) for a in flat_a], axis=1)
    xs = xs.reshape(n, *batch, K)
    lp = np.stack([st.dirichlet(a).logpdf(xs.reshape(n, -1, K)[:, i].T) for i, a in enumerate(flat_a)],
                  axis=1).reshape(n, *batch)
    mean = alpha / alpha.sum(-1, keepdims=True)
    a0 = alpha.sum(-1, keepdims=True)
    event_case(f"Dirichlet/{tag}", "Dirichlet", {"concentration": alpha}, batch, (K,), xs, lp,
               extra={"mean": lst(mean), "variance": lst(mean * (1 - mean) / (a0 + 1))})
    # Categorical (probs) — event scalar, reference log p[x]
    probs = rng.dirichlet(np.ones(K), size=batch) if batch else rng.dirichlet(np.ones(K))
    xs = np.stack([rng.choice(K, size=n, p=pp) for pp in probs.reshape(-1, K)], axis=1).reshape(n, *batch)
    lp = np.take_along_axis(np.broadcast_to(np.log(probs), (n, *batch, K)), xs[..., None].astype(int), -1)[..., 0]
    CASES.append({"name": f"Categorical/{tag}", "dist": "Categorical", "reference": "formula",
                  "params": {"probs": lst(probs)}, "batchShape": list(batch), "eventShape": [], "discrete": True,
                  "x": lst(xs), "logProb": lst(lp)})
    # Multinomial
    tot = 10
    xs = np.stack([st.multinomial(tot, pp).rvs(size=n, random_state=rng) for pp in probs.reshape(-1, K)],
                  axis=1).reshape(n, *batch, K).astype(float)
    lp = np.stack([st.multinomial(tot, pp).logpmf(xs.reshape(n, -1, K)[:, i]) for i, pp in
                   enumerate(probs.reshape(-1, K))], axis=1).reshape(n, *batch)
    CASES.append({"name": f"Multinomial/{tag}", "dist": "Multinomial", "reference": "scipy",
                  "params": {"totalCount": tot, "probs": lst(probs)}, "batchShape": list(batch), "eventShape": [K],
                  "discrete": True, "x": lst(xs), "logProb": lst(lp),
                  "mean": lst(tot * probs), "variance": lst(tot * probs * (1 - probs))})
    # DirichletMultinomial
    lp = np.stack([st.dirichlet_multinomial(a, tot).logpmf(xs.reshape(n, -1, K)[:, i]) for i, a in
                   enumerate(flat_a)], axis=1).reshape(n, *batch)
    CASES.append({"name": f"DirichletMultinomial/{tag}", "dist": "DirichletMultinomial", "reference": "scipy",
                  "params": {"concentration": lst(alpha), "totalCount": tot}, "batchShape": list(batch),
                  "eventShape": [K], "discrete": True, "x": lst(xs), "logProb": lst(lp)})
    # MultivariateNormal (covariance), the same points for scaleTril / precision variants
    D = 3
    locs = U(-1, 1, (*batch, D))
    covs = np.stack([rand_spd(D) for _ in range(max(1, int(np.prod(batch, dtype=int))))]).reshape(*batch, D, D)
    fl, fc = locs.reshape(-1, D), covs.reshape(-1, D, D)
    xs = np.stack([st.multivariate_normal(m, c).rvs(size=n, random_state=rng).reshape(n, D)
                   for m, c in zip(fl, fc)], axis=1).reshape(n, *batch, D)
    lp = np.stack([st.multivariate_normal(m, c).logpdf(xs.reshape(n, -1, D)[:, i]) for i, (m, c) in
                   enumerate(zip(fl, fc))], axis=1).reshape(n, *batch)
    var = np.diagonal(covs, axis1=-2, axis2=-1)
    for variant, pv in [("covarianceMatrix", covs), ("scaleTril", np.linalg.cholesky(covs)),
                        ("precisionMatrix", np.linalg.inv(covs))]:
        event_case(f"MultivariateNormal[{variant}]/{tag}", "MultivariateNormal", {"loc": locs, variant: pv},
                   batch, (D,), xs, lp, extra={"mean": lst(locs), "variance": lst(var)})
    # LowRankMultivariateNormal
    W = rng.standard_normal((*batch, D, 2))
    dg = U(0.5, 2, (*batch, D))
    cov_lr = W @ np.swapaxes(W, -1, -2) + np.einsum("...i,ij->...ij", dg, np.eye(D))
    lp = np.stack([st.multivariate_normal(m, c).logpdf(xs.reshape(n, -1, D)[:, i]) for i, (m, c) in
                   enumerate(zip(fl, cov_lr.reshape(-1, D, D)))], axis=1).reshape(n, *batch)
    event_case(f"LowRankMultivariateNormal/{tag}", "LowRankMultivariateNormal",
               {"loc": locs, "covFactor": W, "covDiag": dg}, batch, (D,), xs, lp,
               extra={"mean": lst(locs), "variance": lst(np.diagonal(cov_lr, axis1=-2, axis2=-1))})
    # MultivariateStudentT
    dfs = U(3, 8, batch)
    tril = np.linalg.cholesky(covs)
    flat_df = np.broadcast_to(dfs, batch).reshape(-1)
    lp = np.stack([st.multivariate_t(m, c, df=float(d_)).logpdf(xs.reshape(n, -1, D)[:, i]) for i, (m, c, d_) in
                   enumerate(zip(fl, fc, flat_df))], axis=1).reshape(n, *batch)
    event_case(f"MultivariateStudentT/{tag}", "MultivariateStudentT",
               {"df": dfs, "loc": locs, "scaleTril": tril}, batch, (D,), xs, lp,
               extra={"mean": lst(locs), "variance": lst(var * (dfs / (dfs - 2))[..., None])})
    # Wishart (scale_tril parametrisation like NumPyro) : x are SPD matrices
    wdf = U(D + 1, D + 5, batch)
    flat_wdf = np.broadcast_to(wdf, batch).reshape(-1)
    ws = np.stack([st.wishart(float(d_), c).rvs(size=n, random_state=rng).reshape(n, D, D)
                   for c, d_ in zip(fc, flat_wdf)], axis=1).reshape(n, *batch, D, D)
    lp = np.stack([st.wishart(float(d_), c).logpdf(np.moveaxis(ws.reshape(n, -1, D, D)[:, i], 0, -1))
                   for i, (c, d_) in enumerate(zip(fc, flat_wdf))], axis=1).reshape(n, *batch)
    event_case(f"Wishart/{tag}", "Wishart", {"concentration": wdf, "scaleTril": tril}, batch, (D, D), ws, lp,
               extra={"mean": lst(wdf[..., None, None] * covs)})
    # GaussianRandomWalk
    T = 5
    sc = U(0.5, 2, batch)
    steps = rng.standard_normal((n, *batch, T)) * sc[..., None]
    xs = np.cumsum(steps, -1)
    lp = st.norm(0, sc[..., None]).logpdf(steps).sum(-1)
    event_case(f"GaussianRandomWalk/{tag}", "GaussianRandomWalk", {"scale": sc, "numSteps": T}, batch, (T,),
               xs, lp, extra={"mean": lst(np.zeros((*batch, T))),
                              "variance": lst(sc[..., None] ** 2 * np.arange(1, T + 1))})


# LKJ normalising constant via the standard formula (Lewandowski, Kurowicka, Joe 2009, eq. 16):
def lkj_log_norm(D, eta):
    total = 0.0
    for i in range(1, D):
        b = eta + (D - 1 - i) / 2.0
        total += (2 * eta - 2 + D - i) * (D - i) * math.log(2.0) + (D - i) * sp.betaln(b, b)
    return total  # log of c_D(eta) ^-1 ... (density of corr matrix = c * det^(eta-1); here -log c)


def sample_corr_chol(D, eta):
    # onion method
    L = np.zeros((D, D))
    L[0, 0] = 1.0
    for i in range(1, D):
        y = rng.beta(i / 2.0, eta + (D - 1 - i) / 2.0)
        u = rng.standard_normal(i)
        u /= np.linalg.norm(u)
        w = math.sqrt(y) * u
        L[i, :i] = w
        L[i, i] = math.sqrt(1 - y)
    return L


for D, eta in [(3, 0.8), (4, 2.0)]:
    n = 60
    Ls = np.stack([sample_corr_chol(D, eta) for _ in range(n)])
    # log density of the correlation matrix C = L L^T: (eta - 1) log det C - log c_D(eta)
    log_norm = lkj_log_norm(D, eta)
    diag = np.diagonal(Ls, axis1=-2, axis2=-1)
    logdetC = 2 * np.log(diag).sum(-1)
    lp_corr = (eta - 1) * logdetC - log_norm
    # Cholesky-factor density: corr density times |dC/dL| = Π_i L_ii^(D - i) (i = 1..D, 1-based) ... then
    # the LKJCholesky density is Π_{i>=2} L_ii^(D - i + 2 eta - 2) / c
    i1 = np.arange(1, D + 1)
    lp_chol = ((D - i1 + 2 * eta - 2) * np.log(diag)).sum(-1) - log_norm
    event_case(f"LKJCholesky/D{D}", "LKJCholesky", {"dimension": D, "concentration": eta}, (), (D, D), Ls,
               lp_chol, reference="formula")
    Cs = Ls @ np.swapaxes(Ls, -1, -2)
    event_case(f"LKJ/D{D}", "LKJ", {"dimension": D, "concentration": eta}, (), (D, D), Cs, lp_corr,
               reference="formula")

# --- meta-distributions and the remaining ones, from scipy pieces ---
for batch in [(), (3,)]:
    tag = "x".join(map(str, batch)) or "scalar"
    n = npts(batch)
    shape = (n, *batch)
    loc, scale = U(-2, 2, batch), U(0.5, 2.5, batch)
    # FoldedDistribution(Normal(loc, scale)) is scipy's foldnorm(|loc|/scale, scale=scale)
    fn = st.foldnorm(np.abs(loc) / scale, scale=scale)
    x = fn.rvs(size=shape, random_state=rng)
    CASES.append({"name": f"FoldedNormal/{tag}", "dist": "FoldedNormal", "reference": "scipy",
                  "params": {"loc": lst(loc), "scale": lst(scale)}, "batchShape": list(batch), "eventShape": [],
                  "discrete": False, "x": lst(x), "logProb": lst(fn.logpdf(x))})
    # TruncatedDistribution(Laplace(loc, scale), low): density / survival at low
    low = loc + U(-1, 1, batch)
    lap = st.laplace(loc, scale)
    x = lap.ppf(lap.cdf(low) + rng.uniform(size=shape) * lap.sf(low))
    CASES.append({"name": f"LeftTruncatedLaplace/{tag}", "dist": "LeftTruncatedLaplace", "reference": "scipy",
                  "params": {"loc": lst(loc), "scale": lst(scale), "low": lst(low)}, "batchShape": list(batch),
                  "eventShape": [], "discrete": False, "x": lst(x), "logProb": lst(lap.logpdf(x) - lap.logsf(low)),
                  "cdf": lst((lap.cdf(x) - lap.cdf(low)) / lap.sf(low))})
    # MixtureSameFamily(Categorical(w), Normal(locs, scales)) over 3 components
    w = rng.dirichlet(np.ones(3), size=batch) if batch else rng.dirichlet(np.ones(3))
    mlocs, mscales = U(-3, 3, (*batch, 3)), U(0.5, 1.5, (*batch, 3))
    x = rng.normal(0, 3, size=shape)
    dens = (w[None] * st.norm(mlocs[None], mscales[None]).pdf(x[..., None])).sum(-1)
    CASES.append({"name": f"MixtureSameFamilyNormal/{tag}", "dist": "MixtureSameFamilyNormal", "reference": "scipy",
                  "params": {"probs": lst(w), "loc": lst(mlocs), "scale": lst(mscales)}, "batchShape": list(batch),
                  "eventShape": [], "discrete": False, "x": lst(x), "logProb": lst(np.log(dens)),
                  "mean": lst((w * mlocs).sum(-1)),
                  "variance": lst((w * (mscales**2 + mlocs**2)).sum(-1) - (w * mlocs).sum(-1) ** 2)})
    # HurdleDistribution(Poisson(rate), gate): P(0) = gate, P(k) = (1 − gate) pois(k) / (1 − pois(0))
    gate, lam = U(0.1, 0.6, batch), U(0.5, 4, batch)
    x = np.where(rng.uniform(size=shape) < 0.4, 0.0, rng.poisson(lam, size=shape) + 1.0)
    po = st.poisson(lam)
    lp = np.where(x == 0, np.log(gate), np.log1p(-gate) + po.logpmf(x) - np.log(-np.expm1(-lam)))
    CASES.append({"name": f"HurdlePoisson/{tag}", "dist": "HurdlePoisson", "reference": "scipy",
                  "params": {"gate": lst(gate), "rate": lst(lam)}, "batchShape": list(batch), "eventShape": [],
                  "discrete": True, "x": lst(x), "logProb": lst(lp)})
    # OrderedLogistic(predictor, cutpoints): P(y = k) = σ(c_k − η) − σ(c_{k−1} − η)
    eta = U(-2, 2, batch)
    cuts = np.sort(U(-2, 2, (*batch, 3)), axis=-1)
    cum = sp.expit(cuts - eta[..., None])
    probs = np.diff(np.concatenate([np.zeros((*batch, 1)), cum, np.ones((*batch, 1))], -1), axis=-1)
    x = rng.integers(0, 4, size=shape).astype(float)
    lp = np.log(np.take_along_axis(np.broadcast_to(probs, (*shape, 4)), x[..., None].astype(int), -1)[..., 0])
    CASES.append({"name": f"OrderedLogistic/{tag}", "dist": "OrderedLogistic", "reference": "formula",
                  "params": {"predictor": lst(eta), "cutpoints": lst(cuts)}, "batchShape": list(batch),
                  "eventShape": [], "discrete": True, "x": lst(x), "logProb": lst(lp)})

# WishartCholesky: density of L = chol(X), X ~ Wishart: wishart.logpdf(LLᵀ) + D log 2 + Σ_i (D − i) log L_ii
D = 3
for wdf in [4.5, 7.0]:
    C = rand_spd(D)
    W = st.wishart(wdf, C)
    Xs = W.rvs(size=40, random_state=rng)
    Ls = np.linalg.cholesky(Xs)
    jac = D * np.log(2) + ((D - np.arange(D)) * np.log(np.diagonal(Ls, axis1=-2, axis2=-1))).sum(-1)
    lp = W.logpdf(np.moveaxis(Xs, 0, -1)) + jac
    event_case(f"WishartCholesky/df{wdf}", "WishartCholesky", {"concentration": wdf, "scaleTril": np.linalg.cholesky(C)},
               (), (D, D), Ls, lp)

out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "scipy.json")


def clean(o):
    if isinstance(o, float) and not math.isfinite(o):
        return None if math.isnan(o) else ("Infinity" if o > 0 else "-Infinity")
    if isinstance(o, list):
        return [clean(v) for v in o]
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    return o


with open(out, "w") as f:
    json.dump({"generator": "scripts/scipy_fixtures.py", "scipy": st.__name__ and __import__("scipy").__version__,
               "cases": clean(CASES)}, f, separators=(",", ":"))
print(f"wrote {len(CASES)} cases to {os.path.normpath(out)} ({os.path.getsize(out)} bytes)")
