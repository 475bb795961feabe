"""NumPyro 0.21's bijective transforms and biject_to(constraint) at extreme and edge inputs, with gradients.

HMC warmup evaluates the potential at unconstrained values such as ±30, ±100, ±700; a transform whose forward
map, inverse, log|det J| or their gradients turn NaN/±inf there makes divergences or a wrong posterior. Every
case records, for an input on one side of the transform:

- "fwd" (x unconstrained): y = t(x), t.inv(y), log_abs_det_jacobian(x, y), ∇ₓ Σ w·t(x) and ∇ₓ Σ ld(x, t(x));
- "inv" (y constrained, at or near the boundary of the support): x = t.inv(y), t(x), ld(x, y),
  ∇_y Σ w·t.inv(y) and ∇_y Σ ld(t.inv(y), y) (what TransformedDistribution.log_prob differentiates).

w is a fixed projection with the output's shape. Transforms are named by the keys that
src/transforms/transform-edge.test.ts maps to Phlox transforms ("biject_to(...)" for the registry).

For StickBreaking, CorrCholesky and corr_matrix cases, "exact" holds the same quantities for NumPyro's clipped
maps evaluated in decimal arithmetic (gradients by central differences): the truth behind the deviations that
the test pins where NumPyro loses precision or turns NaN/±inf. The inverses' exact values follow Phlox's
definitions off the constraint set (tail sums), their derivatives NumPyro's.

Run:  <oracle python> packages/distributions/scripts/transform_edge_fixtures.py   (about a minute)
Writes packages/distributions/fixtures/transform-edge.json (non-finite numbers as "inf", "-inf", "nan").
"""

import json
import math
import os
from decimal import Decimal, getcontext, localcontext

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)
import numpyro  # noqa: E402
from numpyro.distributions import constraints as C  # noqa: E402
from numpyro.distributions import transforms as T  # noqa: E402
from numpyro.distributions.flows import InverseAutoregressiveTransform  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "transform-edge.json")

SCALARS = [0.0, 1e-8, -1e-8, 5.0, -5.0, 30.0, -30.0, 40.0, -40.0, 100.0, -100.0, 700.0, -700.0, 750.0, -750.0]
# unconstrained vectors of length 3 mixing the edge values
V3 = [
    [0.0, 0.0, 0.0],
    [1e-8, -1e-8, 0.0],
    [5.0, -5.0, 30.0],
    [30.0, 30.0, 30.0],
    [-30.0, -30.0, -30.0],
    [40.0, -40.0, 1e-8],
    [-40.0, 40.0, 0.0],
    [100.0, -100.0, 0.0],
    [-100.0, 100.0, -100.0],
    [700.0, -700.0, 0.0],
    [-700.0, 700.0, 5.0],
    [750.0, -750.0, 0.0],
    [-750.0, 750.0, -750.0],
    [750.0, 750.0, 750.0],
]
V6 = [[a, b, c, d, e, f] for (a, b, c), (d, e, f) in zip(V3, V3[1:] + V3[:1])]
TINY = float(np.finfo(np.float64).tiny)
EPS = float(np.finfo(np.float64).eps)


def arn(x):
    """A fixed autoregressive network for the IAF: output i depends on inputs j < i only."""
    m = jnp.tril(jnp.array([[0.0, 0.0, 0.0], [0.7, 0.0, 0.0], [-0.4, 1.3, 0.0]]), -1)
    return x @ m.T + 0.25, x @ (-0.5 * m.T) - 0.1


# key -> NumPyro transform
TRANSFORMS = {
    "Identity": T.IdentityTransform(),
    "Exp": T.ExpTransform(),
    "Sigmoid": T.SigmoidTransform(),
    "Softplus": T.SoftplusTransform(),
    "Affine(1,-2)": T.AffineTransform(1.0, -2.0),
    "Power(2.5)": T.PowerTransform(2.5),
    "Power(-0.5)": T.PowerTransform(-0.5),
    "Abs": T.AbsTransform(),
    "StickBreaking": T.StickBreakingTransform(),
    "Ordered": T.OrderedTransform(),
    "LowerCholesky": T.LowerCholeskyTransform(),
    "SoftplusLowerCholesky": T.SoftplusLowerCholeskyTransform(),
    "ScaledUnitLowerCholesky": T.ScaledUnitLowerCholeskyTransform(),
    "CorrCholesky": T.CorrCholeskyTransform(),
    "Cholesky": T.CholeskyTransform(),
    "CorrMatrixCholesky": T.CorrMatrixCholeskyTransform(),
    "LowerCholeskyAffine": T.LowerCholeskyAffine(jnp.array([1.0, -1.0]), jnp.array([[2.0, 0.0], [0.5, 0.1]])),
    "Permute": T.PermuteTransform(jnp.array([2, 0, 1])),
    "L1Ball": T.L1BallTransform(),
    "SimplexToOrdered(0)": T.SimplexToOrderedTransform(0.0),
    "SimplexToOrdered(1.5)": T.SimplexToOrderedTransform(1.5),
    "ZeroSum(1)": T.ZeroSumTransform(1),
    "RecursiveLinear": T.RecursiveLinearTransform(jnp.array([[0.9, 0.1], [-0.2, 0.5]])),
    "IAF": InverseAutoregressiveTransform(arn),
}
CONSTRAINTS = {
    "real": C.real,
    "real_vector": C.real_vector,
    "positive": C.positive,
    "nonnegative": C.nonnegative,
    "softplus_positive": C.softplus_positive,
    "unit_interval": C.unit_interval,
    "interval(-2,3)": C.interval(-2.0, 3.0),
    "open_interval(-2,3)": C.open_interval(-2.0, 3.0),
    "circular": C.circular,
    "greater_than(1.5)": C.greater_than(1.5),
    "greater_than_eq(-1)": C.greater_than_eq(-1.0),
    "less_than(2)": C.less_than(2.0),
    "less_than_eq(-1)": C.less_than_eq(-1.0),
    "independent(interval(0,2),1)": C.independent(C.interval(0.0, 2.0), 1),
    "simplex": C.simplex,
    "ordered_vector": C.ordered_vector,
    "positive_ordered_vector": C.positive_ordered_vector,
    "lower_cholesky": C.lower_cholesky,
    "scaled_unit_lower_cholesky": C.scaled_unit_lower_cholesky,
    "softplus_lower_cholesky": C.softplus_lower_cholesky,
    "corr_cholesky": C.corr_cholesky,
    "corr_matrix": C.corr_matrix,
    "positive_definite": C.positive_definite,
    "positive_semidefinite": C.positive_semidefinite,
    "l1_ball": C.l1_ball,
    "zero_sum": C.zero_sum(1),
}
for k, c in CONSTRAINTS.items():
    TRANSFORMS[f"biject_to({k})"] = T.biject_to(c)

ELEMENTWISE = ["Identity", "Exp", "Sigmoid", "Softplus", "Affine(1,-2)", "Abs"]
SCALAR_CONSTRAINTS = [
    "real", "positive", "nonnegative", "softplus_positive", "unit_interval", "interval(-2,3)",
    "open_interval(-2,3)", "circular", "greater_than(1.5)", "greater_than_eq(-1)", "less_than(2)",
    "less_than_eq(-1)",
]  # fmt: skip
# constrained values (subnormal inputs are left out: XLA on CPU reads them as 0)
POS = [1e-300, TINY, 1e-17, 1e-8, 1.0, 30.0, 40.0, 700.0, 1e8, 1e300, 1.7e308]
UNIT = [1e-300, 1e-17, 1e-8, 0.5, 1 - 1e-8, 1 - 2**-52, 1 - 2**-53]


def pd(m):
    return np.asarray(m, dtype=np.float64)


# key -> (forward inputs, inverse inputs)
INPUTS = {k: ([SCALARS], []) for k in ELEMENTWISE}
INPUTS["Exp"] = ([SCALARS], [POS])
INPUTS["Sigmoid"] = ([SCALARS], [UNIT])
INPUTS["Softplus"] = ([SCALARS], [POS])
INPUTS["Power(2.5)"] = ([[1e-300, 1e-100, 1e-8, 1.0, 1e8, 1e100, 1e200]], [])
INPUTS["Power(-0.5)"] = ([[1e-300, 1e-100, 1e-8, 1.0, 1e8, 1e100, 1e300]], [])
for k in SCALAR_CONSTRAINTS:
    INPUTS[f"biject_to({k})"] = ([SCALARS], [])
INPUTS["biject_to(positive)"] = ([SCALARS], [POS])
INPUTS["biject_to(softplus_positive)"] = ([SCALARS], [POS])
INPUTS["biject_to(unit_interval)"] = ([SCALARS], [UNIT])
INPUTS["biject_to(interval(-2,3))"] = ([SCALARS], [[-2 + 4.5e-16, -2 + 1e-8, 0.5, 3 - 1e-8, 3 - 4.5e-16]])
INPUTS["biject_to(greater_than(1.5))"] = ([SCALARS], [[1.5 + 2.3e-16, 1.5 + 1e-8, 2.0, 1e300]])
INPUTS["biject_to(less_than(2))"] = ([SCALARS], [[2 - 4.5e-16, 2 - 1e-8, 0.0, -1e300]])
INPUTS["biject_to(independent(interval(0,2),1))"] = ([v for v in V3], [[1e-300, 1.0, 2 - 4.5e-16]])
INPUTS["biject_to(real_vector)"] = ([V3[5], V3[11]], [])
SIMPLEX_EDGE = [
    [0.25, 0.25, 0.25, 0.25],
    [1 - 3e-16, 1e-16, 1e-16, 1e-16],
    [1e-300, 1e-300, 0.5, 0.5],
    [0.5, 0.5, 1e-300, 1e-300],
    [1e-17, 1 - 2e-17, 1e-17, 0.0],
]
# between moderate and clipped: σ(x) and tanh(x) within 1e-6 of 1 but not rounded to it
MID = [[15.0, 15.0, 1.0], [-17.0, 12.0, 3.0]]
for k in ["StickBreaking", "biject_to(simplex)"]:
    INPUTS[k] = (V3 + MID, SIMPLEX_EDGE)
ORDERED_EDGE = [[-1.0, -1.0 + 2.3e-16, 0.0], [0.0, 1e-300, 1e-8], [-1e300, 0.0, 1e300], [1.0, 2.0, 3.0]]
INPUTS["Ordered"] = (V3, ORDERED_EDGE)
INPUTS["biject_to(ordered_vector)"] = (V3, ORDERED_EDGE)
INPUTS["biject_to(positive_ordered_vector)"] = (V3, [[1e-300, 2e-300, 1.0], [1.0, 1.0 + 2.3e-16, 1e300]])
TRIL2 = [[[1e-300, 0.0], [1e300, 1e-300]], [[1.0, 0.0], [-5.0, 1e8]], [[1e150, 0.0], [1e-150, 1e-150]]]
for k in ["LowerCholesky", "biject_to(lower_cholesky)"]:
    INPUTS[k] = (V3, TRIL2)
for k in ["SoftplusLowerCholesky", "biject_to(softplus_lower_cholesky)"]:
    INPUTS[k] = (V3, [[[1e-300, 0.0], [3.0, 1e-20]], [[700.0, 0.0], [-5.0, 40.0]]])
for k in ["ScaledUnitLowerCholesky", "biject_to(scaled_unit_lower_cholesky)"]:
    INPUTS[k] = (V3, [[[1e-300, 0.0], [3e-300, 1e-20]], [[700.0, 0.0], [-5.0, 40.0]]])


def corr_chol(theta):
    """A 3×3 correlation Cholesky factor whose rows 1 and 2 lie at angle θ from the first axis (unit rows)."""
    c, s = math.cos(theta), math.sin(theta)
    return [[1.0, 0.0, 0.0], [c, s, 0.0], [c, 0.6 * s, 0.8 * s]]


CORR_CHOL = [
    corr_chol(1e-6),  # rows nearly spent after the first column
    [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [-0.6, 0.0, 0.8]],
    [[1.0, 0.0, 0.0], [-1e-8, 1.0, 0.0], [1e-8, -1e-8, 1.0]],
]
for k in ["CorrCholesky", "biject_to(corr_cholesky)"]:
    INPUTS[k] = (V3 + MID, CORR_CHOL)
# correlation matrices: the Cholesky factorisation of a nearly singular one is itself ill-conditioned, so the
# nearly singular case is milder here (θ = 0.01)
CORR_MATS = [corr_chol(0.01)] + CORR_CHOL[1:]
INPUTS["biject_to(corr_matrix)"] = (V3, [(pd(L) @ pd(L).T).tolist() for L in CORR_MATS])
PD2 = [[[4.0, 2.0], [2.0, 2.0]], [[1e-300, 0.0], [0.0, 1e300]], [[1.0, 1 - 1e-8], [1 - 1e-8, 1.0]]]
for k in ["biject_to(positive_definite)", "biject_to(positive_semidefinite)"]:
    INPUTS[k] = (V3, PD2)
INPUTS["Cholesky"] = (PD2, [])
INPUTS["CorrMatrixCholesky"] = ([(pd(L) @ pd(L).T).tolist() for L in CORR_MATS], [])
INPUTS["LowerCholeskyAffine"] = ([[750.0, -750.0], [1e-8, 1e300]], [])
INPUTS["Permute"] = ([V3[11]], [])
L1_EDGE = [[0.5, -0.5 + 1e-16, 0.0], [1e-300, -1e-300, 1 - 1e-15], [0.0, 0.0, 0.0], [-1 + 1e-16, 0.0, 0.0]]
for k in ["L1Ball", "biject_to(l1_ball)"]:
    INPUTS[k] = (V3, L1_EDGE)
S2O_EDGE = [[0.25, 0.25, 0.25, 0.25], [1e-300, 1e-300, 0.5, 0.5], [0.5, 0.5 - 1e-16, 1e-16, 0.0], [1 - 3e-16, 1e-16, 1e-16, 1e-16]]
O_EDGE = [[-750.0, 0.0, 750.0], [-40.0, 40.0, 41.0], [0.0, 1e-8, 2e-8], [-1e300, 0.0, 1e300]]
INPUTS["SimplexToOrdered(0)"] = (S2O_EDGE, O_EDGE)
INPUTS["SimplexToOrdered(1.5)"] = (S2O_EDGE, O_EDGE)
for k in ["ZeroSum(1)", "biject_to(zero_sum)"]:
    INPUTS[k] = ([V3[11], V3[13]], [[1e300, -1e300, 0.0]])
INPUTS["RecursiveLinear"] = ([[[750.0, -750.0], [1e-8, 40.0], [-700.0, 100.0]]], [])
INPUTS["IAF"] = ([V3[7], V3[11], V3[12]], [])
# the lower-Cholesky family on packed vectors of length 6 (3×3) as well
for k in ["LowerCholesky", "SoftplusLowerCholesky", "ScaledUnitLowerCholesky", "biject_to(positive_definite)"]:
    INPUTS[k] = (INPUTS[k][0] + V6[:6], INPUTS[k][1])
for k in ["CorrCholesky", "biject_to(corr_matrix)"]:
    INPUTS[k] = (INPUTS[k][0] + V6, INPUTS[k][1])


# ---- exact references (decimal arithmetic) for the transforms where Phlox deliberately differs ----
# They follow NumPyro's clipped maps exactly (z = σ clipped to [tiny, 1 − ε], t = tanh clipped to ±(1 − ε)),
# evaluated without rounding (60 digits); gradients are central differences of the decimal functions, with
# steps far below the smallest scale of the input (700 digits for inverses at inputs such as 1e-300).
getcontext().prec = 60
DT, DE = Decimal(TINY), Decimal(EPS)


def d_softplus(v):
    return (1 + v.exp()).ln()


def d_sigmoid(v):
    return 1 / (1 + (-v).exp())


def d_log1m_tanh2(v):
    """log(1 − tanh²v) = 2(log 2 − |v| − softplus(−2|v|))."""
    a = abs(v)
    return 2 * (Decimal(2).ln() - a - d_softplus(-2 * a))


def sb_fwd(x):
    n = len(x)
    xo = [x[i] - Decimal(n - i).ln() for i in range(n)]
    z = [min(max(d_sigmoid(v), DT), 1 - DE) for v in xo]
    y, rem = [], Decimal(1)
    for zi in z:
        y.append(zi * rem)
        rem *= 1 - zi
    return y + [rem]


def sb_ld(x):
    n = len(x)
    y = sb_fwd(x)
    return [sum(y[i].ln() - d_softplus(x[i] - Decimal(n - i).ln()) for i in range(n))]


def sb_inv(y, corr):
    """NumPyro's x_i = log(y_i / (1 − Σ_{j≤i} y_j)) with 1 − Σ_{j≤i} y_j shifted by the frozen `corr` to the tail
    sum Σ_{j>i} y_j: the value of the exact inverse of y / Σy, the derivative of NumPyro's formula."""
    n, cum, out = len(y) - 1, Decimal(0), []
    for i in range(n):
        cum += y[i]
        out.append((y[i] / max(1 - cum + corr[i], DT)).ln() + Decimal(n - i).ln())
    return out


def sb_corr(y):
    cum, out = Decimal(0), []
    for i in range(len(y) - 1):
        cum += y[i]
        out.append(sum(y[i + 1 :]) - (1 - cum))
    return out


def cc_logrem(x):
    """n and the matrix l_ij = log(1 − t_ij²) of the clipped partial correlations (strictly lower, row-major)."""
    n = (1 + math.isqrt(1 + 8 * len(x))) // 2
    lm = [[Decimal(0)] * n for _ in range(n)]
    t = [[Decimal(0)] * n for _ in range(n)]
    k = 0
    for i in range(n):
        for j in range(i):
            v = x[k]
            e = (-2 * abs(v)).exp()
            th = (1 - e) / (1 + e)
            clipped = th > 1 - DE
            th = min(th, 1 - DE)
            t[i][j] = th if v >= 0 else -th
            lm[i][j] = (1 - (1 - DE) ** 2).ln() if clipped else d_log1m_tanh2(v)
            k += 1
    return n, t, lm


def cc_inv(y, corr):
    """x = atanh(t), t_ij = y_ij / sqrt(1 − Σ_{k<j} y_ik²) with the root's argument shifted by the frozen `corr`
    to Σ_{k≥j} y_ik²: the value of the exact inverse of y with unit rows, the derivative of NumPyro's formula."""
    n = math.isqrt(len(y))
    out, k = [], 0
    for i in range(n):
        for j in range(i):
            left = 1 - sum((y[i * n + m] ** 2 for m in range(j)), Decimal(0)) + corr[k]
            t = min(max(y[i * n + j] / left.sqrt(), -1 + DE / 2), 1 - DE / 2)
            out.append(((1 + t) / (1 - t)).ln() / 2)
            k += 1
    return out


def cc_corr(y):
    n = math.isqrt(len(y))
    return [
        sum((y[i * n + m] ** 2 for m in range(j, n)), Decimal(0)) - (1 - sum((y[i * n + m] ** 2 for m in range(j)), Decimal(0)))
        for i in range(n)
        for j in range(i)
    ]


def cc_fwd(x):
    n, t, lm = cc_logrem(x)
    y = [[Decimal(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            rem = (sum(lm[i][:j], Decimal(0)) / 2).exp()
            y[i][j] = rem if j == i else t[i][j] * rem
    return [v for row in y for v in row]


def cc_ld(x):
    n, _, lm = cc_logrem(x)
    sb = sum(sum(lm[i][:j], Decimal(0)) for i in range(n) for j in range(1, i)) / 2
    return [sum(d_log1m_tanh2(v) for v in x) + sb]


def cm_fwd(x):
    n = (1 + math.isqrt(1 + 8 * len(x))) // 2
    y = cc_fwd(x)
    return [sum(y[i * n + k] * y[j * n + k] for k in range(n)) for i in range(n) for j in range(n)]


def cm_ld(x):
    n, _, lm = cc_logrem(x)
    return [cc_ld(x)[0] + sum((n - 1 - i) * sum(lm[i][:i], Decimal(0)) / 2 for i in range(n))]


def d_grad(f, x, w, rel="1e-25"):
    """∇ Σ w·f at x by central differences in decimal arithmetic (steps `rel` relative to each coordinate)."""
    g = []
    for k in range(len(x)):
        h = Decimal(rel) * (abs(x[k]) if x[k] != 0 else 1)
        up, dn = list(x), list(x)
        up[k] += h
        dn[k] -= h
        g.append(sum(Decimal(wi) * (a - b) for wi, a, b in zip(w, f(up), f(dn))) / (2 * h))
    return g


# key -> (forward, log|det J|, (inverse, its frozen correction) or None) on flat decimal lists
EXACT = {
    "StickBreaking": (sb_fwd, sb_ld, (sb_inv, sb_corr)),
    "CorrCholesky": (cc_fwd, cc_ld, (cc_inv, cc_corr)),
    "corr_matrix": (cm_fwd, cm_ld, None),
}
EXACT["biject_to(simplex)"] = EXACT["StickBreaking"]
EXACT["biject_to(corr_cholesky)"] = EXACT["CorrCholesky"]
EXACT["biject_to(corr_matrix)"] = EXACT.pop("corr_matrix")


def exact_row(key, direction, inp, w):
    fwd, ld, inv_pair = EXACT[key]
    flat = [Decimal(v) for v in np.asarray(inp, dtype=np.float64).ravel().tolist()]
    wf = np.asarray(w, dtype=np.float64).ravel().tolist()
    if direction == "fwd":
        row = {"out": fwd(flat), "ld": ld(flat), "gOut": d_grad(fwd, flat, wf), "gLd": d_grad(ld, flat, [1.0])}
    elif inv_pair:
        inverse, correction = inv_pair
        with localcontext() as ctx:
            ctx.prec = 700
            corr = correction(flat)

            def inv(y):
                return inverse(y, corr)

            row = {
                "out": inv(flat),
                "ld": ld(inv(flat)),
                "gOut": d_grad(inv, flat, wf, "1e-330"),
                "gLd": d_grad(lambda y: ld(inv(y)), flat, [1.0], "1e-330"),
            }
    else:
        return None
    return {k: [float(v) for v in vs] for k, vs in row.items()}


def proj(shape):
    """A fixed projection: 1, 1.5, −0.5, 2, 1, 1.5, … in row-major order."""
    n = int(np.prod(shape)) if len(shape) else 1
    base = np.array([1.0, 1.5, -0.5, 2.0])
    return np.resize(base, n).reshape(shape)


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, (list, tuple)):
        return [enc(u) for u in v]
    if isinstance(v, dict):
        return {k: enc(u) for k, u in v.items()}
    return v


def tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


cases = []
for key, (fwd, inv) in INPUTS.items():
    t = TRANSFORMS[key]
    has_ld = key != "Abs"
    for x in fwd:
        x = jnp.asarray(x, dtype=jnp.float64)
        y = t(x)
        w = jnp.asarray(proj(y.shape))
        row = {"t": key, "dir": "fwd", "in": tolist(x), "w": tolist(w), "out": tolist(y)}
        if key not in ("Abs",):
            row["back"] = tolist(t.inv(y))
        row["gOut"] = tolist(jax.grad(lambda x: jnp.sum(w * t(x)))(x))
        if has_ld:
            row["ld"] = tolist(t.log_abs_det_jacobian(x, y))
            row["gLd"] = tolist(jax.grad(lambda x: jnp.sum(t.log_abs_det_jacobian(x, t(x))))(x))
        if key in EXACT:
            row["exact"] = exact_row(key, "fwd", x, w)
        cases.append(row)
    for y in inv:
        y = jnp.asarray(y, dtype=jnp.float64)
        x = t.inv(y)
        w = jnp.asarray(proj(x.shape))
        row = {"t": key, "dir": "inv", "in": tolist(y), "w": tolist(w), "out": tolist(x), "back": tolist(t(x))}
        row["gOut"] = tolist(jax.grad(lambda y: jnp.sum(w * t.inv(y)))(y))
        if has_ld:
            row["ld"] = tolist(t.log_abs_det_jacobian(x, y))
            row["gLd"] = tolist(jax.grad(lambda y: jnp.sum(t.log_abs_det_jacobian(t.inv(y), y)))(y))
        ex = exact_row(key, "inv", y, w) if key in EXACT else None
        if ex is not None:
            row["exact"] = ex
        cases.append(row)

out = {
    "generator": "scripts/transform_edge_fixtures.py",
    "numpyro": numpyro.__version__,
    "jax": jax.__version__,
    "cases": cases,
}
with open(OUT, "w") as f:
    json.dump(enc(out), f, separators=(",", ":"))
print("wrote", OUT, len(cases), "cases")
