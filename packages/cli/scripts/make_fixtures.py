"""Fixture runs and their ArviZ oracle for @phlox/cli's tests.

usage: python make_fixtures.py OUTDIR      (run from anywhere; OUTDIR is packages/cli/fixtures)

Writes small InferenceData files whose posterior, sample_stats and log_likelihood are drawn with a fixed
numpy seed (no sampler needed), in the formats `phlox diagnose` / `phlox compare` read:
  good.nc, good.json, good.zarr/   a well-mixed run of a normal model of 8 observations (4 chains x 200)
  bad.nc                           the same model with one stuck chain, divergences and a low-BFMI energy
  model_a.nc ... model_d.nc   four models of the same 8 observations (one an outlier) for compare
and expected.json: az.summary (round_to="none"), az.bfmi, divergence counts and az.compare (loo and waic)
computed by ArviZ on the SAME files it wrote (read back with az.from_netcdf).
"""

import json
import os
import sys

import numpy as np
import xarray as xr
import arviz as az
from scipy import stats

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261205)
C, D = 4, 200
y = np.array([2.1, -0.4, 1.3, 0.8, 3.9, 0.2, 1.1, 9.5])  # the last one an outlier
N = y.size


def normal_run(shift_chain=0.0, n_div=0, sticky_energy=False, loc_scale=(1.0, 1.0), df=None, fixed_mu=None):
    mu = rng.normal(loc_scale[0], 0.45, size=(C, D)) if fixed_mu is None else np.full((C, D), fixed_mu)
    mu[0] += shift_chain
    sigma = np.exp(rng.normal(np.log(2.9), 0.2, size=(C, D)))
    theta = mu[..., None] + rng.normal(0, 0.5, size=(C, D, 3))
    if df is None:
        ll = stats.norm.logpdf(y[None, None, :], mu[..., None], sigma[..., None])
    else:
        ll = stats.t.logpdf(y[None, None, :], df, mu[..., None], sigma[..., None])
    div = np.zeros((C, D), dtype=bool)
    if n_div:
        div.flat[rng.choice(C * D, n_div, replace=False)] = True
    if sticky_energy:  # a random walk: E-BFMI well below 0.3
        energy = 50 + np.cumsum(rng.normal(0, 1, size=(C, D)), axis=1)
    else:
        energy = 50 + rng.normal(0, 2, size=(C, D))
    return az.from_dict(
        posterior={"mu": mu, "sigma": sigma, "theta": theta},
        sample_stats={"diverging": div, "energy": energy, "lp": -energy},
        log_likelihood={"y": ll},
        observed_data={"y": y},
        dims={"theta": ["group"], "y": ["obs"]},
        coords={"group": ["north", "south", "east"]},  # ArviZ labels theta[north], ...
    )


runs = {
    "good": normal_run(),
    "bad": normal_run(shift_chain=1.5, n_div=7, sticky_energy=True),
    "model_a": normal_run(),
    "model_b": normal_run(df=3.0),
    "model_c": normal_run(fixed_mu=0.0),
    "model_d": normal_run(df=12.0, loc_scale=(1.2, 1.0)),
}
for name, idata in runs.items():
    idata.to_netcdf(os.path.join(out, f"{name}.nc"))
runs["good"].to_json(os.path.join(out, "good.json"))
# zarr v3 through DataTree with gzip (Phlox reads zlib/gzip codecs)
from zarr.codecs import GzipCodec

tree = runs["good"].to_datatree()
enc = {f"/{g}": {v: {"compressors": [GzipCodec(level=4)]} for v in getattr(runs["good"], g).variables} for g in runs["good"].groups()}
tree.to_zarr(os.path.join(out, "good.zarr"), zarr_format=3, encoding=enc)


def num(v):
    """A float for JSON: NaN (a constant variable's R-hat, MCSE) becomes null."""
    v = float(v)
    return None if np.isnan(v) else v


def summary_rows(idata):
    df = az.summary(idata, round_to="none")
    return {
        label: {col: num(df.loc[label, col]) for col in df.columns} for label in df.index
    }


def compare_rows(models, ic, method="stacking"):
    df = az.compare(models, ic=ic, method=method)
    rows = []
    for name in df.index:
        r = {"name": name}
        for col in df.columns:
            v = df.loc[name, col]
            r[col] = v if isinstance(v, str) else (bool(v) if isinstance(v, (bool, np.bool_)) else float(v))
        rows.append(r)
    return rows


expected = {"summary": {}, "summary_index": {}, "bfmi": {}, "divergences": {}, "pareto_k": {}, "compare": {}}
for name in runs:
    idata = az.from_netcdf(os.path.join(out, f"{name}.nc"))
    expected["summary"][name] = summary_rows(idata)
    expected["summary_index"][name] = list(az.summary(idata).index)  # ArviZ's row order
    expected["bfmi"][name] = [float(v) for v in az.bfmi(idata)]
    expected["divergences"][name] = int(idata.sample_stats["diverging"].values.sum())
    expected["pareto_k"][name] = [float(k) for k in az.loo(idata, pointwise=True).pareto_k.values]
for fmt, path in (("json", "good.json"),):
    assert summary_rows(az.from_json(os.path.join(out, path))) == expected["summary"]["good"]
models = {n: az.from_netcdf(os.path.join(out, f"{n}.nc")) for n in ("model_a", "model_b", "model_c", "model_d")}
abc = {k: models[k] for k in ("model_a", "model_b", "model_c")}
for ic in ("loo", "waic"):
    expected["compare"][ic] = compare_rows(abc, ic)
ad = {k: models[k] for k in ("model_a", "model_d")}
expected["compare"]["loo_ad_stacking"] = compare_rows(ad, "loo")
df = az.compare(ad, ic="loo", method="pseudo-BMA")
expected["compare"]["loo_ad_pseudo_bma"] = [
    {"name": n, "weight": float(df.loc[n, "weight"]), "rank": float(df.loc[n, "rank"])} for n in df.index
]
expected["compare"]["loo_ab"] = compare_rows({k: models[k] for k in ("model_a", "model_b")}, "loo")
expected["arviz_version"] = az.__version__
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True, allow_nan=False)
    f.write("\n")
print("wrote", sorted(os.listdir(out)))
