"""NumPyro 0.21 reference potentials at the extreme unconstrained points NUTS visits during warmup.

During the step-size search and the first trajectories NUTS evaluates U(z) = -(log p(x, z) + sum log|det J|)
at points far from the mode. This script builds a corpus of small models that cover the common constrained
supports (positive, unit and other intervals, circular, simplex, corr_cholesky, corr_matrix,
positive_definite, lower_cholesky, ordered and positive-ordered vectors) and likelihoods, and evaluates
NumPyro's `initialize_model(...).potential_fn` and its gradient (`jax.jit(jax.value_and_grad(...))`, as NUTS
does) at:

- the origin of the unconstrained space;
- points with one component set to each of +-20, +-50, +-100, +-300, +-700, +-750 (the others 0), for every
  component of sites with at most 3 unconstrained elements, and the first, middle and last otherwise;
- a few random mixed points (seeded): each component 0, a standard normal draw, or a random extreme.

Four of the models run through `handlers.reparam` (LocScaleReparam fully and partly non-centred,
TransformReparam, CircularReparam), whose Phlox counterparts live in packages/infer itself.

The fixture names each model (the same models are written in TypeScript in `src/potential-edge.test.ts`) and
holds the model's data, the unconstrained shape of every latent site, and at each point the unconstrained
values and gradients by site name (flattened row-major), so that the two sides are matched by name, not by
position. Where NumPyro's eager (un-jitted) value and gradient differ from the jitted ones (XLA simplifies
e.g. log(exp(x)) to x, which turns some inf - inf = NaN into a finite or infinite number), the point also
holds them under "eager", so that a Phlox deviation can be told apart from an XLA rewrite. For the models in
TRUTH (ordered_logistic), every point also holds the true U and gradient under "truth": the density evaluated in
400-digit decimal from z exactly (no float64 rounding of the transform or the sigmoids), the gradient by central
differences at that precision, so that a point where Phlox is right and NumPyro loses precision can be told apart
from one where Phlox is wrong. Non-finite numbers are written as the strings "inf", "-inf" and "nan".

Run: <oracle python> packages/infer/scripts/potential_edge_fixtures.py
(a Python with JAX and NumPyro 0.21), from the repository root or anywhere else; it writes
packages/infer/fixtures/potential-edge.json.
"""

import decimal
import json
import math
import pathlib
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.distributions import constraints
from numpyro.distributions.transforms import OrderedTransform
from numpyro.infer.reparam import CircularReparam, LocScaleReparam, TransformReparam
from numpyro.infer.util import initialize_model

jax.config.update("jax_enable_x64", True)
# von_mises samples a circular site on purpose (von_mises_circular is its CircularReparam twin)
warnings.filterwarnings("ignore", message="Continuous inference poorly handles circular")

EXTREMES = [20.0, -20.0, 50.0, -50.0, 100.0, -100.0, 300.0, -300.0, 700.0, -700.0, 750.0, -750.0]
N_RANDOM = 4

SIGMA8 = [15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0]
Y8 = [28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0]
X6 = [-1.5, -0.7, 0.1, 0.4, 1.1, 2.0]

MODELS = {}


def model(name, data):
    def wrap(fn):
        MODELS[name] = (fn, data)
        return fn

    return wrap


def arr(d, k):
    return jnp.asarray(d[k], dtype=jnp.float64)


@model("eight_schools_centered", {"sigma": SIGMA8, "y": Y8})
def eight_schools_centered(d):
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("school", 8):
        theta = numpyro.sample("theta", dist.Normal(mu, tau))
        numpyro.sample("obs", dist.Normal(theta, arr(d, "sigma")), obs=arr(d, "y"))


@model("eight_schools_noncentered", {"sigma": SIGMA8, "y": Y8})
def eight_schools_noncentered(d):
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("school", 8):
        raw = numpyro.sample("theta_raw", dist.Normal(0.0, 1.0))
        numpyro.sample("obs", dist.Normal(mu + tau * raw, arr(d, "sigma")), obs=arr(d, "y"))


@model("halfnormal_scale", {"y": [0.3, -1.2, 2.5, 0.8, -0.4]})
def halfnormal_scale(d):
    sigma = numpyro.sample("sigma", dist.HalfNormal(2.0))
    with numpyro.plate("data", 5):
        numpyro.sample("y", dist.Normal(0.5, sigma), obs=arr(d, "y"))


@model("halfcauchy_scale", {"y": [0.3, -1.2, 2.5, 0.8, -0.4]})
def halfcauchy_scale(d):
    mu = numpyro.sample("mu", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.HalfCauchy(1.0))
    with numpyro.plate("data", 5):
        numpyro.sample("y", dist.Normal(mu, sigma), obs=arr(d, "y"))


@model("exponential_rate", {"y": [0.2, 1.5, 0.7, 3.1]})
def exponential_rate(d):
    lam = numpyro.sample("lam", dist.Exponential(1.0))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.Exponential(lam), obs=arr(d, "y"))


@model("gamma_inverse_gamma", {"y": [0.5, 2.0, 1.2, 4.0]})
def gamma_inverse_gamma(d):
    a = numpyro.sample("a", dist.Gamma(2.0, 0.5))
    b = numpyro.sample("b", dist.InverseGamma(3.0, 2.0))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.Gamma(a, b), obs=arr(d, "y"))


@model("lognormal_scale", {"y": [0.3, -1.2, 2.5, 0.8]})
def lognormal_scale(d):
    s = numpyro.sample("s", dist.LogNormal(0.0, 1.0))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.Normal(0.0, s), obs=arr(d, "y"))


@model("beta_binomial", {"y": [3.0, 5.0, 7.0]})
def beta_binomial(d):
    p = numpyro.sample("p", dist.Beta(2.0, 3.0))
    with numpyro.plate("data", 3):
        numpyro.sample("y", dist.Binomial(10, probs=p), obs=arr(d, "y"))


@model("uniform_interval", {"y": [0.2, 1.9, 2.7]})
def uniform_interval(d):
    u = numpyro.sample("u", dist.Uniform(-1.0, 3.0))
    with numpyro.plate("data", 3):
        numpyro.sample("y", dist.Normal(u, 1.0), obs=arr(d, "y"))


@model("dirichlet_categorical", {"y": [0, 2, 2, 1]})
def dirichlet_categorical(d):
    w = numpyro.sample("w", dist.Dirichlet(jnp.asarray([1.0, 2.0, 3.0])))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.Categorical(probs=w), obs=jnp.asarray(d["y"], dtype=jnp.int32))


MVN_Y = [[0.5, -1.0, 0.3], [1.2, 0.4, -0.8], [-0.3, 0.9, 1.5], [0.0, -0.2, 0.1]]


@model("lkj_cholesky_mvn", {"y": MVN_Y})
def lkj_cholesky_mvn(d):
    L = numpyro.sample("L", dist.LKJCholesky(3, 2.0))
    sd = numpyro.sample("sd", dist.HalfNormal(1.0).expand([3]).to_event(1))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.MultivariateNormal(jnp.zeros(3), scale_tril=sd[..., None] * L), obs=arr(d, "y"))


@model("lkj_corr_mvn", {"y": MVN_Y})
def lkj_corr_mvn(d):
    C = numpyro.sample("C", dist.LKJ(3, 1.5))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.MultivariateNormal(jnp.zeros(3), covariance_matrix=C), obs=arr(d, "y"))


@model("wishart_mvn", {"y": MVN_Y})
def wishart_mvn(d):
    S = numpyro.sample("S", dist.Wishart(5.0, scale_tril=jnp.eye(3)))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.MultivariateNormal(jnp.zeros(3), covariance_matrix=S), obs=arr(d, "y"))


@model("wishart_cholesky_mvn", {"y": MVN_Y})
def wishart_cholesky_mvn(d):
    L = numpyro.sample("L", dist.WishartCholesky(5.0, scale_tril=jnp.eye(3)))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.MultivariateNormal(jnp.zeros(3), scale_tril=L), obs=arr(d, "y"))


@model("ordered_logistic", {"x": X6, "y": [0, 1, 1, 2, 3, 3]})
def ordered_logistic(d):
    c = numpyro.sample("cutpoints", dist.ImproperUniform(constraints.ordered_vector, (), (3,)))
    numpyro.factor("cutpoints_prior", dist.Normal(0.0, 3.0).log_prob(c).sum())
    beta = numpyro.sample("beta", dist.Normal(0.0, 2.0))
    with numpyro.plate("data", 6):
        numpyro.sample(
            "y", dist.OrderedLogistic(beta * arr(d, "x"), c), obs=jnp.asarray(d["y"], dtype=jnp.int32)
        )


@model("ordered_transformed", {"y": [-1.0, 0.2, 1.4]})
def ordered_transformed(d):
    base = dist.Normal(0.0, 1.0).expand([3]).to_event(1)
    mu = numpyro.sample("mu", dist.TransformedDistribution(base, OrderedTransform()))
    numpyro.sample("y", dist.Normal(mu, 1.0).to_event(1), obs=arr(d, "y"))


@model("positive_ordered", {"y": [0.5, 1.5, 4.0]})
def positive_ordered(d):
    a = numpyro.sample("a", dist.ImproperUniform(constraints.positive_ordered_vector, (), (3,)))
    numpyro.factor("a_prior", dist.Gamma(2.0, 1.0).log_prob(a).sum())
    numpyro.sample("y", dist.Exponential(1.0 / a).to_event(1), obs=arr(d, "y"))


BIN_Y = [0.0, 0.0, 1.0, 0.0, 1.0, 1.0]


@model("bernoulli_logit_glm", {"x": X6, "y": BIN_Y})
def bernoulli_logit_glm(d):
    a = numpyro.sample("a", dist.Normal(0.0, 2.0))
    b = numpyro.sample("b", dist.Normal(0.0, 2.0))
    with numpyro.plate("data", 6):
        numpyro.sample("y", dist.Bernoulli(logits=a + b * arr(d, "x")), obs=arr(d, "y"))


@model("bernoulli_probs_glm", {"x": X6, "y": BIN_Y})
def bernoulli_probs_glm(d):
    a = numpyro.sample("a", dist.Normal(0.0, 2.0))
    b = numpyro.sample("b", dist.Normal(0.0, 2.0))
    with numpyro.plate("data", 6):
        numpyro.sample("y", dist.Bernoulli(probs=jax.nn.sigmoid(a + b * arr(d, "x"))), obs=arr(d, "y"))


@model("binomial_logit_glm", {"x": X6, "n": [5.0, 8.0, 10.0, 3.0, 7.0, 12.0], "y": [0.0, 2.0, 5.0, 2.0, 6.0, 12.0]})
def binomial_logit_glm(d):
    a = numpyro.sample("a", dist.Normal(0.0, 2.0))
    b = numpyro.sample("b", dist.Normal(0.0, 2.0))
    with numpyro.plate("data", 6):
        numpyro.sample("y", dist.Binomial(arr(d, "n"), logits=a + b * arr(d, "x")), obs=arr(d, "y"))


@model("poisson_exp_glm", {"x": X6, "y": [0.0, 1.0, 1.0, 3.0, 4.0, 9.0]})
def poisson_exp_glm(d):
    a = numpyro.sample("a", dist.Normal(0.0, 2.0))
    b = numpyro.sample("b", dist.Normal(0.0, 2.0))
    with numpyro.plate("data", 6):
        numpyro.sample("y", dist.Poisson(jnp.exp(a + b * arr(d, "x"))), obs=arr(d, "y"))


@model("student_t_df", {"y": [0.3, -1.2, 2.5, 0.8, 9.0]})
def student_t_df(d):
    nu = numpyro.sample("nu", dist.Gamma(2.0, 0.1))
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(5.0))
    with numpyro.plate("data", 5):
        numpyro.sample("y", dist.StudentT(nu, mu, sigma), obs=arr(d, "y"))


@model("truncated_normal", {"y": [0.4, 1.7]})
def truncated_normal(d):
    x = numpyro.sample("x", dist.TruncatedNormal(1.0, 2.0, low=0.0))
    w = numpyro.sample("w", dist.TruncatedNormal(-3.0, 1.0, low=0.0))
    v = numpyro.sample("v", dist.TruncatedNormal(0.0, 1.0, low=-1.0, high=2.0))
    numpyro.sample("y", dist.Normal(x + w + v, 1.0).expand([2]).to_event(1), obs=arr(d, "y"))


@model("von_mises", {"y": [0.3, -0.5, 2.9, -3.0]})
def von_mises(d):
    mu = numpyro.sample("mu", dist.VonMises(0.0, 2.0))
    kappa = numpyro.sample("kappa", dist.HalfNormal(5.0))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.VonMises(mu, kappa), obs=arr(d, "y"))


@model("weibull", {"y": [0.5, 1.3, 2.2, 0.9]})
def weibull(d):
    k = numpyro.sample("k", dist.Exponential(1.0))
    lam = numpyro.sample("lam", dist.HalfNormal(5.0))
    with numpyro.plate("data", 4):
        numpyro.sample("y", dist.Weibull(lam, k), obs=arr(d, "y"))


# packages/infer's own reparameterisers (handlers.reparam) on models above
MODELS["eight_schools_locscale"] = (
    handlers.reparam(eight_schools_centered, config={"theta": LocScaleReparam(0)}),
    MODELS["eight_schools_centered"][1],
)
MODELS["eight_schools_partial"] = (
    handlers.reparam(eight_schools_centered, config={"theta": LocScaleReparam(0.3)}),
    MODELS["eight_schools_centered"][1],
)
MODELS["ordered_transform_reparam"] = (
    handlers.reparam(ordered_transformed, config={"mu": TransformReparam()}),
    MODELS["ordered_transformed"][1],
)
MODELS["von_mises_circular"] = (handlers.reparam(von_mises, config={"mu": CircularReparam()}), MODELS["von_mises"][1])


def enc(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def same(a, b):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def components(sizes):
    """(site, index) pairs to set to extreme values: all of a small site, first/middle/last of a larger one."""
    out = []
    for name, size in sizes.items():
        idx = range(size) if size <= 3 else sorted({0, size // 2, size - 1})
        out += [(name, i) for i in idx]
    return out


# ---- high-precision truths (decimal, 400 digits, from z exactly: no float64 rounding of the transform) ----

D = decimal.Decimal
HP = decimal.Context(prec=400, Emax=10**9, Emin=-(10**9))
# π to 84 digits: it enters U only through the constant log 2π, far below float64 rounding
PI = D("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899863")


def _log1pexp(x):
    """log(1 + e^x) in decimal; e^(-|x|) is dropped beyond |x| = 1e4 (below 1e-4000)."""
    t = abs(x)
    small = HP.exp(-t) if t < 10**4 else D(0)
    return (x if x > 0 else D(0)) + HP.ln(1 + small)


def _log_expm1(g):
    """log(e^g - 1) for g > 0 in decimal."""
    if g < D("1e-30"):
        return HP.ln(g) + g / 2 + g * g / 24
    if g > 10**4:
        return g
    return HP.ln(HP.exp(g) - 1)


def ordered_logistic_u(z, d):
    """U of `ordered_logistic` in 400-digit decimal. P(y = k) = σ(b) − σ(a) with a = d_{k-1}, b = d_k
    (d_k = c_k − η) is written as e^a·(e^(c_k − c_{k−1}) − 1)/((1 + e^a)(1 + e^b)), with the gap
    c_k − c_{k−1} = e^z_k taken from z (no cancellation at any precision)."""
    with decimal.localcontext(HP):
        beta = D(z["beta"][0])
        zc = [D(v) for v in z["cutpoints"]]
        gaps = [HP.exp(zc[1]), HP.exp(zc[2])]
        c = [zc[0], zc[0] + gaps[0], zc[0] + gaps[0] + gaps[1]]
        half_log_2pi = (HP.ln(2 * PI)) / 2
        lp = sum(-((ck / 3) ** 2) / 2 - HP.ln(D(3)) - half_log_2pi for ck in c)
        lp += -((beta / 2) ** 2) / 2 - HP.ln(D(2)) - half_log_2pi
        lp += zc[1] + zc[2]
        for xi, yi in zip(d["x"], d["y"]):
            eta = beta * D(xi)
            dk = [ck - eta for ck in c]
            if yi == 0:
                lp -= _log1pexp(-dk[0])
            elif yi == 3:
                lp -= _log1pexp(dk[2])
            else:
                a, b = dk[yi - 1], dk[yi]
                lp += a + _log_expm1(gaps[yi - 1]) - _log1pexp(a) - _log1pexp(b)
        return -lp


def truth_of(u_fn, z, data):
    """The value and central-difference gradient of a decimal U: h = 1e-30·max(1, |z_i|) at 400 digits resolves
    the difference of two U up to 1e308 (the largest finite float64) to more than 30 digits."""
    with decimal.localcontext(HP):
        return _truth_of(u_fn, z, data)


def _truth_of(u_fn, z, data):
    u = u_fn(z, data)
    grad = {}
    for k, vs in z.items():
        g = []
        for i, v in enumerate(vs):
            h = D("1e-30") * max(D(1), abs(D(v)))
            zp = {kk: [D(x) for x in vv] for kk, vv in z.items()}
            zm = {kk: [D(x) for x in vv] for kk, vv in z.items()}
            zp[k][i] = D(v) + h
            zm[k][i] = D(v) - h
            g.append(HP.divide(u_fn(zp, data) - u_fn(zm, data), 2 * h))
        grad[k] = g
    return u, grad


# models with a high-precision U, stored per point under "truth" (value, and gradient where U is finite)
TRUTH = {"ordered_logistic": ordered_logistic_u}


def run_model(name, fn, data, rng):
    info = initialize_model(jax.random.PRNGKey(0), fn, model_args=(data,))
    z0 = info.param_info.z
    names = sorted(z0)
    shapes = {k: list(np.shape(z0[k])) for k in names}
    sizes = {k: int(np.prod(shapes[k], dtype=int)) for k in names}
    eager = jax.value_and_grad(info.potential_fn)
    vg = jax.jit(eager)

    points = [("origin", {k: np.zeros(sizes[k]) for k in names})]
    for site, i in components(sizes):
        for v in EXTREMES:
            p = {k: np.zeros(sizes[k]) for k in names}
            p[site][i] = v
            points.append((f"{site}[{i}]={v:g}", p))
    for r in range(N_RANDOM):
        p = {}
        for k in names:
            kind = rng.integers(0, 3, size=sizes[k])
            ext = rng.choice(EXTREMES, size=sizes[k])
            p[k] = np.where(kind == 0, 0.0, np.where(kind == 1, rng.standard_normal(sizes[k]), ext))
        points.append((f"random{r}", p))

    rows = []
    for label, p in points:
        params = {k: jnp.asarray(p[k].reshape(shapes[k])) for k in names}
        val, g = vg(params)
        row = {
            "label": label,
            "z": {k: [float(x) for x in p[k]] for k in names},
            "value": enc(val),
            "grad": {k: [enc(x) for x in np.ravel(g[k])] for k in names},
        }
        if name in TRUTH:
            tu, tg = truth_of(TRUTH[name], row["z"], data)
            row["truth"] = {"value": enc(tu)}
            if math.isfinite(float(tu)):
                row["truth"]["grad"] = {k: [enc(x) for x in tg[k]] for k in names}
        ev, eg = eager(params)
        if not (same(ev, val) and all(same(a, b) for k in names for a, b in zip(np.ravel(eg[k]), np.ravel(g[k])))):
            row["eager"] = {"value": enc(ev), "grad": {k: [enc(x) for x in np.ravel(eg[k])] for k in names}}
        rows.append(row)
    return {"name": name, "data": data, "sites": [{"name": k, "shape": shapes[k]} for k in names], "points": rows}


def main():
    rng = np.random.default_rng(20260)
    out = {"numpyro": numpyro.__version__, "extremes": EXTREMES, "models": []}
    for name, (fn, data) in MODELS.items():
        out["models"].append(run_model(name, fn, data, rng))
    path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "potential-edge.json"
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    n = sum(len(m["points"]) for m in out["models"])
    print(f"wrote {path.name}: {len(out['models'])} models, {n} points")


if __name__ == "__main__":
    main()
