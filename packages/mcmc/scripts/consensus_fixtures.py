"""NumPyro's consensus / parametric on fixed sub-posterior draws (run: <oracle python> scripts/consensus_fixtures.py).

Three shards of 60 draws of two sites, "a" (scalar) and "b" (shape [2]), correlated Gaussians with different
means and covariances. Writes fixtures/consensus.json with the inputs and NumPyro 0.21's hmc_util.consensus
(no resampling, full and diagonal) and hmc_util.parametric (full and diagonal).
"""
import json
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from numpyro.infer.hmc_util import consensus, parametric  # noqa: E402

out = Path(__file__).resolve().parent.parent / "fixtures"
rng = np.random.default_rng(17)
subs = []
for k in range(3):
    mean = rng.normal(size=3) * 2
    m = rng.normal(size=(3, 3)) * 0.5 + np.eye(3)
    x = mean + rng.normal(size=(60, 3)) @ m.T
    subs.append({"a": x[:, 0], "b": x[:, 1:]})

jsubs = [{k: jnp.asarray(v) for k, v in s.items()} for s in subs]
full = consensus(jsubs)
diag = consensus(jsubs, diagonal=True)
pm, pc = parametric(jsubs)
dm, dv = parametric(jsubs, diagonal=True)


def draws(d):
    return {k: np.asarray(v).ravel().tolist() for k, v in d.items()}


(out / "consensus.json").write_text(json.dumps({
    "subposteriors": [draws(s) for s in subs],
    "consensus": draws(full),
    "consensusDiagonal": draws(diag),
    "parametric": {"mean": np.asarray(pm).tolist(), "cov": np.asarray(pc).ravel().tolist()},
    "parametricDiagonal": {"mean": np.asarray(dm).tolist(), "variance": np.asarray(dv).tolist()},
}))
