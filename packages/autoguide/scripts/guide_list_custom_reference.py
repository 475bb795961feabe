"""NumPyro 0.21 reference for AutoGuideList with a hand-written (amortised) part on a subsampled plate.

Model: mu ~ N(0, 2), sigma ~ HalfNormal(2), z_i ~ N(mu, sigma), y_i ~ N(z_i, 0.5), N = 200 observations in
plate("N", 200, subsample_size=20). Guide: AutoGuideList(model) with [a hand-written local guide,
q(z_i) = Normal(a * y_i + b, s), inside the same subsampled plate; AutoNormal over the model with "z"
blocked]. The data y are the test's own (the same LCG + Box-Muller stream, seed 2024). Fitted to convergence
(adam, step size decaying from 0.02 to 0.001 over 20000 steps, 4 particles) and the fitted a, b, s, mu and
sigma locations are written out.
Run: /tmp/phlox-oracle/bin/python packages/autoguide/scripts/guide_list_custom_reference.py
"""
import json
import math
import pathlib

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import numpyro.optim
from numpyro import handlers
from numpyro.infer import SVI, Trace_ELBO
from numpyro.infer.autoguide import AutoGuideList, AutoNormal

jax.config.update("jax_enable_x64", True)

N, B = 200, 20


def data():
    s = 2024

    def u01():
        nonlocal s
        s = (s * 1664525 + 1013904223) % 2**32
        return (s + 0.5) / 4294967296

    def gauss():
        r = math.sqrt(-2 * math.log(u01()))
        return r * math.cos(2 * math.pi * u01())

    out = []
    for _ in range(N):
        g1 = gauss()
        g2 = gauss()
        out.append(1 + 0.8 * g1 + 0.5 * g2)
    return jnp.array(out)


def model(y):
    mu = numpyro.sample("mu", dist.Normal(0, 2))
    sigma = numpyro.sample("sigma", dist.HalfNormal(2))
    with numpyro.plate("N", N, subsample_size=B) as idx:
        z = numpyro.sample("z", dist.Normal(mu, sigma))
        numpyro.sample("y", dist.Normal(z, 0.5), obs=y[idx])


def local_guide(y):
    a = numpyro.param("a", 0.5)
    b = numpyro.param("b", 0.0)
    s = numpyro.param("s", 0.3, constraint=dist.constraints.positive)
    with numpyro.plate("N", N, subsample_size=B) as idx:
        z = numpyro.sample("z", dist.Normal(a * y[idx] + b, s))
    return {"z": z}  # AutoGuideList merges its parts' returned dicts


def main():
    y = data()
    guide = AutoGuideList(model)
    guide.append(local_guide)
    guide.append(AutoNormal(handlers.block(model, hide=["z"])))
    steps = 20000
    schedule = lambda i: 0.02 * (0.05 ** (i / steps))  # noqa: E731
    svi = SVI(model, guide, numpyro.optim.Adam(schedule), Trace_ELBO(num_particles=4))
    res = svi.run(jax.random.PRNGKey(0), steps, y, progress_bar=False)
    p = res.params
    out = {
        "y": [float(v) for v in y],
        "fitted": {
            k: float(p[k])
            for k in ["a", "b", "s", "mu_auto_loc", "mu_auto_scale", "sigma_auto_loc", "sigma_auto_scale"]
        },
        "paramNames": sorted(p.keys()),
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "guide-list-custom.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(out["fitted"], out["paramNames"])


if __name__ == "__main__":
    main()
