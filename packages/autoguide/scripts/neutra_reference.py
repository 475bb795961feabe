"""NumPyro 0.21 reference numbers for NeuTraReparam (NumPyro's test_reparam.py::test_reparam_log_joint models).

For Neal's funnel (dim 4) and the Dirichlet–categorical model, with AutoDiagonalNormal and
AutoMultivariateNormal guides at fixed parameters: the potential energy of `neutra.reparam(model)` at fixed
values of `auto_shared_latent` (NumPyro's own potential, which equals U(T(z)) − log|det J_T(z)|), and the
latent sites `transform_sample` gives for those values.
Run: /tmp/phlox-oracle/bin/python packages/autoguide/scripts/neutra_reference.py
"""
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.infer.autoguide import AutoDiagonalNormal, AutoMultivariateNormal
from numpyro.infer.reparam import NeuTraReparam
from numpyro.infer.util import potential_energy

jax.config.update("jax_enable_x64", True)


def neals_funnel(dim):
    y = numpyro.sample("y", dist.Normal(0, 3))
    with numpyro.plate("D", dim):
        numpyro.sample("x", dist.Normal(0, jnp.exp(y / 2)))


def dirichlet_categorical(data):
    p = numpyro.sample("p", dist.Dirichlet(jnp.array([1.0, 1.0, 1.0])))
    with numpyro.plate("N", data.shape[0]):
        numpyro.sample("obs", dist.Categorical(p), obs=data)


rng = np.random.default_rng(5)
out = {}
for mname, model, args in [
    ("funnel", neals_funnel, (4,)),
    ("dirichletCategorical", dirichlet_categorical, (jnp.asarray([0, 1, 1, 2, 1, 1, 0, 1, 2, 1]),)),
]:
    for gname, cls in [("AutoDiagonalNormal", AutoDiagonalNormal), ("AutoMultivariateNormal", AutoMultivariateNormal)]:
        guide = cls(model)
        handlers.seed(guide, 0)(*args)
        D = guide.latent_dim
        loc = rng.normal(size=D) * 0.5
        if cls is AutoDiagonalNormal:
            params = {"auto_loc": loc, "auto_scale": rng.uniform(0.5, 1.5, size=D)}
        else:
            L = np.tril(rng.normal(size=(D, D)) * 0.3, -1) + np.diag(rng.uniform(0.5, 1.5, size=D))
            params = {"auto_loc": loc, "auto_scale_tril": L}
        jp = {k: jnp.asarray(v) for k, v in params.items()}
        neutra = NeuTraReparam(guide, jp)
        rmodel = neutra.reparam(model)
        rows = []
        for _ in range(3):
            z = rng.normal(size=D)
            pe = potential_energy(rmodel, args, {}, {"auto_shared_latent": jnp.asarray(z)})
            ts = neutra.transform_sample(jnp.asarray(z))
            rows.append({"z": z.tolist(), "potential": float(pe),
                         "sites": {k: np.asarray(v).ravel().tolist() for k, v in ts.items()}})
        out[f"{mname}/{gname}"] = {
            "params": {k: {"data": np.asarray(v).ravel().tolist(), "shape": list(np.shape(v))} for k, v in params.items()},
            "rows": rows,
        }
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "neutra.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)
