"""NumPyro 0.21 posteriors for @phlox/mcmc's kernel tests (run: /tmp/phlox-oracle/bin/python scripts/make_kernel_fixtures.py).

Runs NumPyro's NUTS, SA and BarkerMH on the logistic regression of fixtures/logistic.json (N = 1000, 3
coefficients, N(0, 1) prior) and writes the posterior means and sds of the coefficients to
fixtures/kernels_numpyro.json. NUTS with many draws is the reference posterior; SA and BarkerMH are
recorded so Phlox's kernels can be compared with NumPyro's own. NumPyro 0.21's AIES and ESS are left out:
their second half-step uses the moving walkers as the complementary ensemble, which biases the spread, so
Phlox tests its ensemble kernels against exact posteriors instead.
"""
import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import numpyro
import numpyro.distributions as dist
from numpyro.infer import MCMC, NUTS, SA, BarkerMH

jax.config.update("jax_enable_x64", True)
fx = Path(__file__).resolve().parent.parent / "fixtures"
data = json.loads((fx / "logistic.json").read_text())
X = jnp.array(data["X"])
y = jnp.array(data["y"], dtype=jnp.float64)


def model(X, y):
    coefs = numpyro.sample("coefs", dist.Normal(jnp.zeros(3), 1.0).to_event(1))
    numpyro.sample("obs", dist.Bernoulli(logits=X @ coefs), obs=y)


def summary(kernel, num_warmup, num_samples, num_chains=4):
    mcmc = MCMC(kernel, num_warmup=num_warmup, num_samples=num_samples, num_chains=num_chains,
                chain_method="sequential", progress_bar=False)
    mcmc.run(jax.random.PRNGKey(0), X, y)
    c = np.asarray(mcmc.get_samples()["coefs"])
    return {"mean": c.mean(0).tolist(), "sd": c.std(0, ddof=1).tolist(), "draws": int(c.shape[0])}


out = {
    "numpyro": numpyro.__version__,
    "data": "fixtures/logistic.json",
    "NUTS": summary(NUTS(model), 1000, 25000),
    "SA": summary(SA(model), 20000, 100000),
    "BarkerMH": summary(BarkerMH(model), 2000, 25000),
}
(fx / "kernels_numpyro.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(out, indent=1))
