"""NumPyro 0.21 reference values for the third batch of NumPyro-parity pieces of @phlox/distributions (issue 23):
the L1 ball transform, RecursiveLinearTransform, the real FFT transforms, the IAF and BNAF flows, the sparse CAR
and the KL pairs Phlox lacked.

Run:  <oracle python> packages/distributions/scripts/parity3_fixtures.py
Writes packages/distributions/fixtures/parity3.json. Complex arrays are stored as (re, im) pairs on a trailing
axis, which is how Phlox represents them.
"""

import json
import os

import numpy as np
import scipy.sparse

import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)
import numpyro  # noqa: E402
import numpyro.distributions as nd  # noqa: E402
from numpyro.distributions import transforms as T  # noqa: E402
from numpyro.distributions.kl import kl_divergence  # noqa: E402
from numpyro.nn import AutoregressiveNN, BlockNeuralAutoregressiveNN  # noqa: E402
from numpyro.nn.auto_reg_nn import create_mask  # noqa: E402
from numpyro.nn.block_neural_arn import Tanh  # noqa: E402

rng = np.random.default_rng(20261208)
OUT = {"transforms": [], "flows": [], "car": [], "kl": []}


def lst(a):
    a = np.asarray(a)
    if np.iscomplexobj(a):
        a = np.stack([a.real, a.imag], -1)
    return a.astype(float).tolist()


def tcase(name, t, x, **extra):
    x = jnp.asarray(x)
    y = t(x)
    OUT["transforms"].append({"name": name, "x": lst(x), "y": lst(y), "inverse": lst(t.inv(y)),
                              "logDet": lst(t.log_abs_det_jacobian(x, y)), **extra})


# ---- L1BallTransform ----
for shape in [(4,), (3, 5), (2, 2, 1)]:
    tcase(f"L1Ball/{'x'.join(map(str, shape))}", T.L1BallTransform(), 1.5 * rng.normal(size=shape))

# ---- RecursiveLinearTransform: [..., T, n] values, batched transition matrices, initial values ----
for tshape, xshape, iv in [((2, 2), (5, 2), False), ((3, 2, 2), (3, 4, 2), True), ((3, 3), (2, 4, 3), True)]:
    A = 0.6 * rng.normal(size=tshape)
    init = rng.normal(size=tshape[:-1]) if iv else None
    t = T.RecursiveLinearTransform(jnp.asarray(A), None if init is None else jnp.asarray(init))
    tcase(f"RecursiveLinear/A{'x'.join(map(str, tshape))}/x{'x'.join(map(str, xshape))}", t,
          rng.normal(size=xshape), transitionMatrix=lst(A), initialValue=None if init is None else lst(init))

# ---- RealFastFourierTransform and PackRealFastFourierCoefficientsTransform ----
for xshape, tshape, ndims in [((6,), None, 1), ((2, 7), (7,), 1), ((3, 4, 5), None, 2), ((4, 6), (4, 6), 2),
                              ((2, 8), (6,), 1), ((5,), (8,), 1), ((3, 5), (4, 7), 2)]:
    t = T.RealFastFourierTransform(tshape, ndims)
    x = jnp.asarray(rng.normal(size=xshape))
    y = t(x)
    OUT["transforms"].append({"name": f"RealFFT/x{'x'.join(map(str, xshape))}/ndims{ndims}/s{tshape}", "x": lst(x),
                              "y": lst(y), "inverse": lst(t.inv(y)), "logDet": lst(t.log_abs_det_jacobian(x, y)),
                              "transformShape": None if tshape is None else list(tshape), "transformNdims": ndims})
for xshape in [(6,), (3, 7), (1,), (2,)]:
    n = xshape[-1]
    tcase(f"PackRFFT/x{'x'.join(map(str, xshape))}", T.PackRealFastFourierCoefficientsTransform((n,)),
          rng.normal(size=xshape))
# the composition that maps free coefficients to a real signal
n = 7
comp = T.ComposeTransform([T.PackRealFastFourierCoefficientsTransform((n,)), T.RealFastFourierTransform((n,)).inv])
tcase("PackThenInverseRFFT/x3x7", comp, rng.normal(size=(3, n)))

# ---- InverseAutoregressiveTransform over NumPyro's own MADE (AutoregressiveNN, ReLU, one hidden layer) ----
D, H = 4, 8
init_fn, apply_fn = AutoregressiveNN(D, [H])
_, params = init_fn(jax.random.PRNGKey(3), (D,))
params = [tuple(np.asarray(p) * 3.0 for p in layer) if layer else layer for layer in params]
masks, _ = create_mask(D, [H], jnp.arange(D), 2)
layers = [p for p in params if p]
weights = [{"W": lst(W * np.asarray(m)), "b": lst(b)} for (W, b), m in zip(layers, masks)]
iaf = nd.flows.InverseAutoregressiveTransform(lambda x: apply_fn(params, x))
x = jnp.asarray(rng.normal(size=(5, D)))
y = iaf(x)
OUT["flows"].append({"name": "IAF/made4x8", "layers": weights, "x": lst(x), "y": lst(y), "inverse": lst(iaf.inv(y)),
                     "logDet": lst(iaf.log_abs_det_jacobian(x, y))})

# ---- BlockNeuralAutoregressiveTransform over NumPyro's BlockNeuralAutoregressiveNN (Tanh, hidden factor 2) ----
init_fn, apply_fn = BlockNeuralAutoregressiveNN(D, [2], activation=Tanh())
_, params = init_fn(jax.random.PRNGKey(5), (D,))
bl = [p for p in params if p]
bnaf = nd.flows.BlockNeuralAutoregressiveTransform(lambda x: apply_fn(params, x))
x = jnp.asarray(rng.normal(size=(5, D)))
y = bnaf(x)
OUT["flows"].append({"name": "BNAF/4/h2", "factors": [1, 2, 1],
                     "layers": [{"W": lst(W), "ws": lst(ws), "b": lst(b)} for W, ws, b in bl], "x": lst(x),
                     "y": lst(y), "logDet": lst(bnaf.log_abs_det_jacobian(x, y))})

# ---- sparse CAR (is_sparse=True over a scipy CSR adjacency) ----
def adjacency(n):
    w = np.zeros((n, n))
    for i in range(n):
        w[i, (i + 1) % n] = w[(i + 1) % n, i] = 1
    for _ in range(n // 2):
        i, j = rng.choice(n, 2, replace=False)
        w[i, j] = w[j, i] = 1 + rng.integers(0, 2)
    return w


for batch, n in [((), 7), ((3,), 5), ((2, 3), 6)]:
    W = adjacency(n)
    loc = rng.normal(size=(*batch, n))
    alpha = rng.uniform(-0.95, 0.99, size=batch)
    tau = rng.uniform(0.5, 3, size=batch)
    car = nd.CAR(jnp.asarray(loc), jnp.asarray(alpha), jnp.asarray(tau), scipy.sparse.csr_matrix(W), is_sparse=True)
    npts = int(np.ceil(60 / max(1, int(np.prod(batch, dtype=int)))))
    xs = car.sample(jax.random.PRNGKey(n), (npts,))
    coo = scipy.sparse.coo_matrix(W)
    OUT["car"].append({"name": f"CAR sparse/{'x'.join(map(str, batch)) or 'scalar'}/n{n}", "loc": lst(loc),
                       "correlation": lst(alpha), "conditionalPrecision": lst(tau), "adjMatrix": lst(W),
                       "rows": coo.row.tolist(), "cols": coo.col.tolist(), "values": lst(coo.data),
                       "batchShape": list(batch), "x": lst(xs), "logProb": lst(car.log_prob(xs))})


# ---- KL pairs ----
def klcase(name, p, q, params):
    OUT["kl"].append({"name": name, "params": params, "kl": lst(kl_divergence(p, q))})


def kl_kumaraswamy_beta_scipy(a, b, al, be, order=10):
    """NumPyro's series with scipy's special functions: JAX's betaln loses ~1e-8 (relative) when one argument is
    much larger than the other (e.g. betaln(33.3, 0.3)), so this is the 1e-10 reference and NumPyro's own value
    is checked to 1e-7."""
    from scipy.special import betaln, digamma
    t1 = (al / a - 1) * (np.euler_gamma + digamma(b) + 1 / b)
    t2 = np.log(a * b) + betaln(al, be) + (1 / b - 1)
    m = np.arange(1, order + 1)
    t3 = (be - 1) * b * (np.exp(betaln(m / a[..., None], b[..., None])) / (m + (a * b)[..., None])).sum(-1)
    return t1 + t2 + t3


for shape in [(7,), (3, 4), (64,)]:
    a, b = rng.uniform(0.3, 4, size=shape), rng.uniform(0.3, 4, size=shape)
    al, be = rng.uniform(0.3, 4, size=shape), rng.uniform(0.3, 4, size=shape)
    klcase(f"Kumaraswamy-Beta/{'x'.join(map(str, shape))}", nd.Kumaraswamy(a, b), nd.Beta(al, be),
           {"a": lst(a), "b": lst(b), "alpha": lst(al), "beta": lst(be)})
    OUT["kl"][-1]["klScipy"] = lst(kl_kumaraswamy_beta_scipy(a, b, al, be))
for bshape, n in [((), 6), ((3,), 5), ((2, 2), 8)]:
    loc, scale = rng.normal(size=(*bshape, n)), rng.uniform(0.3, 2, size=(*bshape, n))
    qloc = rng.normal(size=(*bshape, n))
    # a positive-definite circulant covariance: the first row of an exponential kernel on the circle
    d = np.minimum(np.arange(n), n - np.arange(n))
    row = 1.3 * np.exp(-d / 1.5) + 0.1 * (d == 0)
    p = nd.Normal(loc, scale).to_event(1)
    klcase(f"Independent(Normal)-CirculantNormal/{'x'.join(map(str, bshape)) or 'scalar'}/n{n}", p,
           nd.CirculantNormal(jnp.asarray(qloc), covariance_row=jnp.asarray(row)),
           {"loc": lst(loc), "scale": lst(scale), "qLoc": lst(qloc), "covarianceRow": lst(row)})
# Independent pairs with different reinterpreted axes (NumPyro peels the shared ones)
loc, scale = rng.normal(size=(2, 6)), rng.uniform(0.5, 2, size=(2, 6))
qloc = rng.normal(size=(2, 6))
d = np.minimum(np.arange(6), 6 - np.arange(6))
row = np.exp(-d / 2.0) + 0.2 * (d == 0)
klcase("Independent2(Normal)-Independent1(CirculantNormal)", nd.Normal(loc, scale).to_event(2),
       nd.CirculantNormal(jnp.asarray(qloc), covariance_row=jnp.asarray(row)).to_event(1),
       {"loc": lst(loc), "scale": lst(scale), "qLoc": lst(qloc), "covarianceRow": lst(row)})
# Delta with a log density, masked pairs
v, ld = rng.normal(size=(5,)), rng.normal(size=(5,))
klcase("Delta(logDensity)-Normal", nd.Delta(v, ld), nd.Normal(0.3, 1.7), {"v": lst(v), "logDensity": lst(ld)})
mp, mq = rng.uniform(size=(6,)) < 0.6, rng.uniform(size=(6,)) < 0.6
loc, qloc = rng.normal(size=(6,)), rng.normal(size=(6,))
klcase("Masked-Masked/Normal", nd.Normal(loc, 1.0).mask(mp), nd.Normal(qloc, 2.0).mask(mq),
       {"loc": lst(loc), "qLoc": lst(qloc), "maskP": mp.tolist(), "maskQ": mq.tolist()})

out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "parity3.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/parity3_fixtures.py", "numpyro": numpyro.__version__, **OUT}, f,
              separators=(",", ":"))
print("wrote", {k: len(v) for k, v in OUT.items()})
