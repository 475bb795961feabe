"""Quantiles of Gamma and Beta distributions from scipy.stats, for the seeded goodness-of-fit tests of the
traceable gamma / beta / dirichlet samplers (src/random/gamma.test.ts).

Run:  /tmp/phlox-oracle/bin/python packages/tensor/scripts/gamma_fixtures.py
Writes packages/tensor/fixtures/gamma-quantiles.json: for each case the probabilities `p` and the quantiles
`q` = ppf(p). A test compares the empirical CDF of n draws at every q with p (a Kolmogorov-Smirnov statistic
restricted to these points, so the usual KS critical value is conservative).
"""

import json
import os

import numpy as np
import scipy.stats as st

P = np.concatenate([[1e-4, 1e-3], np.linspace(0.005, 0.995, 199), [0.999, 0.9999]])

cases = []
for a in [0.05, 0.3, 1.0, 2.5, 10.0, 200.0]:
    cases.append({"dist": "gamma", "params": [a], "p": P.tolist(), "q": st.gamma(a).ppf(P).tolist()})
for a, b in [(0.5, 0.5), (2.0, 3.0), (0.1, 4.0), (30.0, 7.0)]:
    cases.append({"dist": "beta", "params": [a, b], "p": P.tolist(), "q": st.beta(a, b).ppf(P).tolist()})

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "gamma-quantiles.json")
with open(path, "w") as fh:
    json.dump({"cases": cases}, fh)
    fh.write("\n")
print("wrote", os.path.normpath(path), len(cases), "cases")
