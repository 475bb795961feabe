"""Writes fixtures/infer-discrete.json: NumPyro's infer_discrete MAP values (temperature 0) for the models of
enum_fixtures.py, on the parameters and data of fixtures/enum-log-density.json.

Run with the oracle after enum_fixtures.py: python packages/infer/scripts/infer_discrete_fixtures.py
"""

import json
import os

import numpy as np

import jax.numpy as jnp
import numpyro
from numpyro import handlers
from numpyro.contrib.funsor import config_enumerate, infer_discrete

import enum_fixtures as ef

numpyro.enable_x64()
HERE = os.path.dirname(__file__)
NESTING = {"mixture": 1, "nested": 2, "several": 1, "hmm_loop": 0, "hmm_plate_loop": 1, "hmm_order2": 0}


def main():
    with open(os.path.join(HERE, "..", "fixtures", "enum-log-density.json")) as fh:
        cases = json.load(fh)["cases"]
    out = []
    for c in cases:
        if c["name"] not in NESTING:
            continue
        model = getattr(ef, c["name"])
        params = {k: jnp.asarray(v) for k, v in c["params"].items()}
        args = tuple(jnp.asarray(a) for a in c["args"])
        m = infer_discrete(
            config_enumerate(lambda *a: model(*a, params)),
            first_available_dim=-NESTING[c["name"]] - 1,
            temperature=0,
        )
        tr = handlers.trace(handlers.seed(m, 0)).get_trace(*args)
        values = {
            name: np.asarray(site["value"]).tolist()
            for name, site in tr.items()
            if site["type"] == "sample" and not site["is_observed"]
        }
        out.append({"name": c["name"], "map": values})
    with open(os.path.join(HERE, "..", "fixtures", "infer-discrete.json"), "w") as fh:
        json.dump({"generator": "packages/infer/scripts/infer_discrete_fixtures.py", "cases": out}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
