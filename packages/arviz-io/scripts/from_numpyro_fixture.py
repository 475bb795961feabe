"""Fixture for fromMCMC: what az.from_numpyro builds from one small NumPyro run (ArviZ 0.23.4, NumPyro 0.21).

usage: python from_numpyro_fixture.py > ../fixtures/from-numpyro.json

Runs the eight-schools model (non-centred, theta inside plate "school") with 2 chains x 5 draws, and records
  - the inputs a Phlox McmcSource would give for the same draws: posterior samples and extra fields grouped by
    chain, the pointwise log-likelihood (numpyro.infer.log_likelihood, flat [chain*draw, 8]), the observations,
    the plate dims (arviz' infer_dims), prior predictive draws and posterior predictive draws (flat);
  - the expected InferenceData: per group, per variable its dims, shape, dtype and values; per coordinate its
    values.
"""

import json

import arviz as az
import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from arviz.data.io_numpyro import infer_dims
from numpyro.infer import MCMC, NUTS, Predictive, log_likelihood

numpyro.set_host_device_count(1)

J = 8
Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def model(sigma, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("school", J):
        theta_raw = numpyro.sample("theta_raw", dist.Normal(0.0, 1.0))
        theta = numpyro.deterministic("theta", mu + tau * theta_raw)
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


def arr(x):
    a = np.asarray(x)
    return {"data": a.astype(float).ravel().tolist(), "shape": list(a.shape)}


def main():
    mcmc = MCMC(NUTS(model), num_warmup=20, num_samples=5, num_chains=2, chain_method="sequential",
                progress_bar=False)
    mcmc.run(jax.random.PRNGKey(0), SIGMA, y=Y, extra_fields=("diverging", "num_steps", "energy",
                                                              "potential_energy", "accept_prob"))
    samples = mcmc.get_samples()
    prior = Predictive(model, num_samples=6)(jax.random.PRNGKey(1), SIGMA)
    ppc = Predictive(model, samples)(jax.random.PRNGKey(2), SIGMA)
    idata = az.from_numpyro(mcmc, prior=prior, posterior_predictive={"obs": ppc["obs"]},
                            coords={"school": [f"s{i}" for i in range(J)]})
    grouped = mcmc.get_samples(group_by_chain=True)
    extra = mcmc.get_extra_fields(group_by_chain=True)
    ll = log_likelihood(model, samples, SIGMA, y=Y)
    inputs = {
        "samples": {k: arr(v) for k, v in grouped.items()},
        "extraFields": {k: arr(v) for k, v in extra.items()},
        "logLikelihood": {k: arr(v) for k, v in ll.items()},
        "observations": {"obs": arr(Y)},
        "siteDims": infer_dims(model, (SIGMA,), {"y": Y}),
        "prior": {k: arr(v) for k, v in prior.items()},
        "posteriorPredictive": {"obs": arr(ppc["obs"])},
        "coords": {"school": [f"s{i}" for i in range(J)]},
    }
    expected = {}
    for group in idata.groups():
        ds = idata[group]
        expected[group] = {
            "variables": {
                name: {"dims": list(v.dims), "shape": list(v.shape), "dtype": str(v.dtype),
                       "data": np.asarray(v.values).astype(float).ravel().tolist()}
                for name, v in ds.data_vars.items()
            },
            "coords": {name: [x if isinstance(x, str) else int(x) for x in np.asarray(c.values).tolist()]
                       for name, c in ds.coords.items()},
        }
    print(json.dumps({"arviz": az.__version__, "numpyro": numpyro.__version__, "inputs": inputs,
                      "expected": expected}))


if __name__ == "__main__":
    main()
