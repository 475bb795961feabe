"""Reference values from NumPyro 0.21 itself for the second batch of NumPyro-parity distributions and
transforms of @phlox/distributions (issue 23): CirculantNormal, the positive-definite circulant vector
constraint, and what follows in this file.

Run:  <oracle python> packages/distributions/scripts/parity2_fixtures.py
Writes packages/distributions/fixtures/parity2.json: {"cases": {<name>: [...]}}. Each distribution case has
its parameters, points `x` of shape [n, *batchShape, *eventShape] drawn from NumPyro's own sampler, NumPyro's
`log_prob` at them, its moments, and (where listed) constraint checks.
"""

import json
import math
import os

import numpy as np

import jax

jax.config.update("jax_enable_x64", True)
import numpyro  # noqa: E402
import numpyro.distributions as nd  # noqa: E402
from numpyro.distributions import constraints as C  # noqa: E402

rng = np.random.default_rng(20261206)
OUT = {}


def lst(a):
    return np.asarray(a, dtype=float).tolist()


def tag(batch):
    return "x".join(map(str, batch)) or "scalar"


def npts(batch):
    return int(math.ceil(60 / max(1, int(np.prod(batch, dtype=int)))))


def dist_case(group, name, params, d, batch, event, seed, extra=None, sampler=None):
    n = npts(batch)
    key = jax.random.PRNGKey(seed)
    x = np.asarray(sampler(key, (n,)) if sampler else d.sample(key, (n,)))
    case = {"name": name, "params": params, "batchShape": list(batch), "eventShape": list(event),
            "x": lst(x), "logProb": lst(d.log_prob(x))}
    for m in ["mean", "variance"]:
        try:
            case[m] = lst(np.broadcast_to(getattr(d, m), (*batch, *event)))
        except NotImplementedError:
            pass
    if extra:
        case.update(extra(d))
    OUT.setdefault(group, []).append(case)


# ---- CirculantNormal: from the covariance row and from its rfft ----
def periodic_row(n, ls, amp):
    """A positive-definite circulant row: irfft of the positive spectrum amp·exp(−(k/ls)²/2) + 0.05."""
    k = np.arange(n // 2 + 1)
    return np.fft.irfft(amp * np.exp(-0.5 * (k / ls) ** 2) + 0.05, n)


for batch, n, via in [((), 5, "row"), ((3,), 6, "row"), ((2, 3), 4, "rfft"), ((3,), 7, "rfft"), ((), 8, "row")]:
    loc = rng.normal(size=(*batch, n))
    ls, amp = rng.uniform(0.5, 2, size=batch), rng.uniform(0.5, 2, size=batch)
    rows = np.reshape([periodic_row(n, ls[i], amp[i]) for i in np.ndindex(*batch)], (*batch, n))
    if via == "row":
        d = nd.CirculantNormal(jax.numpy.asarray(loc), covariance_row=jax.numpy.asarray(rows))
        params = {"loc": lst(loc), "covarianceRow": lst(rows)}
    else:
        rf = np.fft.rfft(rows).real
        d = nd.CirculantNormal(jax.numpy.asarray(loc), covariance_rfft=jax.numpy.asarray(rf))
        params = {"loc": lst(loc), "covarianceRfft": lst(rf)}
    dist_case("CirculantNormal", f"CirculantNormal/{tag(batch)}/n{n}/{via}", params, d, batch, (n,), 31 + n,
              lambda d: {"covarianceRow": lst(d.covariance_row), "covarianceMatrix": lst(d.covariance_matrix),
                         "covarianceRfftOut": lst(d.covariance_rfft), "entropy": lst(d.entropy())})

# the constraint: rows of valid circulant covariances, non-symmetric rows, and rows with a negative eigenvalue
cons = [periodic_row(5, 1.0, 1.0), periodic_row(6, 0.7, 2.0), np.array([1.0, 0.5, 0.2, 0.1]),
        np.array([2.0, 1.0, 0.3, 0.2]), np.array([1.0, 2.0, 2.0]), np.array([1.0, 0.0, 0.0, 0.0, 0.0]),
        np.array([0.0, 1.0, 0.0, 1.0])]
OUT["positiveDefiniteCirculantVector"] = [
    {"x": lst(c), "check": bool(np.all(C.positive_definite_circulant_vector(jax.numpy.asarray(c))))} for c in cons]


# ---- GaussianCopula (Gumbel marginals) and GaussianCopulaBeta ----
def rand_corr(batch, d):
    a = rng.normal(size=(*batch, d, d + 2))
    cov = a @ np.swapaxes(a, -1, -2)
    s = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    return cov / s[..., :, None] / s[..., None, :]


def copula_extra(d):
    return {"correlationCholesky": lst(d.correlation_cholesky), "correlationMatrix": lst(d.correlation_matrix)}


def beta_copula_sampler(gb, a, b):
    """NumPyro's Beta.icdf needs tensorflow_probability: push NumPyro's copula draws through scipy's beta ppf."""
    import scipy.stats as st

    def sample(key, shape):
        z = np.asarray(gb.base_dist.expand(shape + gb.batch_shape).sample(key))
        return st.beta(a, b).ppf(st.norm.cdf(z))
    return sample


for mb, cb, d, via in [((3,), (), 3, "matrix"), ((3, 2), (), 2, "cholesky"), ((2, 3, 4), (3,), 4, "matrix"),
                       ((1, 3), (2, 1), 3, "cholesky")]:
    R = rand_corr(cb, d)
    corr = {"correlationMatrix": R} if via == "matrix" else {"correlationCholesky": np.linalg.cholesky(R)}
    kw = {"correlation_matrix": jax.numpy.asarray(R)} if via == "matrix" else {
        "correlation_cholesky": jax.numpy.asarray(np.linalg.cholesky(R))}
    batch = np.broadcast_shapes(mb[:-1], cb)
    loc, scale = rng.normal(size=mb), rng.uniform(0.5, 2, size=mb)
    g = nd.GaussianCopula(nd.Gumbel(jax.numpy.asarray(loc), jax.numpy.asarray(scale)), **kw)
    dist_case("GaussianCopula", f"GaussianCopula(Gumbel)/{tag(batch)}/d{d}/{via}",
              {"loc": lst(loc), "scale": lst(scale), **{k: lst(v) for k, v in corr.items()}}, g, batch, (d,),
              50 + d, copula_extra)
    a, b = rng.uniform(0.5, 4, size=mb), rng.uniform(0.5, 4, size=mb)
    gb = nd.GaussianCopulaBeta(jax.numpy.asarray(a), jax.numpy.asarray(b), **kw)
    dist_case("GaussianCopulaBeta", f"GaussianCopulaBeta/{tag(batch)}/d{d}/{via}",
              {"concentration1": lst(a), "concentration0": lst(b), **{k: lst(v) for k, v in corr.items()}}, gb,
              batch, (d,), 60 + d, copula_extra, beta_copula_sampler(gb, a, b))


# ---- SineBivariateVonMises: points from NumPyro's sampler, its log_prob with the 50-term normaliser ----
for batch, weighted in [((), False), ((3,), True), ((2, 3), False), ((4,), False)]:
    mu, nu = rng.uniform(-3, 3, size=batch), rng.uniform(-3, 3, size=batch)
    k1, k2 = rng.uniform(0.3, 20, size=batch), rng.uniform(0.3, 20, size=batch)
    if weighted:
        w = rng.uniform(0, 0.95, size=batch)
        corr_kw, corr = {"weighted_correlation": jax.numpy.asarray(w)}, {"weightedCorrelation": lst(w)}
    else:
        lam = rng.uniform(-1, 1, size=batch) * np.sqrt(k1 * k2) * (1.5 if batch == (4,) else 0.9)
        corr_kw, corr = {"correlation": jax.numpy.asarray(lam)}, {"correlation": lst(lam)}
    sb = nd.SineBivariateVonMises(*(jax.numpy.asarray(a) for a in (mu, nu, k1, k2)), **corr_kw)
    dist_case("SineBivariateVonMises", f"SineBivariateVonMises/{tag(batch)}/{'weighted' if weighted else 'lambda'}",
              {"phiLoc": lst(mu), "psiLoc": lst(nu), "phiConcentration": lst(k1), "psiConcentration": lst(k2),
               **corr}, sb, batch, (2,), 70 + len(batch),
              lambda d: {"normConst": lst(d.norm_const), "correlationOut": lst(d.correlation)})


# ---- CAR (dense adjacency): points from NumPyro's sampler, its log_prob (eigvalsh normaliser) ----
def adjacency(n):
    """A ring with a few random chords: symmetric 0/1, every site has a neighbour."""
    w = np.zeros((n, n))
    for i in range(n):
        w[i, (i + 1) % n] = w[(i + 1) % n, i] = 1
    for _ in range(n // 2):
        i, j = rng.choice(n, 2, replace=False)
        w[i, j] = w[j, i] = 1
    return w


for batch, n, wbatch in [((), 5, ()), ((3,), 4, ()), ((2, 3), 6, ()), ((2,), 5, (2,))]:
    loc = rng.normal(size=(*batch, n))
    alpha = rng.uniform(-0.95, 0.99, size=batch)
    tau = rng.uniform(0.5, 3, size=batch)
    W = np.reshape([adjacency(n) for _ in np.ndindex(*wbatch)], (*wbatch, n, n))
    car = nd.CAR(*(jax.numpy.asarray(a) for a in (loc, alpha, tau, W)))
    dist_case("CAR", f"CAR/{tag(batch)}/n{n}{'/W batched' if wbatch else ''}",
              {"loc": lst(loc), "correlation": lst(alpha), "conditionalPrecision": lst(tau), "adjMatrix": lst(W)},
              car, batch, (n,), 80 + n, lambda d: {"precisionMatrix": lst(d.precision_matrix)})


# ---- EulerMaruyama: an Ornstein–Uhlenbeck SDE dy = −θ(y − m) dt + σ dW on irregular grids ----
for batch, T, state, tb in [((), 6, (), False), ((3,), 5, (), True), ((2, 3), 4, (2,), False), ((2,), 5, (3,), True)]:
    theta, m, sigma = 0.8, 0.5, 0.6
    t = np.cumsum(rng.uniform(0.1, 0.5, size=((*batch, T) if tb else (T,))), -1)
    loc, scale = rng.normal(size=(*batch, *state)), rng.uniform(0.5, 1.5, size=(*batch, *state))
    init = nd.Normal(jax.numpy.asarray(loc), jax.numpy.asarray(scale)).to_event(len(state))
    em = nd.EulerMaruyama(jax.numpy.asarray(t), lambda y, tt: (-theta * (y - m), sigma), init)
    dist_case("EulerMaruyama", f"EulerMaruyama/{tag(batch)}/T{T}/state{tag(state)}{'/t batched' if tb else ''}",
              {"t": lst(t), "initLoc": lst(loc), "initScale": lst(scale), "stateShape": list(state),
               "theta": theta, "m": m, "sigma": sigma}, em, batch, (T, *state), 90 + T)


out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "parity2.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/parity2_fixtures.py", "numpyro": numpyro.__version__, "cases": OUT}, f,
              separators=(",", ":"))
print(f"wrote {sum(len(v) for v in OUT.values())} cases to {os.path.normpath(out)} ({os.path.getsize(out)} bytes)")
