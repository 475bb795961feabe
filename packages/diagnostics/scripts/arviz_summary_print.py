"""Generate fixtures/arviz_summary_print.json: the text `print(az.summary(idata))` shows, for `formatArvizSummary`.

Each case holds seeded draws (`[chain, draw, ...]`, row-major) and `az.summary(idata, ...).to_string()` from
ArviZ 0.23.4 / pandas: the full table (`print` of a DataFrame wider than the terminal elides middle columns with
"...", so the fixture takes the unelided text, as printed with `pd.set_option("display.width", None)`).

Run from the repository root:

    /tmp/phlox-oracle/bin/python packages/diagnostics/scripts/arviz_summary_print.py
"""

import json
import os
import warnings

import arviz as az
import numpy as np

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "arviz_summary_print.json")
rng = np.random.default_rng(20261205)


def case(name, posterior, **kwargs):
    idata = az.from_dict(posterior=posterior)
    text = az.summary(idata, **kwargs).to_string()
    return {
        "name": name,
        "posterior": {k: {"data": np.asarray(v, dtype=float).ravel().tolist(), "shape": list(np.shape(v))}
                      for k, v in posterior.items()},
        "options": {k: v for k, v in kwargs.items()},
        "text": text,
    }


C, D = 4, 60
cases = [
    case("eight-schools-like", {
        "mu": rng.normal(4, 3, size=(C, D)),
        "tau": np.abs(rng.normal(0, 4, size=(C, D))),
        "theta": rng.normal(4, 6, size=(C, D, 8)),
    }),
    case("matrix and large values", {
        "w": rng.normal(0, 1, size=(C, D, 2, 3)),
        "scale": np.exp(rng.normal(9, 1, size=(C, D))),
    }),
    case("stats only, hdi 0.89", {"a": rng.normal(size=(C, D)), "b": rng.normal(size=(C, D, 2))},
         kind="stats", hdi_prob=0.89),
    case("diagnostics only", {"a": np.cumsum(rng.normal(size=(C, D)), axis=1)}, kind="diagnostics"),
    case("huge values (scientific)", {"big": rng.normal(3e7, 1e7, size=(C, D)), "x": rng.normal(size=(C, D))}),
]
with open(OUT, "w") as f:
    json.dump({"arviz": az.__version__, "cases": cases}, f)
    f.write("\n")
for c in cases:
    print(c["text"])
