"""NumPyro 0.21 reference numbers for AutoBatchedMultivariateNormal and AutoBatchedLowRankMultivariateNormal.

Cases from NumPyro's test/infer/test_autoguide.py (test_auto_batched, test_auto_batched_shapes):
- the parameter shapes and initial values the guides create for x ~ MVN(0, covs) in a plate of 3,
  covs[b] = I + off_diag[b] (off_diag = [-0.2, 0, 0.5]);
- at fixed random parameters: the guide's entropy (−E_q log q, summed over the batch) and log q at a
  fixed latent vector (MVN guide only), read from the guide's own batched posterior;
- the fitted covariance after an SVI run on test_auto_batched's model, run to convergence (adam with a step
  size decaying from 0.02 to 0.001 over 20000 steps, 4 particles; the test's own adam 1e-3 for 10000 steps
  leaves the low-rank guide short of its optimum).
Run: /tmp/phlox-oracle/bin/python packages/autoguide/scripts/batched_reference.py
"""
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.optim
import numpyro.distributions as dist

from numpyro import handlers
from numpyro.infer import SVI, Trace_ELBO
from numpyro.infer.autoguide import (
    AutoBatchedLowRankMultivariateNormal,
    AutoBatchedMultivariateNormal,
)

jax.config.update("jax_enable_x64", True)

off_diag = jnp.asarray([-0.2, 0.0, 0.5])
covs = off_diag[:, None, None] + jnp.eye(4)


def model():
    with numpyro.plate("N", 3):
        numpyro.sample("x", dist.MultivariateNormal(0, covs))


out = {"offDiag": off_diag.tolist()}
rng = np.random.default_rng(1)
for name, cls in [
    ("AutoBatchedMultivariateNormal", AutoBatchedMultivariateNormal),
    ("AutoBatchedLowRankMultivariateNormal", AutoBatchedLowRankMultivariateNormal),
]:
    guide = cls(model)
    tr = handlers.trace(handlers.seed(guide, 0)).get_trace()
    init = {k: v["value"] for k, v in tr.items() if v["type"] == "param"}
    shapes = {k: list(v.shape) for k, v in init.items()}
    init_values = {
        k: np.asarray(v).ravel().tolist() for k, v in init.items() if k != "auto_loc"
    }
    # fixed parameters (constrained values)
    loc = rng.normal(size=(3, 4))
    if cls is AutoBatchedMultivariateNormal:
        L = np.tril(rng.normal(size=(3, 4, 4)) * 0.4, -1) + np.stack(
            [np.diag(rng.uniform(0.5, 1.5, size=4)) for _ in range(3)]
        )
        params = {"auto_loc": loc, "auto_scale_tril": L}
    else:
        params = {
            "auto_loc": loc,
            "auto_cov_factor": rng.normal(size=(3, 4, 2)) * 0.5,
            "auto_scale": rng.uniform(0.5, 1.5, size=(3, 4)),
        }
    jparams = {k: jnp.asarray(v) for k, v in params.items()}
    post = handlers.substitute(guide._get_batched_posterior, jparams)()
    entropy = float(jnp.sum(post.entropy()))
    z = rng.normal(size=12)
    log_q = float(
        jnp.sum(post.log_prob(jnp.asarray(z).reshape(3, 4)))
    )
    # NumPyro's fit (test_auto_batched)
    svi = SVI(
        model,
        cls(model),
        numpyro.optim.Adam(lambda i: 0.02 * 0.05 ** (i / 20000)),
        Trace_ELBO(num_particles=4),
    )
    res = svi.run(jax.random.key(0), 20000, progress_bar=False)
    fitted = cls(model)
    handlers.trace(handlers.seed(fitted, 0)).get_trace()
    fpost = handlers.substitute(fitted._get_batched_posterior, res.params)()
    out[name] = {
        "shapes": shapes,
        "initValues": init_values,
        "params": {k: {"data": np.asarray(v).ravel().tolist(), "shape": list(np.shape(v))} for k, v in params.items()},
        "entropy": entropy,
        "z": z.tolist(),
        "logQ": log_q,
        "fittedCovariance": np.asarray(fpost.covariance_matrix).ravel().tolist(),
        "fittedLoc": np.asarray(fpost.loc).ravel().tolist(),
    }

# test_auto_batched_shapes: which calls raise, with which message
def shapes_model(n, m):
    d = dist.Normal().expand([7]).to_event(1)
    with numpyro.plate("n", n):
        numpyro.sample("x", d)
    with numpyro.plate("m", m):
        numpyro.sample("y", d)


errors = {}
for label, kw, args in [("ok", {}, (3, 3)), ("inconsistent", {}, (3, 4)), ("ndim2", {"batch_ndim": 2}, (3, 3))]:
    try:
        with handlers.seed(rng_seed=0):
            g = AutoBatchedMultivariateNormal(shapes_model, **kw)
            g(*args)
        errors[label] = {"error": None, "batchShape": list(g._batch_shape), "eventShape": list(g._event_shape)}
    except ValueError as e:
        errors[label] = {"error": str(e)}
out["shapesCases"] = errors

path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "batched-guides.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)
