"""NumPyro 0.21 reference numbers for AutoDAIS on NumPyro's test_beta_bernoulli model.

Model: beta ~ Beta(1, 1) (2-vector, event), 10 rows of two Bernoulli columns (8/10 and 4/10 ones).
For K = 3 and both base distributions, at fixed constrained parameters and fixed standard-normal noise
xi (z_0 = loc + scale·xi_0, momenta = mass·xi_k, conditioned onto the guide's auxiliary sites):
- z_K (the guide's latent), log q_0(z_0), NumPyro's `auto_factor` (the log kinetic-energy ratio), and the
  particle loss U(z_K) + log q_0(z_0) + factor;
- for the diagonal base, jax.grad of that loss in NumPyro's unconstrained parameters (exp for positive,
  a·sigmoid for interval(0, a)), the noise held fixed.
And the posterior mean of beta after NumPyro's own fit in test_beta_bernoulli (cholesky base, adam 0.01,
3000 steps, 4000 draws).
Run: /tmp/phlox-oracle/bin/python packages/autoguide/scripts/dais_reference.py
"""
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import numpyro.optim as optim
from numpyro import handlers
from numpyro.distributions import biject_to, constraints
from numpyro.infer import SVI, Trace_ELBO
from numpyro.infer.autoguide import AutoDAIS
from numpyro.infer.initialization import init_to_median
from numpyro.infer.util import potential_energy

jax.config.update("jax_enable_x64", True)

data = jnp.array([[1.0] * 8 + [0.0] * 2, [1.0] * 4 + [0.0] * 6]).T


def model(data):
    f = numpyro.sample("beta", dist.Beta(jnp.ones(2), jnp.ones(2)).to_event())
    with numpyro.plate("N", 10):
        numpyro.sample("obs", dist.Bernoulli(f).to_event(1), obs=data)


K, D = 3, 2
rng = np.random.default_rng(3)
out = {"data": np.asarray(data).tolist(), "K": K}
for base in ["diagonal", "cholesky"]:
    guide = AutoDAIS(model, K=K, base_dist=base)
    handlers.seed(guide, 0)(data)  # prototype
    params = {
        "auto_eta0": 0.07,
        "auto_eta_coeff": 0.03,
        "auto_gamma": 0.8,
        "auto_beta_increments": jnp.asarray([0.5, 1.0, 2.0]),
        "auto_mass_matrix": jnp.asarray([0.8, 1.3]),
        "auto_z_0_loc": jnp.asarray([0.9, -0.3]),
    }
    if base == "diagonal":
        params["auto_z_0_scale"] = jnp.asarray([0.4, 0.6])
    else:
        params["auto_z_0_scale_tril"] = jnp.asarray([[0.4, 0.0], [0.25, 0.6]])
    xi = rng.normal(size=D * (K + 1))
    cons = {
        "auto_eta0": constraints.interval(0, 0.1),
        "auto_eta_coeff": constraints.real,
        "auto_gamma": constraints.interval(0, 1),
        "auto_beta_increments": constraints.positive,
        "auto_mass_matrix": constraints.positive,
        "auto_z_0_loc": constraints.real,
        "auto_z_0_scale": constraints.positive,
        "auto_z_0_scale_tril": constraints.scaled_unit_lower_cholesky,
    }

    def pieces(p):
        loc = p["auto_z_0_loc"]
        if base == "diagonal":
            q0 = dist.Normal(loc, p["auto_z_0_scale"]).to_event()
            z0 = loc + p["auto_z_0_scale"] * xi[:D]
        else:
            q0 = dist.MultivariateNormal(loc, scale_tril=p["auto_z_0_scale_tril"])
            z0 = loc + p["auto_z_0_scale_tril"] @ xi[:D]
        # momenta eps_k = mass · xi_{k+1}; NumPyro's initial momentum is eps[-1]
        mom = p["auto_mass_matrix"] * jnp.asarray(xi[D:]).reshape(K, D)
        cond = handlers.condition(
            handlers.seed(guide._sample_latent, 1), data={"auto_z_0": z0, "auto_momentum": mom}
        )
        tr = handlers.trace(handlers.substitute(cond, data=p)).get_trace()
        zK = handlers.substitute(cond, data=p)()
        factor = tr["auto_factor"]["fn"].log_factor
        U = potential_energy(model, (data,), {}, {"beta": zK})
        return zK, q0.log_prob(z0), factor, U

    zK, lq0, factor, U = pieces({k: jnp.asarray(v) for k, v in params.items()})
    case = {
        "params": {k: {"data": np.asarray(v).ravel().tolist(), "shape": list(np.shape(v))} for k, v in params.items()},
        "xi": xi.tolist(),
        "zK": np.asarray(zK).tolist(),
        "logQ0": float(lq0),
        "factor": float(factor),
        "U": float(U),
        "loss": float(U + lq0 + factor),
    }
    if base == "diagonal":
        uparams = {k: biject_to(cons[k]).inv(jnp.asarray(v)) for k, v in params.items()}

        def loss(up):
            p = {k: biject_to(cons[k])(v) for k, v in up.items()}
            zK, lq0, factor, U = pieces(p)
            return U + lq0 + factor

        g = jax.grad(loss)(uparams)
        case["gradUnconstrained"] = {k: np.asarray(v).ravel().tolist() for k, v in g.items()}
    out[base] = case

# NumPyro's test_beta_bernoulli fit for AutoDAIS
guide = AutoDAIS(model, init_loc_fn=init_to_median(num_samples=2), base_dist="cholesky")
svi = SVI(model, guide, optim.Adam(0.01), Trace_ELBO())
res = svi.run(jax.random.key(1), 3000, data, progress_bar=False)
post = guide.sample_posterior(jax.random.key(1), res.params, sample_shape=(4000,))
out["fit"] = {
    "trueCoefs": ((np.asarray(data).sum(0) + 1) / (10 + 2)).tolist(),
    "posteriorMean": np.asarray(post["beta"].mean(0)).tolist(),
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "dais.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)
