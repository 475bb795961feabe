"""JAX / NumPyro side of bench/model.bench.ts, on whatever device JAX finds (the GPU on a GPU host).

The same logistic-regression model (beta ~ N(0, 1)^D, y ~ Bernoulli(logits = X beta)) and the same data
(backend-wasm/bench/logistic.ts's LCG): value + gradient of NumPyro's potential (jit, float32 and float64),
median ms/call with the result blocked on, and one NUTS run (numWarmup + numSamples).
    python3 model_jax.py [N] [D] [calls] [warmup] [samples]
Prints; asserts nothing.
"""

import sys
import time

import numpy as np


def lcg_stream(count, seed=12345):
    """The uint32 states of logistic.ts's LCG (s <- 1664525 s + 1013904223 mod 2^32), by blocks."""
    a, c, m = 1664525, 1013904223, 0xFFFFFFFF
    b = min(count, 65536)
    first = np.empty(b, np.uint64)
    cur = seed
    for k in range(b):
        cur = (a * cur + c) & m
        first[k] = cur
    big_a, big_c = 1, 0  # the affine map of b steps
    for _ in range(b):
        big_a, big_c = (a * big_a) & m, (a * big_c + c) & m
    out = np.empty(count, np.uint64)
    out[:b] = first
    prev, pos = first, b
    while pos < count:
        prev = (np.uint64(big_a) * prev + np.uint64(big_c)) & np.uint64(m)
        k = min(b, count - pos)
        out[pos : pos + k] = prev[:k]
        pos += k
    return out


def make_data(n, d):
    """x [n, d] uniform in [-1, 1) and y = 1[x . w > 0], w = (0.5, -0.5, ...), as logistic.ts's makeData."""
    x = (lcg_stream(n * d).astype(np.float64) / 2147483648.0 - 1.0).reshape(n, d)
    w = np.where(np.arange(d) % 2 == 0, 0.5, -0.5)
    y = (x @ w > 0).astype(np.float64)
    return x, y


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    d = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    calls = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    samples = int(sys.argv[5]) if len(sys.argv) > 5 else 100
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import MCMC, NUTS
    from numpyro.infer.util import initialize_model

    x, y = make_data(n, d)

    def model(X, y=None):
        beta = numpyro.sample("beta", dist.Normal(0.0, 1.0).expand([X.shape[1]]).to_event(1))
        with numpyro.plate("data", X.shape[0]):
            numpyro.sample("y", dist.Bernoulli(logits=X @ beta), obs=y)

    print(f"JAX {jax.__version__}, NumPyro {numpyro.__version__}, device {jax.devices()[0]}")
    z = 0.1 * np.cos(np.arange(d))
    for dtype in (jnp.float64, jnp.float32):
        X = jnp.asarray(x, dtype)
        Y = jnp.asarray(y, dtype)
        info = initialize_model(jax.random.PRNGKey(0), model, model_args=(X, Y))
        pe = info.potential_fn
        vg = jax.jit(jax.value_and_grad(lambda b: pe({"beta": b})))
        zb = jnp.asarray(z, dtype)
        jax.block_until_ready(vg(zb))
        per = []
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(calls):
                jax.block_until_ready(vg(zb))
            per.append((time.perf_counter() - t0) / calls * 1000)
        print(f"  JAX value+grad of NumPyro's potential ({jnp.dtype(dtype).name}): {sorted(per)[1]:.3f} ms/call")
    if warmup + samples > 0:
        X = jnp.asarray(x, jnp.float32)
        Y = jnp.asarray(y, jnp.float32)
        mcmc = NUTS(model)
        t0 = time.perf_counter()
        run = MCMC(mcmc, num_warmup=warmup, num_samples=samples, progress_bar=False)
        run.run(jax.random.PRNGKey(1), X, Y, extra_fields=("num_steps",))
        jax.block_until_ready(run.get_samples()["beta"])
        s = time.perf_counter() - t0
        steps = int(run.get_extra_fields()["num_steps"].sum())
        print(f"  NumPyro NUTS {warmup}+{samples} draws (float32): {s:.2f} s incl. compilation; {steps} leapfrog steps while sampling")


if __name__ == "__main__":
    main()
