"""NumPyro 0.21 reference numbers for AutoSemiDAIS on a shrunk version of NumPyro's test_autosemidais model.

Model: theta ~ Normal(0, 1) (P = 2, event); plate "N" of size 6 with subsample_size 3; in it
tau ~ Gamma(5, 5) (the local latent) and obs ~ Normal(X_batch @ theta, 0.1 / sqrt(tau)).
Global guide: AutoNormal(global_model). K = 2, eta_max = 0.25, eta_init = 0.005 (as NumPyro's test).
At fixed constrained parameters (per-row DAIS parameters, as with use_global_dais_params=False), fixed
minibatch indices and fixed standard-normal noise (theta = loc + scale·xi_g, z_0 = loc + scale·xi_0,
momenta = mass·xi_k, substituted onto the guide's sites as functions of their distributions, so gradients
flow as in a reparameterised draw):
- the particle loss log q − log p of NumPyro's guide and model traces, and its jax.grad in NumPyro's
  unconstrained parameters (exp for positive, a·sigmoid for interval(0, a), softplus for AutoNormal's scale);
- the same with use_global_dais_params=True;
- the same with a local_guide (tau ~ LogNormal(tau_loc[i] + 0.1·sum(theta), tau_scale[i]) under the
  subsampled plate, params outside it): its draw is fixed inside the guide (tau = exp(loc + scale·xi_lg),
  a substitute the guide applies itself, since AutoSemiDAIS runs the local guide under block), its params
  join NumPyro's parameters and it replaces auto_z_0_loc / auto_z_0_scale.
And NumPyro's test_autosemidais fitted, shortened: N = 18, P = 3, subsample_size 16, K = 4, eta_max = 0.25,
eta_init = 0.005, AutoNormal global guide, Adam(0.01) for 2000 steps (NumPyro's test runs 45000 at lr 1e-3):
the fitted theta_auto_loc / theta_auto_scale, the mean of auto_eta_coeff, and the ELBO by 4000 particles.
Run with the oracle Python (NumPyro 0.21, JAX): python packages/autoguide/scripts/semidais_reference.py
"""
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.distributions import biject_to
from numpyro.infer.autoguide import AutoNormal, AutoSemiDAIS
from numpyro.infer.util import log_density

jax.config.update("jax_enable_x64", True)

N, B, P, K = 6, 3, 2, 2
X = np.random.RandomState(0).randn(N, P)
Y = X[:, 0] - 0.5 * X[:, 1] + 0.1 * np.random.RandomState(1).randn(N)


def global_model():
    return numpyro.sample("theta", dist.Normal(jnp.zeros(P), 1).to_event(1))


def local_model(theta):
    with numpyro.plate("N", N, subsample_size=B):
        X_batch = numpyro.subsample(X, event_dim=1)
        Y_batch = numpyro.subsample(Y, event_dim=0)
        tau = numpyro.sample("tau", dist.Gamma(5.0, 5.0))
        numpyro.sample("obs", dist.Normal(X_batch @ theta, 0.1 / jnp.sqrt(tau)), obs=Y_batch)


def model():
    return local_model(global_model())


def base_normal(d):
    while not isinstance(d, dist.Normal):
        d = d.base_dist
    return d


rng = np.random.default_rng(7)
idx = np.array([4, 0, 3], dtype=np.int32)
D = 1
xi_g = rng.normal(size=P)
xi = rng.normal(size=(K + 1, B, D))  # xi[0] -> z_0, xi[k+1] -> momentum k
out = {"N": N, "B": B, "P": P, "K": K, "X": X.tolist(), "Y": Y.tolist(), "idx": idx.tolist(),
       "noise": np.concatenate([xi_g, xi.ravel()]).tolist()}

xi_lg = None


def local_guide_body(theta):
    loc = numpyro.param("tau_loc", jnp.zeros(N))
    scale = numpyro.param("tau_scale", 0.5 * jnp.ones(N), constraint=dist.constraints.positive)
    with numpyro.plate("N", N, subsample_size=B) as i:
        numpyro.sample("tau", dist.LogNormal(loc[i] + 0.1 * jnp.sum(theta), scale[i]))


def fixed_tau(site):
    if site["type"] == "sample" and site["name"] == "tau":
        d = base_normal(site["fn"])
        return jnp.exp(d.loc + d.scale * xi_lg)
    return None


def local_guide(theta):
    return handlers.substitute(local_guide_body, substitute_fn=fixed_tau)(theta)


for key, use_global, lg in [("localParams", False, None), ("globalParams", True, None),
                            ("localGuide", False, local_guide)]:
    if lg is not None:
        xi_lg = rng.normal(size=B)
        out["localGuideNoise"] = xi_lg.tolist()
    base_guide = AutoNormal(global_model)
    guide = AutoSemiDAIS(model, local_model, base_guide, lg, K=K, eta_max=0.25, eta_init=0.005,
                         use_global_dais_params=use_global)
    with handlers.seed(rng_seed=0):
        guide()  # prototype
    rows = () if use_global else (N,)
    params = {
        "theta_auto_loc": jnp.asarray([0.8, -0.4]),
        "theta_auto_scale": jnp.asarray([0.3, 0.2]),
        "auto_eta0": jnp.asarray(rng.uniform(0.05, 0.2, size=rows)),
        "auto_eta_coeff": jnp.asarray(rng.normal(scale=0.05, size=rows)),
        "auto_gamma": jnp.asarray(rng.uniform(0.6, 0.95, size=rows)),
        "auto_beta_increments": jnp.asarray(rng.uniform(0.5, 2.0, size=rows + (K,))),
        "auto_mass_matrix": jnp.asarray(rng.uniform(0.7, 1.5, size=rows + (D,))),
    }
    if lg is None:
        params["auto_z_0_loc"] = jnp.asarray(rng.normal(scale=0.3, size=(N, D)))
        params["auto_z_0_scale"] = jnp.asarray(rng.uniform(0.1, 0.5, size=(N, D)))
    else:
        params["tau_loc"] = jnp.asarray(rng.normal(scale=0.3, size=N))
        params["tau_scale"] = jnp.asarray(rng.uniform(0.2, 0.6, size=N))
    cons = {}
    with handlers.block(), handlers.trace() as tr:
        handlers.seed(guide, 1)()
    for name, site in tr.items():
        if site["type"] == "param":
            cons[name] = site["kwargs"].get("constraint", dist.constraints.real)
    # AutoNormal's scale is softplus_positive
    unc = {k: biject_to(cons[k]).inv(v) for k, v in params.items()}

    eps = jnp.moveaxis(jnp.asarray(xi[1:]), 0, -1)  # [B, D, K]

    def sub_fn(site):
        if site["type"] == "plate" and site["name"] == "N":
            return jnp.asarray(idx)
        if site["type"] != "sample":
            return None
        if site["name"] == "theta":
            d = base_normal(site["fn"])
            return d.loc + d.scale * xi_g
        if site["name"] == "auto_z_0":
            d = base_normal(site["fn"])
            return d.loc + d.scale * xi[0]
        if site["name"] == "auto_momentum":
            d = base_normal(site["fn"])
            return jnp.broadcast_to(d.loc + d.scale * eps, (B, D, K))
        return None

    def loss(u):
        p = {k: biject_to(cons[k])(v) for k, v in u.items()}
        g = handlers.substitute(handlers.seed(guide, 2), substitute_fn=sub_fn)
        lq, gtr = log_density(g, (), {}, p)
        m = handlers.replay(handlers.substitute(handlers.seed(model, 3), substitute_fn=sub_fn), gtr)
        lp, _ = log_density(m, (), {}, p)
        return lq - lp

    val, grads = jax.value_and_grad(loss)(unc)
    out[key] = {
        "params": {k: {"data": np.ravel(np.asarray(v)).tolist(), "shape": list(np.shape(v))}
                   for k, v in params.items()},
        "loss": float(val),
        "grad": {k: np.ravel(np.asarray(v)).tolist() for k, v in grads.items()},
    }
    print(key, float(val))

import numpyro.optim as optim  # noqa: E402
from numpyro.infer import SVI, Trace_ELBO  # noqa: E402

NF, PF, SF = 18, 3, 16
XF = np.random.RandomState(0).randn(NF, PF)
YF = XF[:, 0] - 0.5 * XF[:, 1] + 0.1 * np.random.RandomState(1).randn(NF)


def fit_global():
    return numpyro.sample("theta", dist.Normal(jnp.zeros(PF), 1).to_event(1))


def fit_local(theta):
    with numpyro.plate("N", NF, subsample_size=SF):
        X_batch = numpyro.subsample(XF, event_dim=1)
        Y_batch = numpyro.subsample(YF, event_dim=0)
        tau = numpyro.sample("tau", dist.Gamma(5.0, 5.0))
        numpyro.sample("obs", dist.Normal(X_batch @ theta, 0.1 / jnp.sqrt(tau)), obs=Y_batch)


def fit_model():
    return fit_local(fit_global())


fguide = AutoSemiDAIS(fit_model, fit_local, AutoNormal(fit_global), K=4, eta_max=0.25, eta_init=0.005)
res = SVI(fit_model, fguide, optim.Adam(0.01), Trace_ELBO()).run(jax.random.key(0), 2000, progress_bar=False)
elbo = -float(Trace_ELBO(num_particles=4000).loss(jax.random.key(1), res.params, fit_model, fguide))
out["fit"] = {
    "N": NF, "P": PF, "subsampleSize": SF, "K": 4, "steps": 2000, "lr": 0.01,
    "X": XF.tolist(), "Y": YF.tolist(),
    "theta_auto_loc": np.asarray(res.params["theta_auto_loc"]).tolist(),
    "theta_auto_scale": np.asarray(res.params["theta_auto_scale"]).tolist(),
    "eta_coeff_mean": float(np.mean(res.params["auto_eta_coeff"])),
    "elbo": elbo,
    "final_loss_mean_last200": float(np.mean(res.losses[-200:])),
}
print(out["fit"])

path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "semidais.json"
path.write_text(json.dumps(out, indent=1) + "\n")
