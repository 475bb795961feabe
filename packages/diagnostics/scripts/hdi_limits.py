"""Generate fixtures/hdi_limits.json: ArviZ 0.23.4's az.hdi near and at hdi_prob = 1.

ArviZ (like NumPyro's hpdi) raises at exactly hdi_prob = 1 ("Too few elements for interval calculation"):
floor(prob * n) = n leaves no interval to compare. Every prob in [(n - 1) / n, 1) gives [min, max], the
interval that holds all draws; @phlox/diagnostics' hpdi returns that limit at prob = 1 instead of raising.

Run from the repository root with the oracle environment (../shared/tools/python-oracle.sh):

    /tmp/phlox-oracle/bin/python packages/diagnostics/scripts/hdi_limits.py
"""

import json
import os
import warnings

import arviz as az
import numpy as np

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261205)

cases = []
for n in [1, 2, 7, 100, 1000]:
    x = rng.standard_normal(n) * 2 + 1
    probs = [0.5, 0.9, (n - 1) / n if n > 1 else 0.5, 1 - 1e-9]
    hdis = {}
    for p in probs:
        try:
            hdis[repr(p)] = [float(v) for v in az.hdi(x, hdi_prob=p)]
        except ValueError as e:
            hdis[repr(p)] = str(e)
    try:
        az.hdi(x, hdi_prob=1.0)
        at_one = "no error"
    except ValueError as e:
        at_one = str(e).strip()
    cases.append({"x": [float(v) for v in x], "hdi": hdis, "atOneArviz": at_one})

out = {"arviz": az.__version__, "cases": cases}
with open(os.path.join(HERE, "..", "fixtures", "hdi_limits.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
