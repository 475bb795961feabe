"""NumPyro side of packages/vi/bench/svi.bench.ts: AutoNormal on eight schools, 5,000 Adam steps (one
svi.run, so the whole loop is one jitted scan), reporting compile + run time and µs/step.

Run (NumPyro 0.21 source from the mirror, JAX from the oracle environment):
  mkdir -p /tmp/numpyro-src && git --git-dir=/work/.mirror/pyro-ppl+numpyro/repo archive 0.21.0 numpyro \\
    | tar -x -C /tmp/numpyro-src
  PYTHONPATH=/tmp/numpyro-src /tmp/phlox-oracle/bin/python packages/vi/bench/numpyro_svi.py
"""
import os
import time

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.infer import SVI, Trace_ELBO
from numpyro.infer.autoguide import AutoNormal

y = jnp.array([28.0, 8, -3, 7, -1, 1, 18, 12])
sigma = jnp.array([15.0, 10, 16, 11, 9, 11, 10, 18])


def eight_schools(sigma, y=None):
    mu = numpyro.sample("mu", dist.Normal(0, 5))
    tau = numpyro.sample("tau", dist.HalfCauchy(5))
    with numpyro.plate("school", sigma.shape[0]):
        z = numpyro.sample("theta_raw", dist.Normal(0, 1))
        numpyro.sample("obs", dist.Normal(mu + tau * z, sigma), obs=y)


def run(steps):
    guide = AutoNormal(eight_schools)
    svi = SVI(eight_schools, guide, numpyro.optim.Adam(0.01), Trace_ELBO())
    t0 = time.perf_counter()
    res = svi.run(jax.random.PRNGKey(0), steps, sigma, y, progress_bar=False)
    jax.block_until_ready(res.losses)
    return time.perf_counter() - t0


print(f"jax {jax.__version__}, numpyro {numpyro.__version__}, cpus {os.cpu_count()}, load {os.getloadavg()}")
run(10)  # warm up JAX itself (first-use costs not part of any model's compile)
t5 = min(run(5000), run(5000))  # compile + 5000 steps
t15 = min(run(15000), run(15000))  # compile + 15000 steps
per_step = (t15 - t5) / 10000 * 1e6
print(f"NumPyro eight schools AutoNormal: total {t5:.2f} s for 5000 steps incl. compile; "
      f"{per_step:.1f} µs/step (slope 5000 -> 15000 steps); compile ≈ {t5 - per_step * 5000 / 1e6:.2f} s")
