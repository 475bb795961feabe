"""NumPyro 0.21's HMCECS (NUTS inner, Taylor proxy at the MAP) on the data hmcecs-vs-nuts.ts wrote.

Usage: python hmcecs_numpyro.py DIR N D NUM_WARMUP NUM_SAMPLES SUBSAMPLE_SIZE NUM_BLOCKS DEGREE
Prints one JSON line: name, wall (s, compilation included), grads (leapfrog steps + Gibbs proposals),
minEss (bulk, ArviZ), meanErr (max |posterior mean − MAP|).
"""
import json
import sys
import time
from pathlib import Path

import arviz as az
import jax
import jax.numpy as jnp
import numpy as np

import numpyro
import numpyro.distributions as dist
from numpyro.infer import HMCECS, MCMC, NUTS

jax.config.update("jax_enable_x64", True)
d, N, D, W, S, M, B, DEG = sys.argv[1], *map(int, sys.argv[2:])
X = jnp.asarray(np.fromfile(Path(d) / "X.bin", dtype=np.float64).reshape(N, D))
y = jnp.asarray(np.fromfile(Path(d) / "y.bin", dtype=np.float64))
ref = jnp.asarray(np.fromfile(Path(d) / "map.bin", dtype=np.float64))


def model(X, y):
    coefs = numpyro.sample("coefs", dist.Normal(jnp.zeros(D), 1.0).to_event(1))
    with numpyro.plate("N", N, subsample_size=M):
        xb = numpyro.subsample(X, event_dim=1)
        yb = numpyro.subsample(y, event_dim=0)
        numpyro.sample("obs", dist.Bernoulli(logits=xb @ coefs), obs=yb)


t0 = time.perf_counter()
kernel = HMCECS(NUTS(model), num_blocks=B, proxy=HMCECS.taylor_proxy({"coefs": ref}, degree=DEG))
mcmc = MCMC(kernel, num_warmup=W, num_samples=S, progress_bar=False)
mcmc.run(jax.random.PRNGKey(0), X, y, extra_fields=("hmc_state.num_steps",))
c = np.asarray(mcmc.get_samples()["coefs"])
wall = time.perf_counter() - t0
steps = np.asarray(mcmc.get_extra_fields()["hmc_state.num_steps"]).sum()
ess = az.ess(az.convert_to_dataset({"coefs": c[None]}), method="bulk")["coefs"].values
print(json.dumps({
    "name": f"NumPyro HMCECS(NUTS), m={M}, {B} blocks, Taylor-{DEG} at MAP",
    "wall": wall,
    "grads": int(steps * (W + S) / S),
    "minEss": float(np.min(ess)),
    "meanErr": float(np.max(np.abs(c.mean(0) - np.asarray(ref)))),
}))
