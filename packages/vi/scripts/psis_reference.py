"""NumPyro 0.21 reference numbers for psisDiagnostic.

- `_psis_khat` (numpyro.infer.importance) on fixed vectors of log weights: log|t_3| draws, Normal draws,
  and heavy-tailed Pareto log weights (numpy seed 0);
- `psis_diagnostic` with 1000 particles for an AutoNormal guide on x ~ Normal(0, 1), y = 1 ~ Normal(x, 1)
  (exact posterior Normal(0.5, 1/√2)) at guide scales 1.0 (wider than the posterior), 0.6 and 0.3
  (narrower), averaged over 20 keys (k̂ is random), with the spread across keys.
Run: /tmp/phlox-oracle/bin/python packages/vi/scripts/psis_reference.py
"""
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro.infer.autoguide import AutoNormal
from numpyro.infer.importance import _psis_khat, psis_diagnostic

jax.config.update("jax_enable_x64", True)

rng = np.random.default_rng(0)
vectors = {
    "logAbsT3": np.log(np.abs(rng.standard_t(3, size=800))),
    "normal": rng.normal(size=500),
    "pareto": np.log(rng.pareto(0.8, size=1000) + 1),
}
out = {"khat": {k: {"logWeights": v.tolist(), "khat": _psis_khat(v)} for k, v in vectors.items()}}


def model(y):
    x = numpyro.sample("x", dist.Normal(0, 1))
    numpyro.sample("y", dist.Normal(x, 1), obs=y)


guide = AutoNormal(model)
numpyro.handlers.seed(guide, 0)(1.0)
cases = []
for scale in [1.0, 0.6, 0.3]:
    params = {"x_auto_loc": jnp.asarray(0.5), "x_auto_scale": jnp.asarray(scale)}
    ks = [
        psis_diagnostic(jax.random.key(i), params, model, guide, 1.0, num_particles=1000)
        for i in range(20)
    ]
    cases.append({"scale": scale, "meanKhat": float(np.mean(ks)), "sdKhat": float(np.std(ks))})
out["autoNormal"] = {"loc": 0.5, "y": 1.0, "numParticles": 1000, "cases": cases}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "psis-diagnostic.json"
path.write_text(json.dumps(out) + "\n")
print("wrote", path, {k: v["khat"] for k, v in out["khat"].items()}, cases)
