"""posteriordb radon_mn-radon_hierarchical_intercept_centered with NumPyro's NUTS, 4 chains x (1000 warmup +
1000 draws), sequential, x64: the side-by-side baseline for Phlox's `radon(true)` (bench/src/posteriordb).

Usage: /tmp/phlox-oracle/bin/python bench/numpyro/radon_centered.py [seed ...] [--target-accept 0.8] [--adapt]

Per seed it prints min bulk ESS over all parameter elements, bulk ESS of sigma_alpha (ArviZ `az.ess(...,
method="bulk")`, chains kept), max R-hat, divergences, wall time, mean leapfrog steps per draw and mean accept
probability (post-warmup), and the adapted step size of each chain.
`--adapt` also prints each chain's adapted inverse mass-matrix diagonal for (mu_alpha, sigma_alpha [unconstrained],
sigma_y [unconstrained], beta, first alphas). The data come from the reference JSON in ../shared/reference.
"""
import argparse
import json
import os
import time

import numpy as np
import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.infer import MCMC, NUTS
import arviz as az

numpyro.enable_x64()

NAME = "radon_mn-radon_hierarchical_intercept_centered"
REF = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "reference", "posteriordb", NAME + ".json")


def radon_centered(J, county, log_uppm, floor, log_radon=None):
    # Stan: sigma_alpha ~ normal(0, 1) and sigma_y ~ normal(0, 1) with <lower=0>, i.e. half-normals;
    # mu_alpha ~ normal(0, 10); beta ~ normal(0, 10); alpha ~ normal(mu_alpha, sigma_alpha) (centred).
    mu_alpha = numpyro.sample("mu_alpha", dist.Normal(0.0, 10.0))
    sigma_alpha = numpyro.sample("sigma_alpha", dist.HalfNormal(1.0))
    sigma_y = numpyro.sample("sigma_y", dist.HalfNormal(1.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 10.0).expand([2]).to_event(1))
    with numpyro.plate("county", J):
        alpha = numpyro.sample("alpha", dist.Normal(mu_alpha, sigma_alpha))
    mu = alpha[county] + log_uppm * beta[0] + floor * beta[1]
    with numpyro.plate("house", log_radon.shape[0]):
        numpyro.sample("log_radon", dist.Normal(mu, sigma_y), obs=log_radon)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("seeds", nargs="*", type=int, default=[0])
    p.add_argument("--target-accept", type=float, default=0.8)
    p.add_argument("--adapt", action="store_true")
    a = p.parse_args()

    d = json.load(open(REF))["data"]
    J = int(d["J"])
    county = jnp.asarray(np.array(d["county_idx"]) - 1)
    log_uppm = jnp.asarray(d["log_uppm"], dtype=jnp.float64)
    floor = jnp.asarray(d["floor_measure"], dtype=jnp.float64)
    log_radon = jnp.asarray(d["log_radon"], dtype=jnp.float64)

    print(f"{'seed':>4} {'minESS':>7} {'ess_sa':>7} {'maxRhat':>8} {'div':>4} {'secs':>6} {'steps':>6} {'acc':>5}  step sizes (per chain)")
    for seed in a.seeds:
        mcmc = MCMC(NUTS(radon_centered, target_accept_prob=a.target_accept), num_warmup=1000,
                    num_samples=1000, num_chains=4, chain_method="sequential", progress_bar=False)
        t0 = time.time()
        mcmc.run(jax.random.PRNGKey(seed), J, county, log_uppm, floor, log_radon,
                 extra_fields=("diverging", "num_steps", "accept_prob"))
        secs = time.time() - t0
        s = {k: np.asarray(v) for k, v in mcmc.get_samples(group_by_chain=True).items()}
        ds = az.convert_to_dataset(s)
        ess = az.ess(ds, method="bulk")
        rh = az.rhat(ds)
        min_ess = min(float(np.min(ess[k].values)) for k in ess.data_vars)
        max_rhat = max(float(np.max(rh[k].values)) for k in rh.data_vars)
        ess_sa = float(ess["sigma_alpha"].values)
        ex = mcmc.get_extra_fields()
        div = int(np.sum(ex["diverging"]))
        nsteps = float(np.mean(ex["num_steps"]))
        acc = float(np.mean(ex["accept_prob"]))
        adapt = mcmc.last_state.adapt_state
        steps = np.atleast_1d(np.asarray(adapt.step_size))
        print(f"{seed:>4} {min_ess:>7.0f} {ess_sa:>7.0f} {max_rhat:>8.4f} {div:>4} {secs:>6.1f} {nsteps:>6.1f} {acc:>5.3f}  "
              + " ".join(f"{x:.4f}" for x in steps))
        if a.adapt:
            # The flattened latent vector is ordered by site name (alpha[85], beta[2], mu_alpha, sigma_alpha,
            # sigma_y) in NumPyro's ravel_pytree of a dict.
            imm = np.asarray(adapt.inverse_mass_matrix[("alpha", "beta", "mu_alpha", "sigma_alpha", "sigma_y")])
            for c in range(imm.shape[0]):
                v = imm[c]
                print(f"     chain {c}: invM mu_alpha {v[87]:.4g} log_sigma_alpha {v[88]:.4g} "
                      f"log_sigma_y {v[89]:.4g} beta {v[85]:.4g},{v[86]:.4g} alpha[0:3] "
                      + ",".join(f"{x:.4g}" for x in v[:3]) + f" alpha median {np.median(v[:85]):.4g}")
            sa = s["sigma_alpha"]
            print(f"     sigma_alpha mean {sa.mean():.4f} sd {sa.std(ddof=1):.4f}")


if __name__ == "__main__":
    main()
