"""SciPy references for vsbcDiagnostic's symmetry test: `ks_2samp(p, 1 - p, method="asymp")` (what NumPyro
0.21's `vsbc_diagnostic` calls) for calibration-probability vectors p of several lengths M (numpy seed 0):
uniform p (calibrated), p skewed towards 0 (biased), and p on a grid of 1/L (ties).
Run: /tmp/phlox-oracle/bin/python packages/vi/scripts/vsbc_reference.py
"""
import json
import pathlib

import numpy as np
from scipy.stats import ks_2samp

rng = np.random.default_rng(0)
cases = []
for M in [7, 20, 50, 101]:
    for kind in ["uniform", "skewed", "grid"]:
        if kind == "uniform":
            p = rng.uniform(size=M)
        elif kind == "skewed":
            p = rng.beta(1.0, 2.5, size=M)
        else:
            p = rng.integers(0, 11, size=M) / 10
        r = ks_2samp(p, 1 - p, method="asymp")
        cases.append({"M": M, "kind": kind, "p": p.tolist(), "statistic": float(r.statistic), "pvalue": float(r.pvalue)})
path = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "vsbc-ks.json"
path.write_text(json.dumps(cases) + "\n")
print("wrote", path, [(c["M"], c["kind"], c["pvalue"]) for c in cases])
