"""JAX's values, first and second derivatives of @phlox/tensor's elementwise functions, composites and
reductions at edge points (0, ties, switch points, ±∞ inputs, poles), for src/autodiff/jax-grads.test.ts.

Run:  <oracle python> packages/tensor/scripts/jax_grad_fixtures.py
Writes packages/tensor/fixtures/jax-grads.json (non-finite numbers as the strings "inf", "-inf", "nan").
"""

import json
import math
import os

import jax
import jax.nn as nn
import jax.numpy as jnp
from jax.scipy import special as sp

jax.config.update("jax_enable_x64", True)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "jax-grads.json")
inf = float("inf")

# Unary functions: name (as exported by @phlox/tensor) -> (JAX function, points). Each row: x, f, f', f''.
U = {
 "log1p": (jnp.log1p, [0.0, -0.5, 1.0, -1.0, 1e-300]),
 "expm1": (jnp.expm1, [0.0, -1.0, 1.0, 700.0]),
 "sqrt": (jnp.sqrt, [0.0, 1.0, 4.0]),
 "abs": (jnp.abs, [0.0, -2.0, 2.0]),
 "tanh": (jnp.tanh, [0.0, 20.0, -20.0]),
 "logistic": (nn.sigmoid, [0.0, 40.0, -40.0, 800.0, -800.0]),
 "lgamma": (sp.gammaln, [1.0, 2.0, 0.5, -0.5, 1e-8]),
 "digamma": (sp.digamma, [1.0, 0.5, -0.5]),
 "erf": (sp.erf, [0.0, 3.0, -6.0]),
 "erfc": (sp.erfc, [0.0, 3.0, 10.0]),
 "ndtri": (sp.ndtri, [0.5, 1e-10, 0.999]),
 "softplus": (nn.softplus, [0.0, 40.0, -40.0, 800.0, -800.0]),
 "logSigmoid": (nn.log_sigmoid, [0.0, 40.0, -800.0]),
 "square": (jnp.square, [0.0, -3.0]),
 "log1mexp": (lambda x: jnp.log(-jnp.expm1(x)), [-1e-10, -0.5, -1.0, -50.0]),
 "sign": (jnp.sign, [0.0, 2.0]),
 "floor": (jnp.floor, [0.5, 1.0]),
 "exp": (jnp.exp, [0.0, -inf, 700.0]),
 "log": (jnp.log, [1.0, 1e-300]),
 "rsqrt": (lambda x: 1/jnp.sqrt(x), [1.0, 4.0]),
 "trigamma": (lambda x: sp.polygamma(1, x), [1.0, 0.5]),
 "sin": (jnp.sin, [0.0, 1.0]),
 "cos": (jnp.cos, [0.0, 1.0]),
 "tan": (jnp.tan, [0.0, 1.0]),
}
# Binary functions: rows [x, y], f, gradient [d/dx, d/dy], Hessian [[..], [..]].
B = {
 "maximum": (jnp.maximum, [(1.0, 1.0), (0.0, -0.0), (2.0, 1.0)]),
 "minimum": (jnp.minimum, [(1.0, 1.0), (2.0, 1.0)]),
 "pow": (jnp.power, [(0.0, 2.0), (0.0, 0.5), (2.0, 0.0), (0.0, 0.0), (-2.0, 2.0), (0.0, 1.0), (4.0, 0.5), (-8.0, 3.0)]),
 "xlogy": (sp.xlogy, [(0.0, 0.5), (0.0, 0.0), (2.0, 3.0), (1.0, 0.0)]),
 "xlog1py": (sp.xlog1py, [(0.0, 0.5), (0.0, -1.0), (2.0, 3.0)]),
 "logaddexp": (jnp.logaddexp, [(0.0, 0.0), (1.0, 1.0), (-inf, 0.0), (800.0, -800.0)]),
 "div": (jnp.divide, [(1.0, 2.0), (0.0, 3.0)]),
 "betaln": (sp.betaln, [(1.0, 1.0), (0.5, 2.0), (2.0, 2.0)]),
}
out = {"unary": {}, "binary": {}}


def f(v):
    return float(v)


for name, (fn, pts) in U.items():
    g = jax.grad(fn); h = jax.grad(jax.grad(fn))
    out["unary"][name] = [[p, f(fn(p)), f(g(p)), f(h(p))] for p in pts]
for name, (fn, pts) in B.items():
    res = []
    for (a, b) in pts:
        F = lambda v: fn(v[0], v[1])
        v = jnp.array([a, b])
        res.append([[a, b], f(F(v)), [f(t) for t in jax.grad(F)(v)], [[f(t) for t in row] for row in jax.hessian(F)(v)]])
    out["binary"][name] = res
# Reductions and composites over vectors: gradients (or Jacobians / Hessians) at ties, zeros and infinities.
red = {}
red["max_tie"] = [f(t) for t in jax.grad(lambda v: jnp.max(v))(jnp.array([1.0, 1.0, 0.0]))]
red["min_tie"] = [f(t) for t in jax.grad(lambda v: jnp.min(v))(jnp.array([0.0, 1.0, 0.0]))]
red["lse_neginf"] = [f(t) for t in jax.grad(lambda v: sp.logsumexp(v))(jnp.array([-inf, 0.0, 1.0]))]
red["lse_allneginf"] = [f(t) for t in jax.grad(lambda v: sp.logsumexp(v))(jnp.array([-inf, -inf]))]
red["lse_inf"] = [f(t) for t in jax.grad(lambda v: sp.logsumexp(v))(jnp.array([inf, 0.0]))]
red["lse_hess"] = [[f(t) for t in r] for r in jax.hessian(lambda v: sp.logsumexp(v))(jnp.array([0.0, 0.0, 1.0]))]
red["softmax_neginf"] = [[f(t) for t in r] for r in jax.jacobian(lambda v: nn.softmax(v))(jnp.array([-inf, 0.0, 1.0]))]
red["logsoftmax"] = [[f(t) for t in r] for r in jax.jacobian(lambda v: nn.log_softmax(v))(jnp.array([0.0, 0.0, 1.0]))]
red["prod_zero"] = [f(t) for t in jax.grad(lambda v: jnp.prod(v))(jnp.array([0.0, 2.0, 3.0]))]
red["prod_twozero"] = [f(t) for t in jax.grad(lambda v: jnp.prod(v))(jnp.array([0.0, 0.0, 3.0]))]
red["std_const"] = [f(t) for t in jax.grad(lambda v: jnp.std(v))(jnp.array([1.0, 1.0, 1.0]))]
red["clamp_lo"] = [f(t) for t in jax.grad(lambda v: jnp.sum(jnp.clip(v, 0.0, 1.0)))(jnp.array([0.0, 1.0, 0.5]))]
red["cholesky_logdet"] = [[f(t) for t in r] for r in jax.grad(lambda m: jnp.linalg.slogdet(m)[1])(jnp.array([[2.0, 0.5], [0.5, 1.0]]))]
out["red"] = red


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, (list, tuple)):
        return [enc(u) for u in v]
    if isinstance(v, dict):
        return {k: enc(u) for k, u in v.items()}
    return v


out["jax"] = jax.__version__
with open(OUT, "w") as f:
    json.dump(enc(out), f, separators=(",", ":"))
print("wrote", OUT)
