"""Reference values for Categorical / Multinomial with a zero probability (or a -inf logit).

Run:  /tmp/phlox-oracle/bin/python packages/distributions/scripts/zero_prob_fixtures.py
Writes packages/distributions/fixtures/zero-prob.json.

`logProb` comes from scipy.stats (the exact answer: log p_k, -inf for a zero-probability k); `numpyro`
records what NumPyro 0.21 returns for the same call (it clamps log 0 to the most negative float, and its
gradient with respect to a zero probability is NaN), and `grad` records NumPyro's gradients where they
are finite (null where NumPyro's is NaN). Entropy comes from scipy.stats.entropy (0 log 0 = 0).
"""

import json
import math
import os

import jax
import jax.numpy as jnp
import numpy as np
import scipy.stats as st

jax.config.update("jax_enable_x64", True)
import numpyro.distributions as dist  # noqa: E402


def enc(x):
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def arr(a):
    return [enc(v) for v in np.asarray(a, dtype=float).ravel()]


out = {}

# Categorical with probs
probs = np.array([0.0, 0.3, 0.7])
cases = []
for k in range(3):
    lp = st.multinomial.logpmf(np.eye(3)[k], 1, probs)
    g = jax.grad(lambda p: dist.Categorical(probs=p).log_prob(k))(jnp.asarray(probs))
    cases.append({"k": k, "logProb": enc(lp),
                  "numpyro": enc(dist.Categorical(probs=jnp.asarray(probs)).log_prob(k)),
                  "grad": arr(g)})
out["categoricalProbs"] = {"probs": probs.tolist(), "cases": cases,
                           "entropy": enc(st.entropy(probs))}

# Categorical with logits (one -inf)
logits = np.array([-np.inf, 0.0, 1.0])
p = np.exp(logits - np.log(np.sum(np.exp(logits))))
cases = []
for k in range(3):
    lp = st.multinomial.logpmf(np.eye(3)[k], 1, p)
    g = jax.grad(lambda l: dist.Categorical(logits=l).log_prob(k))(jnp.asarray(logits))
    cases.append({"k": k, "logProb": enc(lp),
                  "numpyro": enc(dist.Categorical(logits=jnp.asarray(logits)).log_prob(k)),
                  "grad": arr(g)})
out["categoricalLogits"] = {"logits": arr(logits), "cases": cases, "entropy": enc(st.entropy(p))}

# Multinomial(3) with probs and with logits
for name, kw, pp in [("multinomialProbs", "probs", probs), ("multinomialLogits", "logits", logits)]:
    pn = probs if kw == "probs" else p
    cases = []
    for x in ([0.0, 1.0, 2.0], [1.0, 1.0, 1.0], [0.0, 3.0, 0.0]):
        xs = np.array(x)
        lp = st.multinomial.logpmf(xs, 3, pn)
        f = lambda q: dist.Multinomial(3, **{kw: q}).log_prob(jnp.asarray(xs))  # noqa: E731
        cases.append({"x": x, "logProb": enc(lp), "numpyro": enc(f(jnp.asarray(pp))),
                      "grad": arr(jax.grad(f)(jnp.asarray(pp)))})
    out[name] = {kw: arr(pp), "cases": cases}

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "zero-prob.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", os.path.normpath(path))
