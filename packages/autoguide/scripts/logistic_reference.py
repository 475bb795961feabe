"""Reference posterior for the 2-parameter logistic regression used by the autoguide tests.

Model: alpha ~ Normal(0, 5), beta ~ Normal(0, 2.5), y_i ~ Bernoulli(logit = alpha + beta * x_i).
Data: N = 200, x ~ Normal(0, 1), true alpha = 1, beta = 2 (numpy seed 0).
The exact posterior is computed by quadrature on a fine grid (no MCMC): marginal means, sds, quantiles,
the MAP and the Hessian of -log p at the MAP.
Run: /tmp/phlox-oracle/bin/python packages/autoguide/scripts/logistic_reference.py
"""
import json
import pathlib

import numpy as np
from scipy import optimize, special, stats

rng = np.random.default_rng(0)
N = 200
x = rng.normal(size=N)
y = (rng.uniform(size=N) < special.expit(1.0 + 2.0 * x)).astype(float)


def neg_log_joint(th):
    a, b = th
    eta = a + b * x
    ll = np.sum(y * eta - np.logaddexp(0.0, eta))
    return -(ll + stats.norm.logpdf(a, 0, 5) + stats.norm.logpdf(b, 0, 2.5))


mapr = optimize.minimize(neg_log_joint, np.zeros(2), method="BFGS", options={"gtol": 1e-10})
m = mapr.x
p = special.expit(m[0] + m[1] * x)
w = p * (1 - p)
H = np.array([[w.sum() + 1 / 25, (w * x).sum()], [(w * x).sum(), (w * x * x).sum() + 1 / 6.25]])
sd0 = np.sqrt(np.diag(np.linalg.inv(H)))

# grid quadrature over +-8 Laplace sds
G = 801
ga = np.linspace(m[0] - 8 * sd0[0], m[0] + 8 * sd0[0], G)
gb = np.linspace(m[1] - 8 * sd0[1], m[1] + 8 * sd0[1], G)
A, B = np.meshgrid(ga, gb, indexing="ij")
eta = A[..., None] + B[..., None] * x
ll = np.sum(y * eta - np.logaddexp(0.0, eta), axis=-1)
lp = ll + stats.norm.logpdf(A, 0, 5) + stats.norm.logpdf(B, 0, 2.5)
P = np.exp(lp - lp.max())
P /= P.sum()
marg = {"alpha": (ga, P.sum(axis=1)), "beta": (gb, P.sum(axis=0))}
qs = [0.05, 0.25, 0.5, 0.75, 0.95]
ref = {}
for k, (g, pm) in marg.items():
    mean = float((g * pm).sum())
    sd = float(np.sqrt(((g - mean) ** 2 * pm).sum()))
    cdf = np.cumsum(pm)
    quant = [float(np.interp(q, cdf - pm / 2, g)) for q in qs]
    ref[k] = {"mean": mean, "sd": sd, "quantiles": quant}
cov = float((((A - ref["alpha"]["mean"]) * (B - ref["beta"]["mean"])) * P).sum())

out = {
    "description": "2-parameter logistic regression; exact posterior by grid quadrature (801x801)",
    "x": x.tolist(),
    "y": y.tolist(),
    "priorScale": {"alpha": 5.0, "beta": 2.5},
    "quantileLevels": qs,
    "posterior": ref,
    "posteriorCov": cov,
    "map": m.tolist(),
    "hessianAtMap": H.tolist(),
}
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "logistic-regression.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps({k: v for k, v in out.items() if k not in ("x", "y")}, indent=1))
