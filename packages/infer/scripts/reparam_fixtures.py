"""NumPyro 0.21 reference numbers for ExplicitReparam and ProjectedNormalReparam.

- ExplicitReparam(SoftplusTransform().inv) on x ~ Gamma(4, 4) (NumPyro's docstring example): the potential
  energy of the reparameterised model at unconstrained values of x_base, and x itself;
- ExplicitReparam([ExpTransform().inv, AffineTransform(1, 2)]) on x ~ LogNormal(0.3, 0.8) (a list of transforms);
- ProjectedNormalReparam on dir ~ ProjectedNormal([1, 0.5, -0.3]) in a plate of 2: the potential energy at
  fixed noise values dir_normal and the deterministic dir.
Run: /tmp/phlox-oracle/bin/python packages/infer/scripts/reparam_fixtures.py
"""
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.distributions.transforms import AffineTransform, ExpTransform, SoftplusTransform
from numpyro.infer.reparam import ExplicitReparam, ProjectedNormalReparam
from numpyro.infer.util import potential_energy

jax.config.update("jax_enable_x64", True)
out = {}


def run(model, rp, site, base_name, values):
    rmodel = handlers.reparam(model, config={site: rp})
    rows = []
    for v in values:
        v = jnp.asarray(v)
        pe = potential_energy(rmodel, (), {}, {base_name: v})
        tr = handlers.trace(handlers.substitute(handlers.seed(rmodel, 0), data={base_name: v})).get_trace()
        rows.append({"value": np.asarray(v).ravel().tolist(), "potential": float(pe),
                     "x": np.asarray(tr[site]["value"]).ravel().tolist()})
    return rows


def gamma_model():
    numpyro.sample("x", dist.Gamma(4.0, 4.0))


out["explicitSoftplus"] = run(gamma_model, ExplicitReparam(SoftplusTransform().inv), "x", "x_base",
                              [-1.5, -0.2, 0.0, 0.7, 2.5])


def lognormal_model():
    numpyro.sample("x", dist.LogNormal(0.3, 0.8))


out["explicitList"] = run(lognormal_model, ExplicitReparam([ExpTransform().inv, AffineTransform(1.0, 2.0)]),
                          "x", "x_base", [-2.0, 0.1, 1.3, 4.0])


def pn_model():
    with numpyro.plate("p", 2):
        numpyro.sample("dir", dist.ProjectedNormal(jnp.asarray([1.0, 0.5, -0.3])))


rng = np.random.default_rng(0)
out["projectedNormal"] = run(pn_model, ProjectedNormalReparam(), "dir", "dir_normal",
                             [rng.normal(size=(2, 3)) for _ in range(4)])
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "reparam.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)
