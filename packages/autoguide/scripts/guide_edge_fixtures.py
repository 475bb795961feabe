"""NumPyro 0.21 reference numbers for the autoguides' deterministic quantities at fixed parameters.

Everything here is a function of the guide parameters (set explicitly, from a seeded generator or by hand),
so Phlox must reproduce it to float64 round-off; no PRNG draw of either library enters.

Model ("mixed"): one latent site per constraint Phlox's autoguides must map — mu (real), sigma (positive,
LogNormal), p (unit interval, Beta), u (interval(-1, 3)), w (simplex, Dirichlet), L (corr_cholesky,
LKJCholesky(3, 2)), c (ordered_vector, ImproperUniform with a Normal(0, 2) factor), tau (positive, in a
plate of 2), a deterministic site s2 = sigma², and five Normal(mu, sigma) observations. Flat latent dim 14.

Cases written to fixtures/guide-edge.json:
- `cases`: AutoNormal, AutoDiagonalNormal, AutoMultivariateNormal, AutoLowRankMultivariateNormal, AutoDelta,
  AutoLaplaceApproximation at "moderate" and "extreme" parameters (tiny 1e-8 and huge scales, large locs, a
  nearly singular scale_tril): `median(params)`, `quantiles(params, [0.05, 0.5, 0.95])`, the affine
  `get_transform` (loc and scale_tril) and `get_posterior` covariance where NumPyro has them, and at given
  unconstrained latent points z: the guide's latent log density log q(z) and the one-particle negative ELBO
  −(log p(x, T(z)) − log q_θ(T(z))) (NumPyro's `log_density` of model and guide with the latent substituted;
  `negElboFromZ` is the same sum formed from z directly, without AutoNormal's θ → z round trip).
- `laplace`: AutoLaplaceApproximation at the MAP (found by scipy BFGS on NumPyro's potential) and at a point
  where the Hessian of the potential is indefinite (NumPyro: NaN scale_tril replaced by 0, with a warning).
- `init`: the initial parameters each guide creates under init_to_value / init_to_feasible / init_to_mean
  (deterministic strategies) and a chosen init_scale.
- `flows`: AutoIAFNormal / AutoBNAFNormal on a 4-dimensional model at fixed network weights: the flow
  z = T(eps), log|det dT/deps|, and the negative ELBO at eps.

Run from the repository root: `<oracle python> packages/autoguide/scripts/guide_edge_fixtures.py`, where the
oracle python has jax (x64), numpyro 0.21 and scipy.
"""

import json
import pathlib
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import scipy.optimize
from numpyro import handlers
from numpyro.distributions import biject_to, constraints
from numpyro.infer.autoguide import (
    AutoBNAFNormal,
    AutoDelta,
    AutoDiagonalNormal,
    AutoIAFNormal,
    AutoLaplaceApproximation,
    AutoLowRankMultivariateNormal,
    AutoMultivariateNormal,
    AutoNormal,
)
from numpyro.infer.initialization import init_to_feasible, init_to_mean, init_to_value
from numpyro.infer.util import log_density, potential_energy

jax.config.update("jax_enable_x64", True)

Y = jnp.asarray([0.3, -1.2, 2.2, 0.9, 1.4])
LEVELS = [0.05, 0.5, 0.95]


def mixed(y):
    mu = numpyro.sample("mu", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.LogNormal(0.0, 1.0))
    numpyro.sample("p", dist.Beta(2.0, 3.0))
    numpyro.sample("u", dist.Uniform(-1.0, 3.0))
    numpyro.sample("w", dist.Dirichlet(jnp.asarray([1.0, 2.0, 3.0])))
    numpyro.sample("L", dist.LKJCholesky(3, 2.0))
    c = numpyro.sample("c", dist.ImproperUniform(constraints.ordered_vector, (), (3,)))
    numpyro.factor("c_prior", dist.Normal(0.0, 2.0).log_prob(c).sum())
    with numpyro.plate("J", 2):
        numpyro.sample("tau", dist.HalfCauchy(1.0))
    numpyro.deterministic("s2", sigma * sigma)
    with numpyro.plate("N", 5):
        numpyro.sample("y", dist.Normal(mu, sigma), obs=y)


def mean_model():
    """Every site has a finite prior mean (for init_to_mean)."""
    numpyro.sample("a", dist.Normal(1.5, 2.0))
    numpyro.sample("b", dist.LogNormal(0.3, 0.5))
    numpyro.sample("p", dist.Beta(2.0, 3.0))
    numpyro.sample("u", dist.Uniform(-1.0, 3.0))
    numpyro.sample("w", dist.Dirichlet(jnp.asarray([1.0, 2.0, 3.0])))
    with numpyro.plate("J", 2):
        numpyro.sample("g", dist.Gamma(jnp.asarray([2.0, 5.0]), 3.0))


def flow_model():
    """Four latent dimensions (mu real, sigma positive, w a 3-simplex) for the flow guides."""
    mu = numpyro.sample("mu", dist.Normal(0.0, 2.0))
    sigma = numpyro.sample("sigma", dist.LogNormal(0.0, 1.0))
    numpyro.sample("w", dist.Dirichlet(jnp.asarray([1.0, 2.0, 3.0])))
    with numpyro.plate("N", 5):
        numpyro.sample("y", dist.Normal(mu, sigma), obs=Y)


SITES = [  # name, unconstrained shape, support (in the model's order)
    ("mu", (), constraints.real),
    ("sigma", (), constraints.positive),
    ("p", (), constraints.unit_interval),
    ("u", (), constraints.interval(-1.0, 3.0)),
    ("w", (2,), constraints.simplex),
    ("L", (3,), constraints.corr_cholesky),
    ("c", (3,), constraints.ordered_vector),
    ("tau", (2,), constraints.positive),
]
D = 14
LATENT_SITES = {"mu", "sigma", "p", "u", "w", "L", "c", "tau"}

rng = np.random.default_rng(20260421)


def arr(x):
    return np.asarray(x, dtype=np.float64)


def enc(v):
    a = arr(v)
    return {"data": a.ravel().tolist(), "shape": list(a.shape)}


def unpack(z):
    out, off = {}, 0
    for name, shape, _ in SITES:
        n = int(np.prod(shape))
        out[name] = jnp.asarray(z[off : off + n]).reshape(shape)
        off += n
    return out


def constrain(z):
    return {name: biject_to(s)(v) for (name, _, s), v in zip(SITES, unpack(z).values())}


def model_log_density(theta):
    ld, _ = log_density(mixed, (Y,), {}, theta)
    return float(ld)


def neg_elbo_from_z(z, log_q):
    """−(log p(x, T(z)) − log q(z) + log|det J_T(z)|) from z itself (no constrained → unconstrained round trip)."""
    theta, ldj = {}, 0.0
    for (name, _, s), v in zip(SITES, unpack(z).values()):
        t = biject_to(s)
        theta[name] = t(v)
        ldj += float(jnp.sum(t.log_abs_det_jacobian(v, theta[name])))
    return -(model_log_density(theta) - (log_q - ldj))


def site_dict(d):
    return {k: arr(v).ravel().tolist() for k, v in d.items()}


def setup(guide, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        handlers.seed(guide, 0)(*args)
    return guide


def continuous_points(guide, params, zs):
    """log q(z) of the latent and the one-particle negative ELBO at each unconstrained z."""
    rows = []
    for z in zs:
        zj = jnp.asarray(z)
        with handlers.block():
            g_ld, g_tr = log_density(
                handlers.substitute(guide, data={"_auto_latent": zj}), (Y,), {}, params
            )
        theta = {k: g_tr[k]["value"] for k in LATENT_SITES}
        log_q = float(jnp.sum(g_tr["_auto_latent"]["fn"].log_prob(zj)))
        rows.append({
            "z": list(map(float, z)),
            "logQ": log_q,
            "negElbo": -(model_log_density(theta) - float(g_ld)),
            "negElboFromZ": neg_elbo_from_z(z, log_q),
        })
    return rows


def autonormal_points(guide, params, zs):
    rows = []
    for z in zs:
        theta = constrain(z)
        with handlers.block():
            g_ld, _ = log_density(handlers.substitute(guide, data=theta), (Y,), {}, params)
        log_q = 0.0
        for name, v in unpack(z).items():
            log_q += float(
                dist.Normal(params[f"{name}_auto_loc"], params[f"{name}_auto_scale"]).log_prob(v).sum()
            )
        rows.append({
            "z": list(map(float, z)),
            "logQ": log_q,
            # NumPyro's guide log density: TransformedDistribution.log_prob(θ), which inverts θ = T(z) first
            "negElbo": -(model_log_density(theta) - float(g_ld)),
            "negElboFromZ": neg_elbo_from_z(z, log_q),
        })
    return rows


def draw_points(loc, L, n=2):
    """Latent points z = loc + L eps for standard-normal eps (so z lies where q puts its mass)."""
    return [arr(loc) + arr(L) @ rng.normal(size=D) for _ in range(n)]


def jparams(p):
    return {k: jnp.asarray(v) for k, v in p.items()}


cases = {}

# ---------------------------------------------------------------- parameter sets
moderate_loc = rng.normal(size=D) * 0.6
moderate_scale = rng.uniform(0.2, 0.9, size=D)
# mu 1e6; sigma e^25; p = sigmoid(−30); u near 3; w far from the centre; c with a 1e4 offset; tau e^±40
extreme_loc = arr([1e6, 25.0, -30.0, 20.0, 15.0, -15.0, 0.3, -0.2, 0.1, -1e4, -20.0, 3.0, -40.0, 40.0])
extreme_scale = arr([1e-8, 1e-8, 30.0, 1e-8, 1e-8, 5.0, 1e-8, 1e-8, 1e-8, 1e-8, 3.0, 0.5, 1e-8, 10.0])


def site_params(loc, scale):
    p, off = {}, 0
    for name, shape, _ in SITES:
        n = int(np.prod(shape))
        p[f"{name}_auto_loc"] = arr(loc[off : off + n]).reshape(shape)
        p[f"{name}_auto_scale"] = arr(scale[off : off + n]).reshape(shape)
        off += n
    return p


def record(key, cls_name, guide, params, points, options=None, transform=True, posterior=False):
    jp = jparams(params)
    c = {
        "guide": cls_name,
        "options": options or {},
        "params": {k: enc(v) for k, v in params.items()},
        "median": site_dict(guide.median(jp)),
        "quantiles": site_dict(guide.quantiles(jp, LEVELS)),
        "points": points,
    }
    if transform:
        t = guide.get_transform(jp)
        if hasattr(t, "base_transform"):  # AutoDiagonalNormal: IndependentTransform(AffineTransform)
            c["transform"] = {"loc": arr(t.base_transform.loc).tolist(), "scaleTril": np.diag(arr(t.base_transform.scale)).ravel().tolist()}
        else:
            c["transform"] = {"loc": arr(t.loc).tolist(), "scaleTril": arr(t.scale_tril).ravel().tolist()}
    if posterior:
        post = guide.get_posterior(jp)
        c["covariance"] = arr(post.covariance_matrix).ravel().tolist()
    cases[key] = c


# AutoNormal
for pname, loc, scale in [("moderate", moderate_loc, moderate_scale), ("extreme", extreme_loc, extreme_scale)]:
    g = setup(AutoNormal(mixed), Y)
    params = site_params(loc, scale)
    zs = draw_points(loc, np.diag(scale))
    record(f"AutoNormal/{pname}", "AutoNormal", g, params, autonormal_points(g, jparams(params), zs), transform=False)

# AutoDiagonalNormal
for pname, loc, scale in [("moderate", moderate_loc, moderate_scale), ("extreme", extreme_loc, extreme_scale)]:
    g = setup(AutoDiagonalNormal(mixed), Y)
    params = {"auto_loc": loc, "auto_scale": scale}
    zs = draw_points(loc, np.diag(scale))
    record(f"AutoDiagonalNormal/{pname}", "AutoDiagonalNormal", g, params, continuous_points(g, jparams(params), zs))

# AutoMultivariateNormal: moderate; nearly singular (diagonal 1e-8 on odd rows, unit sub-diagonal); large loc
mvn_moderate = np.tril(rng.normal(size=(D, D)) * 0.3, -1) + np.diag(rng.uniform(0.3, 1.0, size=D))
mvn_singular = np.eye(D)
for i in range(1, D, 2):
    mvn_singular[i, i] = 1e-8
    mvn_singular[i, i - 1] = 1.0
mvn_singular = mvn_singular * 0.5
for pname, loc, L in [
    ("moderate", moderate_loc, mvn_moderate),
    ("nearlySingular", moderate_loc, mvn_singular),
    ("largeLoc", moderate_loc + arr([1e6] + [0.0] * (D - 1)), mvn_moderate * 1e-4),
]:
    g = setup(AutoMultivariateNormal(mixed), Y)
    params = {"auto_loc": loc, "auto_scale_tril": L}
    zs = draw_points(loc, L)
    record(f"AutoMultivariateNormal/{pname}", "AutoMultivariateNormal", g, params, continuous_points(g, jparams(params), zs), posterior=True)

# AutoLowRankMultivariateNormal (default rank round(sqrt(14)) = 4)
R = int(round(D**0.5))
lr_moderate = (rng.normal(size=(D, R)) * 0.5, rng.uniform(0.3, 1.0, size=D))
lr_extreme_scale = arr([1e2, 1.0, 1e3, 1e-8, 1.0, 1e-4, 1.0, 1e-8, 2.0, 1.0, 0.5, 1e-8, 1.0, 1e-8])
lr_extreme = (rng.normal(size=(D, R)) * 30.0, lr_extreme_scale)
for pname, (V, s) in [("moderate", lr_moderate), ("extreme", lr_extreme)]:
    g = setup(AutoLowRankMultivariateNormal(mixed), Y)
    params = {"auto_loc": moderate_loc, "auto_cov_factor": V, "auto_scale": s}
    cov = np.diag(s) @ (V @ V.T + np.eye(D)) @ np.diag(s)
    zs = [moderate_loc + np.diag(s) @ (V @ rng.normal(size=R) + rng.normal(size=D)) for _ in range(2)]
    record(f"AutoLowRankMultivariateNormal/{pname}", "AutoLowRankMultivariateNormal", g, params, continuous_points(g, jparams(params), zs), posterior=True)

# AutoDelta: params are constrained values; extreme ones near the edges of each support
delta_sets = {
    "moderate": {k: v for k, v in constrain(moderate_loc).items()},
    "extreme": {
        "mu": arr(-3e5),
        "sigma": arr(1e-100),
        "p": arr(1e-300),
        "u": arr(3.0 - 1e-9),
        "w": arr([1e-12, 0.3, 0.7 - 1e-12]),
        "L": arr([[1.0, 0.0, 0.0], [0.999999, np.sqrt(1 - 0.999999**2), 0.0], [0.6, 0.0, 0.8]]),
        "c": arr([-1e6, -1e6 + 1e-3, 5.0]),
        "tau": arr([1e-8, 1e12]),
    },
}
for pname, theta in delta_sets.items():
    g = setup(AutoDelta(mixed), Y)
    params = {f"{k}_auto_loc": arr(v) for k, v in theta.items()}
    jp = jparams(params)
    neg = -model_log_density({k: jnp.asarray(v) for k, v in theta.items()})
    cases[f"AutoDelta/{pname}"] = {
        "guide": "AutoDelta",
        "options": {},
        "params": {k: enc(v) for k, v in params.items()},
        "median": site_dict(g.median(jp)),
        "negElbo": neg,
    }

# ---------------------------------------------------------------- AutoLaplaceApproximation
lap = setup(AutoLaplaceApproximation(mixed), Y)


def U(z):
    return potential_energy(mixed, (Y,), {}, unpack(z))


U_jit = jax.jit(U)
gU = jax.jit(jax.grad(U))
HU = jax.jit(jax.hessian(U))
res = scipy.optimize.minimize(
    lambda z: float(U_jit(jnp.asarray(z))), np.zeros(D), jac=lambda z: np.asarray(gU(jnp.asarray(z))), method="BFGS", options={"gtol": 1e-12, "maxiter": 10000}
)
z_map = res.x
# polish with Newton steps on the exact Hessian
for _ in range(5):
    z_map = z_map - np.linalg.solve(np.asarray(HU(jnp.asarray(z_map))), np.asarray(gU(jnp.asarray(z_map))))
assert np.max(np.abs(np.asarray(gU(jnp.asarray(z_map))))) < 1e-10
indefinite = np.array(z_map)
indefinite[0] = 50.0  # mu far from every observation: the (mu, log sigma) block is indefinite
laplace = {}
for pname, loc in [("map", z_map), ("offMode", z_map + rng.normal(size=D) * 0.05), ("indefinite", indefinite)]:
    jp = {"auto_loc": jnp.asarray(loc)}
    H = np.asarray(HU(jnp.asarray(loc)))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = lap.get_transform(jp)
        post = lap.get_posterior(jp)
        qs = lap.quantiles(jp, LEVELS)
        warned = any("singular" in str(x.message) for x in w)
    laplace[pname] = {
        "params": {"auto_loc": enc(loc)},
        "hessian": H.ravel().tolist(),
        "minEigenvalue": float(np.linalg.eigvalsh(H).min()),
        "numpyroWarned": warned,
        "scaleTril": arr(t.scale_tril).ravel().tolist(),
        "covariance": arr(post.covariance_matrix).ravel().tolist(),
        "median": site_dict(lap.median(jp)),
        "quantiles": site_dict(qs),
        "negElbo": float(U(jnp.asarray(loc))),
    }

# ---------------------------------------------------------------- init_loc_fn / init_scale
init_values = {
    "mu": 0.7,
    "sigma": 1.3,
    "p": 0.25,
    "u": 2.5,
    "w": [0.2, 0.3, 0.5],
    "L": [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 0.6, 0.8]],
    "c": [-1.0, 0.5, 2.0],
    "tau": [0.5, 3.0],
}
init = {}
for sname, model, strategy, init_scale in [
    ("value", mixed, init_to_value(values={k: jnp.asarray(v) for k, v in init_values.items()}), 0.37),
    ("valueTinyScale", mixed, init_to_value(values={k: jnp.asarray(v) for k, v in init_values.items()}), 1e-8),
    ("feasible", mixed, init_to_feasible, 0.1),
    ("mean", mean_model, init_to_mean, 2.5),
]:
    args = (Y,) if model is mixed else ()
    for cls in [AutoNormal, AutoDiagonalNormal, AutoMultivariateNormal, AutoLowRankMultivariateNormal, AutoLaplaceApproximation, AutoDelta]:
        kw = {"init_loc_fn": strategy}
        if cls not in (AutoLaplaceApproximation, AutoDelta):
            kw["init_scale"] = init_scale
        g = cls(model, **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tr = handlers.trace(handlers.seed(g, 0)).get_trace(*args)
        params = {k: enc(v["value"]) for k, v in tr.items() if v["type"] == "param"}
        init[f"{cls.__name__}/{sname}"] = {
            "model": "mixed" if model is mixed else "mean",
            "initScale": init_scale if "init_scale" in kw else None,
            "params": params,
        }

# ---------------------------------------------------------------- flows
FD = 4


def flow_points(guide, params, epss):
    """z = T(eps), log|det J| and the negative ELBO at eps (the latent pushed through the model's transforms)."""
    jp = params
    t = guide.get_transform(jp)
    base = guide.get_base_dist()
    rows = []
    for eps in epss:
        e = jnp.asarray(eps)
        z = t(e)
        ld = float(t.log_abs_det_jacobian(e, z))
        log_q = float(base.log_prob(e)) - ld
        with handlers.block():
            g_tr = handlers.trace(
                handlers.substitute(handlers.substitute(guide, data=jp), data={"_auto_latent": z})
            ).get_trace()
        # log q(z) from eps (the guide's own latent density would invert the flow); the Delta sites carry
        # −log|det J| of the model's transforms
        theta = {k: g_tr[k]["value"] for k in ("mu", "sigma", "w")}
        sum_neg_logdet = 0.0
        for name in ("mu", "sigma", "w"):
            site = g_tr[name]
            sum_neg_logdet += float(site["fn"].log_prob(site["value"]))
        m_ld, _ = log_density(flow_model, (), {}, theta)
        rows.append({"eps": list(map(float, eps)), "z": arr(z).tolist(), "logDet": ld, "logQ": log_q, "negElbo": -(float(m_ld) - (log_q + sum_neg_logdet))})
    return rows


def iaf_case(num_flows, hidden):
    g = setup(AutoIAFNormal(flow_model, num_flows=num_flows, hidden_dims=hidden))
    tr = handlers.trace(handlers.seed(g, 0)).get_trace()
    params, phlox = {}, {}
    for f in range(num_flows):
        name = f"auto_arn__{f}$params"
        layers = tr[name]["value"]
        new = []
        nlin = [i for i, p in enumerate(layers) if p != ()]
        for j, i in enumerate(nlin):
            W, b = layers[i]
            Wn = rng.normal(size=W.shape) * (0.6 if j + 1 < len(nlin) else 0.3)
            bn = rng.normal(size=b.shape) * 0.2
            if j + 1 == len(nlin) and f == 0:
                bn[FD] = 4.0  # the first log-scale output above the clip at 3
                bn[FD + 1] = -6.0  # the second below the clip at −5
            new.append((jnp.asarray(Wn), jnp.asarray(bn)))
            # Phlox keeps W as [out, in]; NumPyro as [in, out] (masked entries are ignored by both)
            phlox[f"auto_arn__{f}_W{j}"] = {"data": Wn.T.ravel().tolist(), "shape": [W.shape[1], W.shape[0]]}
            phlox[f"auto_arn__{f}_b{j}"] = enc(bn)
        it = iter(new)
        params[name] = [next(it) if p != () else () for p in layers]
    epss = [rng.normal(size=FD) for _ in range(3)] + [np.zeros(FD)]
    return {"numFlows": num_flows, "hiddenDims": hidden, "params": phlox, "points": flow_points(g, params, epss)}


def bnaf_case(num_flows, hidden_factors):
    g = setup(AutoBNAFNormal(flow_model, num_flows=num_flows, hidden_factors=hidden_factors))
    tr = handlers.trace(handlers.seed(g, 0)).get_trace()
    params, phlox = {}, {}
    for f in range(num_flows):
        name = f"auto_arn__{f}$params"
        value = tr[name]["value"]
        gated = f < num_flows - 1
        layers = value[1][0] if gated else value
        new = []
        nlin = [i for i, p in enumerate(layers) if p != ()]
        for j, i in enumerate(nlin):
            W, ws, b = layers[i]
            Wn = rng.normal(size=W.shape) * 0.5
            wsn = rng.normal(size=ws.shape) * 0.3
            bn = rng.normal(size=b.shape) * 0.3
            new.append((jnp.asarray(Wn), jnp.asarray(wsn), jnp.asarray(bn)))
            phlox[f"auto_arn__{f}_W{j}"] = enc(Wn)
            phlox[f"auto_arn__{f}_ws{j}"] = enc(wsn)
            phlox[f"auto_arn__{f}_b{j}"] = enc(bn)
        it = iter(new)
        arn = [next(it) if p != () else () for p in layers]
        if gated:
            gate = float(rng.normal())
            params[name] = ((), (arn, ()), jnp.asarray(gate))
            phlox[f"auto_arn__{f}_gate"] = {"data": [gate], "shape": []}
        else:
            params[name] = arn
    # one input large enough that the hidden units saturate (LeakyTanh keeps the map onto the reals)
    epss = [rng.normal(size=FD) for _ in range(2)] + [np.zeros(FD), arr([30.0, -25.0, 40.0, -35.0])]
    return {"numFlows": num_flows, "hiddenFactors": hidden_factors, "params": phlox, "points": flow_points(g, params, epss)}


flows = {
    "iaf/1flow": iaf_case(1, [6, 5]),
    "iaf/2flows": iaf_case(2, [4, 7]),
    "bnaf/1flow": bnaf_case(1, [2, 3]),
    "bnaf/2flows": bnaf_case(2, [2]),
}

out = {
    "y": arr(Y).tolist(),
    "levels": LEVELS,
    "latentSites": [{"name": n, "shape": list(s)} for n, s, _ in SITES],
    "cases": cases,
    "laplace": laplace,
    "initValues": init_values,
    "init": init,
    "flows": flows,
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "guide-edge.json"
text = json.dumps(out, indent=1, allow_nan=False)
path.write_text(text + "\n")
print("wrote", path)
