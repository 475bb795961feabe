"""NumPyro side of packages/vi/bench/svi.bench.ts, on the same machine: AutoNormal on eight schools —
svi.run(5000 Adam steps) total time including compilation, and a jitted `svi.update` (compile time, then
µs per step in a Python loop) — and on logistic regression N = 100k, D = 20 (ms per jitted update).

Run (NumPyro 0.21 source from the mirror, JAX from the oracle environment):
  mkdir -p /tmp/numpyro-src && git --git-dir=<a NumPyro git mirror> archive 0.21.0 numpyro \\
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
def per_step(model, args, steps):
    """Compile time of the jitted update, then µs per step of a loop calling it (block at the end)."""
    svi = SVI(model, AutoNormal(model), numpyro.optim.Adam(0.01), Trace_ELBO())
    state = svi.init(jax.random.PRNGKey(0), *args)
    update = jax.jit(svi.update)
    t0 = time.perf_counter()
    state, loss = update(state, *args)
    jax.block_until_ready(loss)
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(steps):
        state, loss = update(state, *args)
    jax.block_until_ready(loss)
    return compile_s, (time.perf_counter() - t0) / steps * 1e6


run(10)  # warm up JAX itself (first-use costs not part of any model's compile)
total = min(run(5000), run(5000))
c, us = per_step(eight_schools, (sigma, y), 5000)
print(f"NumPyro eight schools AutoNormal: svi.run(5000) total {total:.2f} s incl. compile; "
      f"jitted update: compile {c:.2f} s, {us:.1f} µs/step (Python loop)")


def logistic_bench():
    N, D = 100_000, 20
    kx, ky = jax.random.split(jax.random.PRNGKey(1))
    X = jax.random.uniform(kx, (N, D), minval=-1.7, maxval=1.7)
    beta = ((jnp.arange(D) % 5) - 2) * 0.5
    Y = jax.random.bernoulli(ky, jax.nn.sigmoid(0.5 + X @ beta)).astype(jnp.float32)

    def logistic(x, y=None):
        alpha = numpyro.sample("alpha", dist.Normal(0, 5))
        b = numpyro.sample("beta", dist.Normal(0, 2.5).expand([D]).to_event(1))
        with numpyro.plate("data", N):
            numpyro.sample("y", dist.Bernoulli(logits=x @ b + alpha), obs=y)

    c, us = per_step(logistic, (X, Y), 300)
    print(f"NumPyro logistic N=100k D=20 AutoNormal: compile {c:.2f} s, {us / 1000:.2f} ms/step")


logistic_bench()
