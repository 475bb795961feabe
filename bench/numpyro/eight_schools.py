"""Eight schools (non-centred) with NumPyro's NUTS, 4 chains x (1000 warmup + 1000 draws): the side-by-side
baseline for bench/eight-schools.sh. Needs NumPyro on the path (see bench/README.md)."""
import os
import sys
import time

t_start = time.time()
chain_method = sys.argv[1] if len(sys.argv) > 1 else "sequential"

import numpy as np  # noqa: E402
import jax  # noqa: E402
import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
from numpyro.infer import MCMC, NUTS  # noqa: E402

numpyro.enable_x64()
numpyro.set_host_device_count(4)

y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def eight_schools(sigma, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("school", sigma.shape[0]):
        z = numpyro.sample("theta_raw", dist.Normal(0.0, 1.0))
        theta = numpyro.deterministic("theta", mu + tau * z)
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


mcmc = MCMC(NUTS(eight_schools), num_warmup=1000, num_samples=1000, num_chains=4,
            chain_method=chain_method, progress_bar=False)
t0 = time.time()
mcmc.run(jax.random.PRNGKey(0), sigma, y)
t1 = time.time()
mcmc.print_summary()
from numpyro.diagnostics import summary  # noqa: E402

s = summary(mcmc.get_samples(group_by_chain=True))
print(f"first run {t1 - t0:.3f} s; min n_eff(mu, tau) {min(s['mu']['n_eff'], s['tau']['n_eff']):.0f}")
print(f"wall time from process start: {time.time() - t_start:.3f} s")
