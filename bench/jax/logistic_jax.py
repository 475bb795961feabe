"""JAX and NumPyro side of bench/src/large-data.bench.ts: the logistic regression potential (alpha ~ N(0, 5),
beta ~ N(0, 2.5), y ~ Bernoulli(logits = X beta + alpha)), jitted value_and_grad, at N=100k D=20 and N=1M D=10
in float64 and float32, and one jitted NumPyro AutoNormal SVI update on the N=100k model (float64).
Prints one JSON line per case: median wall and process-CPU ms per call over timed blocks.

Run: PHLOX_ORACLE=<python with JAX and NumPyro> (the bench spawns it), or by hand:
  <python> bench/jax/logistic_jax.py
"""
import json
import os
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402


def data(n, d, dtype):
    rng = np.random.default_rng(12345)
    X = rng.uniform(-1.7, 1.7, size=(n, d))
    beta = ((np.arange(d) % 5) - 2) * 0.5
    p = 1 / (1 + np.exp(-(0.5 + X @ beta)))
    Y = (rng.uniform(size=n) < p).astype(np.float64)
    return jnp.asarray(X, dtype=dtype), jnp.asarray(Y, dtype=dtype)


def potential(z, X, Y):
    alpha, beta = z[0], z[1:]
    eta = X @ beta + alpha
    lik = jnp.sum(Y * eta - jax.nn.softplus(eta))
    prior = -0.5 * jnp.sum((beta / 2.5) ** 2) - 0.5 * (alpha / 5) ** 2
    return -(lik + prior)


def timed(f, calls, rounds=7):
    """Median wall and CPU ms per call over `rounds` blocks of `calls` calls (after one warm block)."""
    for _ in range(calls):
        out = f()
    jax.block_until_ready(out)
    walls, cpus = [], []
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(calls):
            out = f()
        jax.block_until_ready(out)
        walls.append((time.perf_counter() - w0) / calls * 1e3)
        cpus.append((time.process_time() - c0) / calls * 1e3)
    return float(np.median(walls)), float(np.median(cpus))


def value_grad_case(n, d, dtype, calls):
    X, Y = data(n, d, dtype)
    vg = jax.jit(jax.value_and_grad(potential))
    z = jnp.asarray(0.01 * np.arange(d + 1), dtype=dtype)
    wall, cpu = timed(lambda: vg(z, X, Y), calls)
    name = f"logistic N={n} D={d} value+grad"
    print(json.dumps({"case": name, "impl": f"JAX {jnp.dtype(dtype).name}", "wall": wall, "cpu": cpu}), flush=True)


def svi_case(n, d, calls):
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import SVI, Trace_ELBO
    from numpyro.infer.autoguide import AutoNormal

    X, Y = data(n, d, jnp.float64)

    def model(x, y=None):
        alpha = numpyro.sample("alpha", dist.Normal(0, 5))
        b = numpyro.sample("beta", dist.Normal(0, 2.5).expand([d]).to_event(1))
        with numpyro.plate("data", n):
            numpyro.sample("y", dist.Bernoulli(logits=x @ b + alpha), obs=y)

    svi = SVI(model, AutoNormal(model), numpyro.optim.Adam(0.01), Trace_ELBO())
    state = svi.init(jax.random.PRNGKey(0), X, Y)
    update = jax.jit(svi.update)
    holder = [state]

    def step():
        holder[0], loss = update(holder[0], X, Y)
        return loss

    wall, cpu = timed(step, calls)
    name = f"SVI AutoNormal step, logistic N={n} D={d}"
    print(json.dumps({"case": name, "impl": f"NumPyro {numpyro.__version__} float64", "wall": wall, "cpu": cpu}), flush=True)


if __name__ == "__main__":
    print(json.dumps({"info": f"jax {jax.__version__}, cpus {os.cpu_count()}, load {os.getloadavg()}"}), flush=True)
    which = sys.argv[1:] or ["vg", "svi"]
    if "vg" in which:
        value_grad_case(100_000, 20, jnp.float64, 40)
        value_grad_case(100_000, 20, jnp.float32, 40)
        value_grad_case(1_000_000, 10, jnp.float64, 8)
        value_grad_case(1_000_000, 10, jnp.float32, 8)
    if "svi" in which:
        svi_case(100_000, 20, 40)
