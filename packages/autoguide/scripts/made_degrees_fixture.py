"""NumPyro 0.21's MADE hidden-unit degrees (`numpyro.nn.auto_reg_nn.sample_mask_indices`) over a grid.

`create_mask(D, hidden_dims, ...)` gives the units of a hidden layer of width h the degrees
`sample_mask_indices(D - 1, h)` = jnp.round(jnp.linspace(1, D - 1, h)) (float64 with x64). Which integer a
value near k + 0.5 rounds to depends on how XLA evaluates the linspace, so Phlox's `hiddenDegrees` is checked
against NumPyro's own output for every D in 2..40 and h in 1..120.

Written to fixtures/made-degrees.json as run lengths: `counts[D][h - 1][k - 1]` is the number of units of
degree k (k = 1..D - 1); NumPyro's degrees are non-decreasing (asserted here), so the run lengths give them
exactly. Run from the repository root: `<oracle python> packages/autoguide/scripts/made_degrees_fixture.py`,
where the oracle python has jax and numpyro 0.21.
"""

import json
import pathlib

import jax
import numpy as np
import numpyro
from numpyro.nn.auto_reg_nn import sample_mask_indices

jax.config.update("jax_enable_x64", True)

D_RANGE = (2, 40)
H_RANGE = (1, 120)

counts = {}
for D in range(D_RANGE[0], D_RANGE[1] + 1):
    rows = []
    for h in range(H_RANGE[0], H_RANGE[1] + 1):
        deg = np.asarray(sample_mask_indices(D - 1, h))
        assert deg.dtype == np.float64 and deg.shape == (h,)
        ints = deg.astype(int)
        assert np.all(ints == deg) and np.all(np.diff(ints) >= 0) and ints[0] >= 1 and ints[-1] <= D - 1
        rows.append([int(np.sum(ints == k)) for k in range(1, D)])
    counts[str(D)] = rows

lines = [
    "{",
    f' "numpyro": {json.dumps(numpyro.__version__)},',
    f' "jax": {json.dumps(jax.__version__)},',
    f' "D": {json.dumps(list(D_RANGE))},',
    f' "h": {json.dumps(list(H_RANGE))},',
    ' "counts": {',
]
items = list(counts.items())
for i, (D, rows) in enumerate(items):
    sep = "," if i + 1 < len(items) else ""
    lines.append(f'  "{D}": {json.dumps(rows, separators=(",", ":"))}{sep}')
lines += [" }", "}"]
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "made-degrees.json"
path.write_text("\n".join(lines) + "\n")
json.loads(path.read_text())
print("wrote", path)
