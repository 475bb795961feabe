"""NumPyro 0.21 reference values for SimplexToOrderedTransform and AbsTransform (issue 23).

Run:  <oracle python> packages/distributions/scripts/transform_fixtures.py
Writes packages/distributions/fixtures/transforms2.json: per case the input x, NumPyro's forward y, inverse(y)
and log_abs_det_jacobian(x, y).
"""

import json
import os

import numpy as np

import jax

jax.config.update("jax_enable_x64", True)
import numpyro  # noqa: E402
from numpyro.distributions import transforms as T  # noqa: E402

rng = np.random.default_rng(20261207)
cases = []
for shape, anchor in [((4,), 0.0), ((3, 5), 0.7), ((2, 3, 3), None)]:
    x = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]) if len(shape) > 1 else rng.dirichlet(np.ones(shape[-1]))
    a = rng.normal(size=shape[:-1]) if anchor is None else anchor
    t = T.SimplexToOrderedTransform(jax.numpy.asarray(a))
    y = t(jax.numpy.asarray(x))
    cases.append({"name": f"SimplexToOrdered/{'x'.join(map(str, shape))}", "anchorPoint": np.asarray(a).tolist(),
                  "x": x.tolist(), "y": np.asarray(y).tolist(), "inverse": np.asarray(t.inv(y)).tolist(),
                  "logDet": np.asarray(t.log_abs_det_jacobian(x, y)).tolist()})
xa = rng.normal(size=(3, 4))
cases.append({"name": "Abs/3x4", "x": xa.tolist(), "y": np.asarray(T.AbsTransform()(xa)).tolist()})
out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "transforms2.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/transform_fixtures.py", "numpyro": numpyro.__version__, "cases": cases}, f)
print("wrote", len(cases), "cases")
