"""NumPyro 0.21's SA on the correlated 3-D Gaussian of src/testing/stats.ts (CORRELATED_3D), for comparison
with sa.test.ts (run: /tmp/phlox-oracle/bin/python scripts/sa_correlated_numpyro.py; prints means and sds).

Measured with NumPyro 0.21.0, key 1, 20 000 warmup, 80 000 draws: default adapt_state_size (2·dim = 6)
gives sds [0.947, 0.944, 1.187] against the exact [1, 1, 1.414]; adapt_state_size=30 gives [1.005, 0.998, 1.400].
"""
import jax
import jax.numpy as jnp
import numpy as np

from numpyro.infer import MCMC, SA

jax.config.update("jax_enable_x64", True)
cov = jnp.array([[1, 0.8, 0.3], [0.8, 1, 0.5], [0.3, 0.5, 2.0]])
precision = jnp.linalg.inv(cov)


def potential(z):
    return 0.5 * z @ precision @ z


for size in [None, 30]:
    mcmc = MCMC(SA(potential_fn=potential, adapt_state_size=size), num_warmup=20000, num_samples=80000,
                progress_bar=False)
    mcmc.run(jax.random.PRNGKey(1), init_params=jnp.zeros(3))
    s = np.asarray(mcmc.get_samples())
    print(size, "mean", s.mean(0).round(3), "sd", s.std(0).round(3), "exact sd", np.sqrt(np.diag(cov)).round(3))
