"""Generate fixtures/arviz.json and fixtures/numpyro.json for @phlox/diagnostics.

Inputs are seeded random and pathological draws; outputs come from ArviZ 0.23.4 and NumPyro 0.21.0
themselves (the oracle environment of ../shared/tools/python-oracle.sh).

Run from the repository root:

    mkdir -p /tmp/numpyro-src
    git --git-dir=<a NumPyro git mirror> archive 0.21.0 numpyro | tar -x -C /tmp/numpyro-src
    PYTHONPATH=/tmp/numpyro-src /tmp/phlox-oracle/bin/python packages/diagnostics/scripts/arviz_fixtures.py

NaN is written as null and +/-inf as the strings "inf"/"-inf" (JSON has neither).
"""

import json
import math
import os
import warnings

import arviz as az
import numpy as np
from scipy.optimize import minimize

import numpyro.diagnostics as nd

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures")
rng = np.random.default_rng(20261126)


def enc(x):
    """Encode numbers (and nested lists/arrays) for JSON, NaN -> None, inf -> strings."""
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, np.ndarray):
        return enc(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(x, str):
        return x
    raise TypeError(type(x))


def ar1(shape, phi, scale=1.0):
    """AR(1) chains along axis 1."""
    eps = rng.normal(size=shape) * scale
    out = np.empty(shape)
    out[:, 0] = eps[:, 0]
    for t in range(1, shape[1]):
        out[:, t] = phi * out[:, t - 1] + eps[:, t]
    return out


# ---------------------------------------------------------------- convergence datasets
datasets = {}
datasets["normal_iid"] = rng.normal(size=(4, 200))
datasets["ar1_vector"] = ar1((4, 150, 3), 0.8)
datasets["constant"] = np.full((4, 50), 1.5)
stuck = rng.normal(size=(4, 120))
stuck[2, :] = 0.37
datasets["stuck_chain"] = stuck
datasets["heavy_tails"] = rng.standard_cauchy(size=(4, 250))
datasets["one_chain"] = ar1((1, 400), 0.5)
datasets["odd_draws"] = ar1((3, 101), 0.3)
datasets["ties_poisson"] = rng.poisson(2.0, size=(4, 150)).astype(float)
shifted = rng.normal(size=(4, 100))
shifted[3] += 3.0
datasets["shifted_chain"] = shifted
datasets["slow_mixing"] = ar1((2, 300), 0.995)
datasets["tiny"] = rng.normal(size=(2, 4))
with_nan = rng.normal(size=(2, 50))
with_nan[1, 7] = np.nan
datasets["with_nan"] = with_nan

QPROB = 0.25


def arviz_stats(x):
    """ArviZ diagnostics of one [chain, draw, ...] array, per element, flattened row-major."""
    ds = az.convert_to_dataset({"x": x})
    def get(d):
        return np.asarray(d["x"].values, dtype=float).reshape(-1)
    out = {
        "rhat": get(az.rhat(ds, method="rank")),
        "rhat_split": get(az.rhat(ds, method="split")),
        "ess_bulk": get(az.ess(ds, method="bulk")),
        "ess_tail": get(az.ess(ds, method="tail")),
        "ess_mean": get(az.ess(ds, method="mean")),
        "ess_sd": get(az.ess(ds, method="sd")),
        "ess_median": get(az.ess(ds, method="median")),
        "ess_quantile": get(az.ess(ds, method="quantile", prob=QPROB)),
        "mcse_mean": get(az.mcse(ds, method="mean")),
        "mcse_sd": get(az.mcse(ds, method="sd")),
        "mcse_median": get(az.mcse(ds, method="median")),
        "mcse_quantile": get(az.mcse(ds, method="quantile", prob=QPROB)),
    }
    flat = x.reshape((-1,) + x.shape[2:])
    h = az.hdi(ds, hdi_prob=0.9)["x"].values  # [..., 2]
    out["hdi90"] = np.asarray(h).reshape(-1, 2)
    s = az.summary(ds, round_to="none")
    out["summary"] = {c: s[c].to_numpy(dtype=float) for c in s.columns}
    out["summary_columns"] = list(s.columns)
    return out


def numpyro_stats(x):
    flat = x.reshape((-1,) + x.shape[2:])
    out = {
        "split_gelman_rubin": np.asarray(nd.split_gelman_rubin(x)).reshape(-1),
        "effective_sample_size": np.asarray(nd.effective_sample_size(x)).reshape(-1),
        "effective_sample_size_unbiased": np.asarray(nd.effective_sample_size(x, bias=False)).reshape(-1),
        "hpdi90": np.asarray(nd.hpdi(flat, prob=0.9)).reshape(2, -1),
    }
    if x.shape[0] >= 2:
        out["gelman_rubin"] = np.asarray(nd.gelman_rubin(x)).reshape(-1)
    s = nd.summary({"x": x}, prob=0.9)["x"]
    out["summary"] = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in s.items()}
    return out


conv = {}
npy = {}
for name, x in datasets.items():
    conv[name] = {"shape": list(x.shape), "data": x.reshape(-1), "arviz": arviz_stats(x)}
    npy[name] = numpyro_stats(x)

# ---------------------------------------------------------------- model comparison datasets
N_OBS, C, D = 10, 4, 80
y = rng.normal(1.0, 1.0, size=N_OBS)
y[5] = 5.0  # an outlier: large Pareto k for the normal model


def model(kind):
    mu = 1.0 + 0.25 * ar1((C, D), 0.6) * math.sqrt(1 - 0.36)
    sigma = np.exp(0.1 * ar1((C, D), 0.5))
    if kind == "normal":
        ll = -0.5 * ((y[None, None, :] - mu[..., None]) / sigma[..., None]) ** 2 - np.log(sigma[..., None]) - 0.5 * math.log(2 * math.pi)
    elif kind == "shifted":
        # Complementary to "normal": better for the upper observations, so stacking mixes them.
        m, s = mu + 1.2, 0.8 * sigma
        ll = -0.5 * ((y[None, None, :] - m[..., None]) / s[..., None]) ** 2 - np.log(s[..., None]) - 0.5 * math.log(2 * math.pi)
    else:  # Student t with 3 degrees of freedom
        from scipy.stats import t as student
        ll = student.logpdf(y[None, None, :], 3, loc=mu[..., None], scale=sigma[..., None])
    return {"mu": mu, "sigma": sigma}, ll


models = {}
idatas = {}
for kind in ["normal", "shifted", "student"]:
    post, ll = model(kind)
    idata = az.from_dict(posterior=post, log_likelihood={"y": ll})
    idatas[kind] = idata
    lo = az.loo(idata, pointwise=True)
    lo_dev = az.loo(idata, pointwise=True, scale="deviance")
    wa = az.waic(idata, pointwise=True)
    reff = float(
        np.hstack([az.ess(idata.posterior, method="mean")[v].values.flatten() for v in ["mu", "sigma"]]).mean() / (C * D)
    )
    models[kind] = {
        "posterior": {"mu": post["mu"].reshape(-1), "sigma": post["sigma"].reshape(-1)},
        "log_lik": ll.reshape(-1),
        "reff": reff,
        "loo": {
            "elpd_loo": lo["elpd_loo"], "se": lo["se"], "p_loo": lo["p_loo"], "warning": bool(lo["warning"]),
            "loo_i": lo["loo_i"].values, "pareto_k": lo["pareto_k"].values, "good_k": lo["good_k"],
        },
        "loo_deviance": {"elpd_loo": lo_dev["elpd_loo"], "se": lo_dev["se"], "p_loo": lo_dev["p_loo"], "loo_i": lo_dev["loo_i"].values},
        "waic": {
            "elpd_waic": wa["elpd_waic"], "se": wa["se"], "p_waic": wa["p_waic"], "warning": bool(wa["warning"]),
            "waic_i": wa["waic_i"].values,
        },
    }
    if kind != "student":
        continue
    # loo_pit with a posterior predictive draw per sample and ArviZ's PSIS weights.
    y_hat = mu_rep = post["mu"][..., None] + post["sigma"][..., None] * rng.normal(size=(C, D, N_OBS))
    lw, _ = az.psislw(-ll.reshape(-1, N_OBS).T, reff=reff)
    pit = az.loo_pit(y=y, y_hat=y_hat.reshape(-1, N_OBS).T, log_weights=np.asarray(lw))
    models[kind]["y_hat"] = y_hat.reshape(-1)
    models[kind]["loo_pit"] = np.asarray(pit)


def stacking_exact(ics):
    """Tight solution of ArviZ's stacking objective (SLSQP with a tiny tolerance), for comparison."""
    mat = np.exp(np.column_stack(ics))
    cols = mat.shape[1]
    res = minimize(
        lambda w: -np.sum(np.log(mat @ w)), np.full(cols, 1 / cols),
        jac=lambda w: -np.sum(mat / (mat @ w)[:, None], axis=0),
        bounds=[(0, 1)] * cols, constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1}],
        method="SLSQP", options={"ftol": 1e-15, "maxiter": 10000},
    )
    return res.x


comparisons = {}
pair = {k: idatas[k] for k in ["normal", "shifted"]}
for ic in ["loo", "waic"]:
    for method in ["stacking", "pseudo-BMA"]:
        for label, group in [("all", idatas), ("pair", pair)]:
          df = az.compare(group, ic=ic, method=method)
          comparisons[f"{label}_{ic}_{method}"] = {
              "names": list(df.index),
              "columns": {c: df[c].to_numpy(dtype=float) for c in ["rank", f"elpd_{ic}", f"p_{ic}", "elpd_diff", "weight", "se", "dse"]},
          }
for key in list(comparisons):
    if "stacking" in key:
        ic = "loo" if "_loo_" in key else "waic"
        fn = az.loo if ic == "loo" else az.waic
        col = f"{ic}_i"
        order = comparisons[key]["names"]
        comparisons[key]["weight_tight"] = stacking_exact([np.asarray(fn(idatas[m], pointwise=True)[col].values) for m in order])

# Pareto smoothing on its own: a short vector (tail of 4 → k = inf) and a long heavy-tailed one.
psis_cases = {}
for label, vec, reff in [
    ("short", rng.normal(size=20), 1.0),
    ("heavy", rng.standard_t(2, size=1000), 0.8),
    ("normal", rng.normal(size=600), 1.0),
]:
    lw, k = az.psislw(vec, reff=reff)
    psis_cases[label] = {"log_ratios": vec, "reff": reff, "log_weights": np.asarray(lw), "k": float(k)}

# One chain (the first chain of the "normal" model): ArviZ uses r_eff = 1.
ll_normal = np.asarray(models["normal"]["log_lik"]).reshape(C, D, N_OBS)
post_normal = {k: np.asarray(v).reshape(C, D) for k, v in models["normal"]["posterior"].items()}
idata1 = az.from_dict(posterior={k: v[:1] for k, v in post_normal.items()}, log_likelihood={"y": ll_normal[:1]})
lo1 = az.loo(idata1, pointwise=True)
one_chain_loo = {
    "shape": [1, D, N_OBS],
    "elpd_loo": lo1["elpd_loo"], "se": lo1["se"], "p_loo": lo1["p_loo"], "pareto_k": lo1["pareto_k"].values,
}

arviz_fixture = {
    "arviz_version": az.__version__,
    "quantile_prob": QPROB,
    "convergence": conv,
    "ic": {"y": y, "shape": [C, D, N_OBS], "models": models, "compare": comparisons, "one_chain_loo": one_chain_loo},
    "psislw": psis_cases,
}

# ---------------------------------------------------------------- NumPyro's own deterministic cases
x10 = np.arange(10.0)
gr = np.empty((2, 10))
gr[0] = np.arange(10.0)
gr[1] = np.arange(10.0) + 1
normal = rng.normal(size=4000)
numpyro_fixture = {
    "datasets": npy,
    "cases": {
        "autocorrelation_arange10_unbiased": np.asarray(nd.autocorrelation(x10, bias=False)),
        "autocorrelation_arange10_biased": np.asarray(nd.autocorrelation(x10, bias=True)),
        "autocovariance_arange10_unbiased": np.asarray(nd.autocovariance(x10, bias=False)),
        "autocovariance_arange10_biased": np.asarray(nd.autocovariance(x10, bias=True)),
        "gelman_rubin_arange": float(nd.gelman_rubin(gr)),
        "split_gelman_rubin_arange": float(nd.split_gelman_rubin(gr)),
        "ess_arange_100x10_unbiased": float(nd.effective_sample_size(np.arange(1000.0).reshape(100, 10), bias=False)),
        "ess_arange_100x10_biased": float(nd.effective_sample_size(np.arange(1000.0).reshape(100, 10))),
        "normal_draws": normal,
        "hpdi_normal_80": np.asarray(nd.hpdi(normal, prob=0.8)),
        "quantile_normal_10_90": np.quantile(normal, [0.1, 0.9]),
    },
}
import io, contextlib
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    nd.print_summary({"x": datasets["ar1_vector"], "mu": datasets["normal_iid"]}, prob=0.9)
numpyro_fixture["print_summary_text"] = buf.getvalue()

for fname, obj in [("arviz.json", arviz_fixture), ("numpyro.json", numpyro_fixture)]:
    path = os.path.join(OUT, fname)
    with open(path, "w") as f:
        json.dump(enc(obj), f, separators=(",", ":"), allow_nan=False)
    print(path, os.path.getsize(path), "bytes")
