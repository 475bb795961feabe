"""ArviZ 0.23.4's `ess(method=...)` and `rhat(method=...)` for every method, for fixtures/arviz-methods.json.

Run from the repository root:  <oracle python> packages/diagnostics/scripts/arviz_methods.py

Datasets (seeded): independent normal draws, an AR(1) chain set with ρ = 0.9 and an odd draw count, integer-
valued draws with many ties, one chain, chains with different locations, and a set holding a NaN.
"""

import json
import os
import warnings

import arviz as az
import numpy as np

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261206)


def ar1(c, d, phi):
    x = np.zeros((c, d))
    e = rng.normal(size=(c, d))
    x[:, 0] = e[:, 0]
    for t in range(1, d):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x


data = {
    "normal": rng.normal(size=(4, 100)),
    "ar1_odd": ar1(3, 101, 0.9),
    "ties": rng.poisson(2.0, size=(4, 60)).astype(float),
    "one_chain": rng.normal(size=(1, 80)),
    "shifted_chains": rng.normal(size=(4, 50)) + np.array([[0.0], [0.0], [1.5], [0.0]]),
}
with_nan = rng.normal(size=(2, 40))
with_nan[1, 7] = np.nan
data["with_nan"] = with_nan

ESS = ["bulk", "tail", "quantile", "mean", "sd", "median", "mad", "z_scale", "folded", "identity", "local"]
RHAT = ["rank", "split", "folded", "z_scale", "identity"]
cases = {}
for name, x in data.items():
    res = {}
    for m in ESS:
        prob = {"quantile": 0.3, "local": (0.2, 0.7), "tail": None}.get(m)
        for rel in [False, True]:
            kw = {"method": m, "relative": rel}
            if prob is not None:
                kw["prob"] = prob
            res[f"ess_{m}{'_rel' if rel else ''}"] = float(az.ess(x, **kw))
    for m in RHAT:
        res[f"rhat_{m}"] = float(az.rhat(x, method=m))
    cases[name] = {"x": x.tolist(), "values": res}


def enc(v):
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, dict):
        return {k: enc(w) for k, w in v.items()}
    if isinstance(v, list):
        return [enc(w) for w in v]
    return v


with open(os.path.join(HERE, "..", "fixtures", "arviz-methods.json"), "w") as f:
    json.dump(enc(cases), f)
print("wrote", len(cases), "datasets")
