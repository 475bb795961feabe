"""ArviZ 0.23.4's `compare(method="BB-pseudo-BMA")` on three models, for fixtures/bb-pseudo-bma.json.

Run from the repository root:  <oracle python> packages/diagnostics/scripts/bb_pseudo_bma.py

The weights and standard errors come from a Bayesian bootstrap on NumPy's generator, which Phlox does not
reproduce, so ArviZ runs with many bootstrap samples (b_samples = 100000) and the fixture also records the
sd over bootstrap samples of each model's weight (`weight_sd`, from the same formula on the same Dirichlet
draws): the test compares Phlox's own bootstrap with ArviZ's within their Monte Carlo errors.
"""

import json
import os
import warnings

import arviz as az
import numpy as np
import scipy.stats as st

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261206)
C, D, N = 2, 100, 40
B = 100_000
SEED = 11

y = rng.normal(0.3, 1.0, size=N)
post = {"mu": rng.normal(0.3, 0.15, size=(C, D))}
models = {}
for name, (shift, scale) in {"close": (0.0, 1.0), "shifted": (0.35, 1.0), "wide": (0.1, 1.6)}.items():
    mu = post["mu"][..., None] + shift
    ll = st.norm(mu, scale).logpdf(y)
    models[name] = {"log_lik": ll}

cases = {}
for ic in ["loo", "waic"]:
    for scale in ["log", "deviance"]:
        for alpha in [1.0, 0.5]:
            group = {
                m: az.from_dict(posterior=post, log_likelihood={"y": v["log_lik"]}) for m, v in models.items()
            }
            df = az.compare(group, ic=ic, method="BB-pseudo-BMA", scale=scale, b_samples=B, alpha=alpha, seed=SEED)
            # the per-sample weights of ArviZ's loop, to size the Monte Carlo error of their mean
            fn = az.loo if ic == "loo" else az.waic
            sv = 1 if scale == "log" else -2
            vals = np.column_stack(
                [np.asarray(fn(group[m], pointwise=True, scale=scale)[f"{ic}_i"].values) for m in df.index]
            ) * N
            u = st.dirichlet.rvs(alpha=[alpha] * N, size=B, random_state=SEED)
            z = u @ vals
            t = z / sv
            w = np.exp(t - t.max(axis=1, keepdims=True))
            w /= w.sum(axis=1, keepdims=True)
            cases[f"{ic}_{scale}_alpha{alpha:g}"] = {
                "ic": ic,
                "scale": scale,
                "alpha": alpha,
                "names": list(df.index),
                "columns": {
                    c: df[c].to_numpy(dtype=float).tolist()
                    for c in ["rank", f"elpd_{ic}", f"p_{ic}", "elpd_diff", "weight", "se", "dse"]
                },
                "weight_sd": w.std(axis=0).tolist(),
            }
            assert np.allclose(w.mean(axis=0), df["weight"].to_numpy(dtype=float), rtol=1e-12)

out = {"b_samples": B, "shape": [C, D, N], "posterior_mu": post["mu"].ravel().tolist(), "log_lik": {m: v["log_lik"].ravel().tolist() for m, v in models.items()},
       "cases": cases}
with open(os.path.join(HERE, "..", "fixtures", "bb-pseudo-bma.json"), "w") as f:
    json.dump(out, f)
print("wrote", len(cases), "cases")
