"""NumPyro 0.21 reference numbers for AutoSurrogateLikelihoodDAIS on test_autosldais's model, made small.

Model: theta ~ Normal(0, 1) (3-vector, event); 12 Bernoulli(logits = X theta) observations (full plate,
so the particle is deterministic given the noise). Surrogate: the same prior, the first 6 observations,
the log-likelihood scaled by positive learnable weights `omegas` (init 2). K = 3, eta_max 0.25,
eta_init 0.005, diagonal base. At fixed constrained parameters (omegas included) and fixed standard-normal
noise xi: the particle loss U(z_K) + log q_0(z_0) + factor, and its jax.grad in NumPyro's unconstrained
parameters. X, Y from numpy seed 0.
Run: /tmp/phlox-oracle/bin/python packages/autoguide/scripts/sldais_reference.py
"""
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.distributions import biject_to, constraints
from numpyro.infer.autoguide import AutoSurrogateLikelihoodDAIS
from numpyro.infer.util import potential_energy

jax.config.update("jax_enable_x64", True)
N, NS, D, K = 12, 6, 3, 3
rs = np.random.RandomState(0)
X = rs.randn(N, D)
Y = (rs.uniform(size=N) < 1 / (1 + np.exp(-(X[:, 0] - 0.5 * X[:, 1])))).astype(float)


def model():
    theta = numpyro.sample("theta", dist.Normal(jnp.zeros(D), jnp.ones(D)).to_event(1))
    with numpyro.plate("N", N):
        numpyro.sample("obs", dist.Bernoulli(logits=jnp.asarray(X) @ theta), obs=jnp.asarray(Y))


def surrogate():
    theta = numpyro.sample("theta", dist.Normal(jnp.zeros(D), jnp.ones(D)).to_event(1))
    omegas = numpyro.param("omegas", 2.0 * jnp.ones(NS), constraint=constraints.positive)
    with numpyro.plate("N", NS), handlers.scale(scale=omegas):
        numpyro.sample("obs", dist.Bernoulli(logits=jnp.asarray(X[:NS]) @ theta), obs=jnp.asarray(Y[:NS]))


guide = AutoSurrogateLikelihoodDAIS(model, surrogate, K=K, eta_max=0.25, eta_init=0.005)
tr0 = handlers.trace(handlers.seed(guide, 0)).get_trace()
init_names = [k for k, v in tr0.items() if v["type"] == "param"]
rng = np.random.default_rng(4)
params = {
    "omegas": jnp.asarray(rng.uniform(1.0, 3.0, size=NS)),
    "auto_eta0": 0.2,
    "auto_eta_coeff": -0.05,
    "auto_gamma": 0.7,
    "auto_beta_increments": jnp.asarray([1.5, 0.7, 1.0]),
    "auto_mass_matrix": jnp.asarray([0.9, 1.2, 1.1]),
    "auto_z_0_loc": jnp.asarray([0.6, -0.4, 0.1]),
    "auto_z_0_scale": jnp.asarray([0.5, 0.3, 0.7]),
}
cons = {
    "omegas": constraints.positive,
    "auto_eta0": constraints.interval(0, 0.25),
    "auto_eta_coeff": constraints.real,
    "auto_gamma": constraints.interval(0, 1),
    "auto_beta_increments": constraints.positive,
    "auto_mass_matrix": constraints.positive,
    "auto_z_0_loc": constraints.real,
    "auto_z_0_scale": constraints.positive,
}
xi = rng.normal(size=D * (K + 1))


def loss_of(p):
    loc = p["auto_z_0_loc"]
    q0 = dist.Normal(loc, p["auto_z_0_scale"]).to_event()
    z0 = loc + p["auto_z_0_scale"] * xi[:D]
    mom = p["auto_mass_matrix"] * jnp.asarray(xi[D:]).reshape(K, D)
    cond = handlers.condition(handlers.seed(guide._sample_latent, 1), data={"auto_z_0": z0, "auto_momentum": mom})
    tr = handlers.trace(handlers.substitute(cond, data=p)).get_trace()
    zK = handlers.substitute(cond, data=p)()
    factor = tr["auto_factor"]["fn"].log_factor
    U = potential_energy(model, (), {}, {"theta": zK})
    return U + q0.log_prob(z0) + factor


jp = {k: jnp.asarray(v) for k, v in params.items()}
loss = float(loss_of(jp))
up = {k: biject_to(cons[k]).inv(v) for k, v in jp.items()}
g = jax.grad(lambda u: loss_of({k: biject_to(cons[k])(v) for k, v in u.items()}))(up)
out = {
    "X": X.tolist(),
    "Y": Y.tolist(),
    "numSurrogate": NS,
    "K": K,
    "initParamNames": init_names,
    "params": {k: {"data": np.asarray(v).ravel().tolist(), "shape": list(np.shape(v))} for k, v in params.items()},
    "xi": xi.tolist(),
    "loss": loss,
    "gradUnconstrained": {k: np.asarray(v).ravel().tolist() for k, v in g.items()},
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "sldais.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path, loss, init_names)
