"""NumPyro 0.21 reference numbers for AutoNormal and AutoDelta on local latent variables in a subsampled plate.

Model: per observation i of N = 10, in plate("N", 10, subsample_size=4),
  mu ~ Normal(0, 1), sigma ~ HalfNormal(1)                       (global)
  z_i ~ Normal(mu, sigma), t_i ~ HalfNormal(1), v_i ~ Normal(0, 1)^2 (local; t positive, v an event of 2)
  y_i ~ Normal(z_i + 0.1 (v_i1 + v_i2), 0.5 + t_i)                 (observed, subsampled).
Records, for each guide:
- the parameter names and shapes the guide creates (local sites get the plate's full size);
- at fixed random parameters, a fixed minibatch (the plate's indices substituted) and a fixed guide key:
  the single-particle ELBO (log p − log q of one guide draw, both scaled by N / 4 inside the plate), the
  guide's draw in the unconstrained space, and the gradient of −ELBO with respect to the unconstrained
  parameters (scale parameters through softplus, AutoDelta's locations through the site's biject_to).
Run with the Python oracle (NumPyro 0.21):
  python packages/autoguide/scripts/local_latents_reference.py
"""

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.distributions.transforms import biject_to
from numpyro.infer.autoguide import AutoDelta, AutoDiagonalNormal, AutoNormal
from numpyro.infer.util import log_density

jax.config.update("jax_enable_x64", True)

N, B = 10, 4
rng = np.random.default_rng(17)
Y = np.round(rng.normal(1.0, 1.5, size=N), 3)
IDX = np.array([7, 2, 9, 4], dtype=np.int32)


def model(y):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("N", N, subsample_size=B):
        z = numpyro.sample("z", dist.Normal(mu, sigma))
        t = numpyro.sample("t", dist.HalfNormal(1.0))
        v = numpyro.sample("v", dist.Normal(0.0, 1.0).expand([2]).to_event(1))
        yb = numpyro.subsample(y, event_dim=0)
        numpyro.sample("y", dist.Normal(z + 0.1 * v.sum(-1), 0.5 + t), obs=yb)


def fixed(fn):
    return handlers.substitute(fn, data={"N": jnp.asarray(IDX)})


def case(guide_cls, constraints):
    guide = guide_cls(model)
    with handlers.seed(rng_seed=0):
        guide(jnp.asarray(Y))
    shapes = {}
    with handlers.seed(rng_seed=1):
        tr = handlers.trace(guide).get_trace(jnp.asarray(Y))
    for name, site in tr.items():
        if site["type"] == "param":
            shapes[name] = list(np.shape(site["value"]))
    # fixed random unconstrained parameters; constrained through each parameter's constraint
    prng = np.random.default_rng(3)
    unc = {k: jnp.asarray(prng.normal(0.0, 0.5, size=s)) for k, s in shapes.items()}
    transforms = {k: biject_to(constraints(k)) for k in shapes}

    def elbo(u):
        params = {k: transforms[k](v) for k, v in u.items()}
        g = handlers.seed(fixed(guide), rng_seed=5)
        lq, gtr = log_density(g, (jnp.asarray(Y),), {}, params)
        lp, _ = log_density(handlers.replay(fixed(model), gtr), (jnp.asarray(Y),), {}, params)
        return lp - lq, gtr

    value, gtr = elbo(unc)
    grad = jax.grad(lambda u: -elbo(u)[0])(unc)
    draw = {}
    for name in ("mu", "sigma", "z", "t", "v"):
        site = gtr[name]
        draw[name] = np.asarray(biject_to(site["fn"].support).inv(site["value"])).ravel().tolist()
    return {
        "shapes": shapes,
        "unconstrained": {k: np.asarray(v).ravel().tolist() for k, v in unc.items()},
        "params": {k: np.asarray(transforms[k](v)).ravel().tolist() for k, v in unc.items()},
        "elbo": float(value),
        "draw": draw,
        "grad": {k: np.asarray(v).ravel().tolist() for k, v in grad.items()},
    }


def normal_constraint(name):
    return dist.constraints.softplus_positive if name.endswith("_scale") else dist.constraints.real


SUPPORTS = {"mu": dist.constraints.real, "sigma": dist.constraints.positive, "z": dist.constraints.real,
            "t": dist.constraints.positive, "v": dist.constraints.real_vector}


def delta_constraint(name):
    return SUPPORTS[name.split("_auto_")[0]]


# NumPyro's AutoContinuous refuses local latent variables in a subsampled plate.
try:
    g = AutoDiagonalNormal(model)
    with handlers.seed(rng_seed=0):
        g(jnp.asarray(Y))
    continuous_error = None
except ValueError as e:
    continuous_error = str(e)

out = {
    "N": N,
    "subsampleSize": B,
    "y": Y.tolist(),
    "indices": IDX.tolist(),
    "autoNormal": case(AutoNormal, normal_constraint),
    "autoDelta": case(AutoDelta, delta_constraint),
    "autoContinuousError": continuous_error,
    "numpyro": numpyro.__version__,
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "local-latents.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps({k: out[k] for k in ("autoContinuousError",)}), out["autoNormal"]["shapes"], out["autoNormal"]["elbo"],
      out["autoDelta"]["elbo"])
