"""NumPyro 0.21 posteriors for @phlox/mcmc's Gibbs-kernel tests (run: /tmp/phlox-oracle/bin/python scripts/gibbs_fixtures.py).

The cases of NumPyro's test/infer/test_hmc_gibbs.py, run by NumPyro's own HMCGibbs, DiscreteHMCGibbs and
MixedHMC with the test's settings (fewer draws where the test uses 200 000), written to
fixtures/gibbs_numpyro.json: for each case and site, the posterior mean, sd and Monte Carlo standard error
(sd / sqrt(ESS), NumPyro's effective_sample_size over the chains). The Phlox tests run the same models and
compare means within max(4 MCSE, 0.05 sd), MCSE combining both runs.

One deliberate difference: test_linear_model_sigma's gibbs_fn draws beta with scale_tril = L^-1 where
L L^T = XX / sigma^2 + I, whose covariance L^-1 L^-T is not the conditional's (L L^T)^-1. Here and in the
Phlox test the exact conditional is used (covariance_matrix = inverse of the precision), so that both
chains target the true posterior.
"""
import json
import sys
from functools import partial
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import numpyro
import numpyro.distributions as dist
from numpyro.diagnostics import effective_sample_size
from numpyro.infer import HMC, MCMC, NUTS, DiscreteHMCGibbs, HMCGibbs, MixedHMC

jax.config.update("jax_enable_x64", True)
numpyro.set_host_device_count(2)
fx = Path(__file__).resolve().parent.parent / "fixtures"


def stats(samples_by_chain, names):
    out = {}
    for name in names:
        x = np.asarray(samples_by_chain[name], dtype=np.float64)  # [chains, draws, ...]
        flat = x.reshape(x.shape[0] * x.shape[1], -1)
        ess = np.atleast_1d(effective_sample_size(x.reshape(x.shape[0], x.shape[1], -1)))
        sd = flat.std(0, ddof=1)
        out[name] = {
            "mean": flat.mean(0).tolist(),
            "sd": sd.tolist(),
            # a site constant over every draw (sd 0) has MCSE 0, not NaN (which JSON cannot hold)
            "mcse": np.where(sd > 0, sd / np.sqrt(np.where(sd > 0, ess, 1.0)), 0.0).tolist(),
        }
    return out


def run_mcmc(kernel, names, num_warmup, num_samples, num_chains=1, args=()):
    mcmc = MCMC(kernel, num_warmup=num_warmup, num_samples=num_samples, num_chains=num_chains,
                chain_method="sequential", progress_bar=False)
    mcmc.run(jax.random.PRNGKey(0), *args)
    return stats(mcmc.get_samples(group_by_chain=True), names)


cases = {}
# `--only a,b` recomputes just those cases (those defined with @case) and merges them into the existing file.
ONLY = set(sys.argv[sys.argv.index("--only") + 1].split(",")) if "--only" in sys.argv else None
lazy = {}


def case(name):
    def register(fn):
        lazy[name] = fn
        return fn

    return register


def run(*a, **k):
    """run_mcmc for the cases computed on every full run (skipped under --only)."""
    return None if ONLY is not None else run_mcmc(*a, **k)

# test_linear_model_sigma (N = 90, P = 40, sigma = 0.07), HMCGibbs with NUTS.
np.random.seed(1)
N, P, SIGMA = 90, 40, 0.07
X = np.random.randn(N * P).reshape((N, P))
Y = X[:, 0] + SIGMA * np.random.randn(N)
XX = X.T @ X
XY = np.sum(X * Y[:, None], axis=0)


def linear_model(X, Y):
    sigma = numpyro.sample("sigma", dist.HalfCauchy(1.0))
    beta = numpyro.sample("beta", dist.Normal(jnp.zeros(X.shape[1]), jnp.ones(X.shape[1])))
    numpyro.sample("obs", dist.Normal(jnp.sum(beta * X, axis=-1), sigma), obs=Y)


def linear_gibbs_fn(XX, XY, rng_key, gibbs_sites, hmc_sites):
    sigma = jnp.exp(hmc_sites["log_sigma"]) if "log_sigma" in hmc_sites else hmc_sites["sigma"]
    sigma_sq = jnp.square(sigma)
    precision = XX / sigma_sq + jnp.eye(XX.shape[0])
    cov = jnp.linalg.inv(precision)
    loc = cov @ XY / sigma_sq
    return {"beta": dist.MultivariateNormal(loc, covariance_matrix=cov).sample(rng_key)}


for cls in (NUTS, HMC):
    cases[f"linear_sigma_{cls.__name__.lower()}"] = run(
        HMCGibbs(cls(linear_model), gibbs_fn=partial(linear_gibbs_fn, XX, XY), gibbs_sites=["beta"]),
        ["beta", "sigma"], 500, 500, args=(jnp.array(X), jnp.array(Y)),
    )

# test_linear_model_log_sigma (N = 100, P = 50, sigma = 0.11), with a deterministic site.
np.random.seed(0)
N2, P2, SIGMA2 = 100, 50, 0.11
X2 = np.random.randn(N2 * P2).reshape((N2, P2))
XX2 = X2.T @ X2
Y2 = X2[:, 0] + SIGMA2 * np.random.randn(N2)
XY2 = np.sum(X2 * Y2[:, None], axis=0)


def log_sigma_model(X, Y):
    log_sigma = numpyro.sample("log_sigma", dist.Normal(1.0))
    beta = numpyro.sample("beta", dist.Normal(jnp.zeros(X.shape[1]), jnp.ones(X.shape[1])))
    mean = jnp.sum(beta * X, axis=-1)
    numpyro.deterministic("mean", mean)
    numpyro.sample("obs", dist.Normal(mean, jnp.exp(log_sigma)), obs=Y)


for cls in (NUTS, HMC):
    cases[f"linear_log_sigma_{cls.__name__.lower()}"] = run(
        HMCGibbs(cls(log_sigma_model), gibbs_fn=partial(linear_gibbs_fn, XX2, XY2), gibbs_sites=["beta"]),
        ["beta", "log_sigma"], 500, 500, args=(jnp.array(X2), jnp.array(Y2)),
    )

# test_gaussian_model (D = 2, dense mass); 1000 warmup + 3000 draws here (5000 + 5000 in NumPyro's test).
np.random.seed(0)
D = 2
cov = np.random.randn(4 * D * D).reshape((2 * D, 2 * D))
cov = cov.T @ cov + 0.25 * np.eye(2 * D)
cov00, cov01, cov10, cov11 = cov[:D, :D], cov[:D, D:], cov[D:, :D], cov[D:, D:]
A01 = cov01 @ np.linalg.inv(cov11)
A10 = cov10 @ np.linalg.inv(cov00)
post0 = cov00 - A01 @ cov10
post1 = cov11 - A10 @ cov01


def gaussian_gibbs_fn(rng_key, gibbs_sites, hmc_sites):
    return {"x0": dist.MultivariateNormal(A01 @ hmc_sites["x1"], covariance_matrix=post0).sample(rng_key)}


def gaussian_model():
    x0 = numpyro.sample("x0", dist.MultivariateNormal(jnp.zeros(D), covariance_matrix=cov00))
    numpyro.sample("x1", dist.MultivariateNormal(A10 @ x0, covariance_matrix=post1))


for cls in (NUTS, HMC):
    cases[f"gaussian_{cls.__name__.lower()}"] = run(
        HMCGibbs(cls(gaussian_model, dense_mass=True), gibbs_fn=gaussian_gibbs_fn, gibbs_sites=["x0"]),
        ["x0", "x1"], 1000, 3000,
    )


# test_discrete_gibbs_multiple_sites_chain (num_chains = 2).
def sites_model():
    numpyro.sample("x", dist.Bernoulli(0.7).expand([3]))
    numpyro.sample("y", dist.Binomial(10, 0.3))


cases["multiple_sites_mixed"] = run(
    MixedHMC(HMC(sites_model), num_discrete_updates=5), ["x", "y"], 1000, 5000, num_chains=2
)
cases["multiple_sites_discrete"] = run(DiscreteHMCGibbs(NUTS(sites_model)), ["x", "y"], 1000, 5000, num_chains=2)


# test_discrete_gibbs_bernoulli.
def bernoulli_model():
    numpyro.sample("c", dist.Bernoulli(0.8))


for rw in (False, True):
    tag = "rw" if rw else "gibbs"
    cases[f"bernoulli_mixed_{tag}"] = run(
        MixedHMC(HMC(bernoulli_model), num_discrete_updates=6, random_walk=rw), ["c"], 1000, 10000
    )
    for modified in (False, True):
        cases[f"bernoulli_discrete_{tag}{'_modified' if modified else ''}"] = run(
            DiscreteHMCGibbs(NUTS(bernoulli_model), random_walk=rw, modified=modified), ["c"], 1000, 10000
        )


# test_discrete_gibbs_gmm_1d (20 000 draws here, 200 000 in NumPyro's test).
def gmm_model(probs, locs):
    c = numpyro.sample("c", dist.Categorical(probs))
    numpyro.sample("x", dist.Normal(locs[c], 0.5))


PROBS = jnp.array([0.15, 0.3, 0.3, 0.25])
LOCS = jnp.array([-2.0, 0.0, 2.0, 4.0])
for modified in (False, True):
    tag = "_modified" if modified else ""
    cases[f"gmm_mixed{tag}"] = run(
        MixedHMC(HMC(gmm_model, trajectory_length=1.2), num_discrete_updates=20, modified=modified),
        ["c", "x"], 1000, 20000, args=(PROBS, LOCS),
    )
    cases[f"gmm_discrete{tag}"] = run(
        DiscreteHMCGibbs(NUTS(gmm_model, trajectory_length=1.2), modified=modified),
        ["c", "x"], 1000, 20000, args=(PROBS, LOCS),
    )

# A mixture with one discrete assignment per observation (a plate of Categorical sites) and a shared shift.
MIX_Y = jnp.array([-2.1, -1.7, 0.2, 2.3, 1.9, 4.2])


def plate_mixture_model(obs):
    loc = numpyro.sample("loc", dist.Normal(0.0, 5.0))
    with numpyro.plate("N", 6):
        c = numpyro.sample("c", dist.Categorical(jnp.array([0.3, 0.4, 0.3])))
        numpyro.sample("obs", dist.Normal(jnp.array([-2.0, 0.0, 2.0])[c] + loc, 0.5), obs=obs)


@case("plate_mixture_discrete")
def _():
    return run_mcmc(DiscreteHMCGibbs(NUTS(plate_mixture_model)), ["c", "loc"], 1000, 5000, num_chains=2, args=(MIX_Y,))


@case("plate_mixture_mixed")
def _():
    return run_mcmc(MixedHMC(HMC(plate_mixture_model, trajectory_length=1.0), num_discrete_updates=12),
               ["c", "loc"], 1000, 5000, num_chains=2, args=(MIX_Y,))


for name, fn in lazy.items():
    if ONLY is None or name in ONLY:
        cases[name] = fn()

if ONLY is not None:
    # Recompute only the named cases, keeping the others of the committed file (the same seeds give the same
    # numbers as a full run).
    previous = json.loads((fx / "gibbs_numpyro.json").read_text())
    previous["cases"].update({k: v for k, v in cases.items() if v is not None})
    cases = previous["cases"]

out = {
    "numpyro": numpyro.__version__,
    "linear": {"X": X.tolist(), "Y": Y.tolist()},
    "linear_log_sigma": {"X": X2.tolist(), "Y": Y2.tolist()},
    "gaussian": {"cov00": cov00.tolist(), "A01": A01.tolist(), "A10": A10.tolist(),
                 "post0": post0.tolist(), "post1": post1.tolist()},
    "cases": cases,
}
(fx / "gibbs_numpyro.json").write_text(json.dumps(out, indent=1) + "\n")
print("wrote", fx / "gibbs_numpyro.json")
