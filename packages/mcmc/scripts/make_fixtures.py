"""Reference fixtures for @phlox/mcmc's tests (run: /tmp/phlox-oracle/bin/python scripts/make_fixtures.py).

- welford.json: 40 draws of a 3-vector; numpy's unbiased variance and covariance (np.var ddof=1, np.cov).
- logistic.json: simulated logistic regression (true coefficients [1, 2, 3], N=1000, X ~ N(0, 1)) and the
  posterior mode under a N(0, 1) prior from scipy.optimize (BFGS on the exact log density).
- beta_bernoulli.json: 1000 Bernoulli(0.9) draws summarised as (n, k) and the exact Beta(k+1, n-k+1)
  posterior mean and sd of p.
"""
import json
from pathlib import Path

import numpy as np
from scipy import optimize, special, stats

out = Path(__file__).resolve().parent.parent / "fixtures"
out.mkdir(exist_ok=True)
rng = np.random.default_rng(20261126)

x = rng.normal(size=(40, 3)) @ np.array([[1.0, 0.5, 0.0], [0.0, 2.0, 0.3], [0.0, 0.0, 0.7]])
(out / "welford.json").write_text(json.dumps({
    "samples": x.tolist(),
    "variance": np.var(x, axis=0, ddof=1).tolist(),
    "covariance": np.cov(x, rowvar=False).tolist(),
}))

n, d = 1000, 3
true = np.array([1.0, 2.0, 3.0])
X = rng.normal(size=(n, d))
y = (rng.uniform(size=n) < special.expit(X @ true)).astype(float)


def neg_log_post(b):
    logits = X @ b
    return -(np.sum(y * logits - np.logaddexp(0, logits)) - 0.5 * b @ b)


def grad(b):
    return -(X.T @ (y - special.expit(X @ b)) - b)


res = optimize.minimize(neg_log_post, np.zeros(d), jac=grad, method="BFGS", options={"gtol": 1e-10})
(out / "logistic.json").write_text(json.dumps({
    "X": np.round(X, 6).tolist(),
    "y": y.astype(int).tolist(),
    "trueCoefs": true.tolist(),
    "mapCoefs": res.x.tolist(),
}))

draws = rng.uniform(size=1000) < 0.9
k, m = int(draws.sum()), int(draws.size)
post = stats.beta(k + 1, m - k + 1)
(out / "beta_bernoulli.json").write_text(json.dumps({
    "n": m, "k": k, "posteriorMean": float(post.mean()), "posteriorSd": float(post.std()),
}))

# keys.json: jax.random.split on raw threefry keys (JAX's default partitionable mode), to check splitKey.
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
cases = []
for seed in [0, 7, 123456789]:
    k = jax.random.PRNGKey(seed)
    cases.append({
        "key": [int(v) for v in np.asarray(k)],
        "split4": np.asarray(jax.random.split(k, 4)).astype(int).tolist(),
    })
(out / "keys.json").write_text(json.dumps({"jax": jax.__version__, "cases": cases}))

# eight_schools_noncentered.json is copied (data, reference means and sds) from the kit's posteriordb
# reference, ../shared/reference/posteriordb/eight_schools-eight_schools_noncentered.json (beside the repo).
ref_path = (
    Path(__file__).resolve().parents[4] / "shared/reference/posteriordb/eight_schools-eight_schools_noncentered.json"
)
if ref_path.exists():
    ref = json.loads(ref_path.read_text())
    (out / "eight_schools_noncentered.json").write_text(json.dumps({
        "source": ref["reference_source"],
        "data": ref["data"],
        "reference": {k: {"mean": v["mean"], "sd": v["sd"]} for k, v in ref["reference"].items()},
    }))
