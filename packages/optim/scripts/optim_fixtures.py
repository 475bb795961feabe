"""Reference fixtures for @phlox/optim.

Run from the repository root with the Python oracle:
    /tmp/phlox-oracle/bin/python packages/optim/scripts/optim_fixtures.py
writes packages/optim/fixtures/optim.json.

- optimizers: a few steps of jax.example_libraries.optimizers (what numpyro.optim wraps) in float64 on a
  fixed gradient sequence; ClippedAdam is NumPyro's recipe (jnp.clip, then adam; lrd as in
  numpyro.compat.optim: step_size(i) = lr * lrd**i). AdamW has no JAX example-library version and optax is
  not installed here, so it is computed from optax.adamw's published update rule in numpy (formula reference).
- schedules: jax.example_libraries.optimizers schedules at integer steps; cosine decay from its formula.
- minimize: scipy.optimize.minimize(method="L-BFGS-B") optima of fixed problems.
"""

import json
import math
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import scipy.optimize  # noqa: E402
from jax.example_libraries import optimizers as jopt  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "optim.json"

rng = np.random.default_rng(20261126)
N = 4
STEPS = 6
x0 = rng.normal(size=N)
grads = rng.normal(scale=2.0, size=(STEPS, N))
grads[0, 0] = 0.0  # exercises the acc > 0 branch of Adagrad / SM3
big_grads = grads * 5.0  # for ClippedAdam: several entries beyond clip_norm


def run(opt_triple, gs, slot_names, unpack):
    init, update, get_params = opt_triple
    state = init(jnp.asarray(x0))
    params = []
    for i, g in enumerate(gs):
        state = update(i, jnp.asarray(g), state)
        params.append(np.asarray(get_params(state)).tolist())
    packed = state.packed_state[0]
    slots = {name: np.asarray(arr).ravel().tolist() for name, arr in zip(slot_names, unpack(packed))}
    return params, slots


def case(name, optimizer, step_size, options, triple, slot_names, unpack, gs=grads, note=""):
    params, slots = run(triple, gs, slot_names, unpack)
    return {
        "name": name,
        "optimizer": optimizer,
        "stepSize": step_size,
        "options": options,
        "grads": np.asarray(gs).tolist(),
        "params": params,
        "slots": slots,
        "note": note,
    }


def clipped(triple, c):
    init, update, get_params = triple

    def upd(i, g, s):
        return update(i, jnp.clip(g, -c, c), s)

    return init, upd, get_params


cases = []
cases.append(case("sgd", "SGD", 0.1, {}, jopt.sgd(0.1), [], lambda p: []))
cases.append(
    case(
        "sgd-exponential-decay",
        "SGD",
        {"schedule": "exponentialDecay", "args": [0.1, 2, 0.5]},
        {},
        jopt.sgd(jopt.exponential_decay(0.1, 2, 0.5)),
        [],
        lambda p: [],
    )
)
cases.append(
    case("momentum", "Momentum", 0.05, {"mass": 0.9}, jopt.momentum(0.05, 0.9), ["velocity"], lambda p: [p[1]])
)
cases.append(case("adagrad", "Adagrad", 0.1, {}, jopt.adagrad(0.1), ["gSq", "m"], lambda p: [p[1], p[2]]))
cases.append(
    case(
        "adagrad-momentum-0.5",
        "Adagrad",
        0.1,
        {"momentum": 0.5},
        jopt.adagrad(0.1, momentum=0.5),
        ["gSq", "m"],
        lambda p: [p[1], p[2]],
    )
)
cases.append(case("rmsprop", "RMSProp", 0.01, {}, jopt.rmsprop(0.01), ["avgSqGrad"], lambda p: [p[1]]))
cases.append(
    case(
        "rmsprop-custom",
        "RMSProp",
        0.01,
        {"gamma": 0.95, "eps": 1e-6},
        jopt.rmsprop(0.01, gamma=0.95, eps=1e-6),
        ["avgSqGrad"],
        lambda p: [p[1]],
    )
)
cases.append(
    case(
        "rmsprop-momentum",
        "RMSPropMomentum",
        1e-3,
        {},
        jopt.rmsprop_momentum(1e-3),
        ["avgSqGrad", "mom"],
        lambda p: [p[1], p[2]],
    )
)
cases.append(
    case(
        "rmsprop-momentum-custom",
        "RMSPropMomentum",
        0.02,
        {"gamma": 0.8, "eps": 1e-4, "momentum": 0.5},
        jopt.rmsprop_momentum(0.02, gamma=0.8, eps=1e-4, momentum=0.5),
        ["avgSqGrad", "mom"],
        lambda p: [p[1], p[2]],
    )
)
cases.append(case("adam", "Adam", 0.01, {}, jopt.adam(0.01), ["m", "v"], lambda p: [p[1], p[2]]))
cases.append(
    case(
        "adam-custom",
        "Adam",
        0.05,
        {"b1": 0.5, "b2": 0.9, "eps": 1e-6},
        jopt.adam(0.05, b1=0.5, b2=0.9, eps=1e-6),
        ["m", "v"],
        lambda p: [p[1], p[2]],
    )
)
cases.append(
    case(
        "adam-polynomial-decay",
        "Adam",
        {"schedule": "polynomialDecay", "args": [0.1, 4, 0.01, 2.0]},
        {},
        jopt.adam(jopt.polynomial_decay(0.1, 4, 0.01, 2.0)),
        ["m", "v"],
        lambda p: [p[1], p[2]],
    )
)
cases.append(
    case(
        "clipped-adam",
        "ClippedAdam",
        0.01,
        {"clipNorm": 1.0},
        clipped(jopt.adam(0.01), 1.0),
        ["m", "v"],
        lambda p: [p[1], p[2]],
        gs=big_grads,
        note="numpyro.optim.ClippedAdam: clip each entry to [-clip_norm, clip_norm], then adam",
    )
)
cases.append(
    case(
        "clipped-adam-lrd",
        "ClippedAdam",
        0.01,
        {"clipNorm": 5.0, "lrd": 0.9},
        clipped(jopt.adam(lambda i: 0.01 * 0.9**i), 5.0),
        ["m", "v"],
        lambda p: [p[1], p[2]],
        gs=big_grads,
        note="lrd as numpyro.compat.optim.ClippedAdam: step_size(i) = lr * lrd**i",
    )
)
cases.append(case("sm3", "SM3", 0.1, {}, jopt.sm3(0.1), ["m", "v"], lambda p: [p[1], p[2]]))
cases.append(
    case("sm3-momentum-0", "SM3", 0.1, {"momentum": 0.0}, jopt.sm3(0.1, momentum=0.0), ["m", "v"], lambda p: [p[1], p[2]])
)


def adamw_formula(lr, b1, b2, eps, wd, gs):
    # optax.adamw = chain(scale_by_adam(b1, b2, eps, eps_root=0), add_decayed_weights(wd), scale(-lr))
    x = x0.copy()
    m = np.zeros(N)
    v = np.zeros(N)
    params = []
    for i, g in enumerate(gs):
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * g * g + b2 * v
        mhat = m / (1 - b1 ** (i + 1))
        vhat = v / (1 - b2 ** (i + 1))
        u = mhat / (np.sqrt(vhat) + eps) + wd * x
        x = x - lr * u
        params.append(x.tolist())
    return params, {"m": m.tolist(), "v": v.tolist()}


for nm, opts in [("adamw", {}), ("adamw-custom", {"b1": 0.8, "b2": 0.99, "eps": 1e-7, "weightDecay": 0.1})]:
    p, s = adamw_formula(
        0.01, opts.get("b1", 0.9), opts.get("b2", 0.999), opts.get("eps", 1e-8), opts.get("weightDecay", 1e-4), grads
    )
    cases.append(
        {
            "name": nm,
            "optimizer": "AdamW",
            "stepSize": 0.01,
            "options": opts,
            "grads": grads.tolist(),
            "params": p,
            "slots": s,
            "note": "optax.adamw update rule evaluated in numpy (optax not installed in the oracle)",
        }
    )

# ---- schedules
steps = list(range(0, 31))
schedules = []


def sched(name, args, fn):
    schedules.append({"name": name, "args": args, "steps": steps, "values": [float(fn(i)) for i in steps]})


sched("exponentialDecay", [0.1, 7, 0.3], jopt.exponential_decay(0.1, 7, 0.3))
sched("inverseTimeDecay", [0.5, 4, 2.0, False], jopt.inverse_time_decay(0.5, 4, 2.0))
sched("inverseTimeDecay", [0.5, 4, 2.0, True], jopt.inverse_time_decay(0.5, 4, 2.0, staircase=True))
sched("polynomialDecay", [1.0, 20, 0.1, 1.0], jopt.polynomial_decay(1.0, 20, 0.1, 1.0))
sched("polynomialDecay", [1.0, 20, 0.1, 0.5], jopt.polynomial_decay(1.0, 20, 0.1, 0.5))
sched("piecewiseConstant", [[5, 12, 20], [1.0, 0.5, 0.1, 0.01]], jopt.piecewise_constant([5, 12, 20], [1.0, 0.5, 0.1, 0.01]))


def cosine(peak, n, alpha=0.0, exponent=1.0, warmup=0, init=0.0):
    def f(i):
        if i < warmup:
            return init + (peak - init) * i / warmup
        t = min(i - warmup, n - warmup) / (n - warmup)
        return peak * ((1 - alpha) * (0.5 * (1 + math.cos(math.pi * t))) ** exponent + alpha)

    return f


sched("cosineDecay", [0.2, 25, {}], cosine(0.2, 25))
sched("cosineDecay", [0.2, 25, {"alpha": 0.1, "exponent": 2.0}], cosine(0.2, 25, 0.1, 2.0))
sched(
    "cosineDecay",
    [0.2, 25, {"warmupSteps": 5, "warmupInit": 0.01, "alpha": 0.05}],
    cosine(0.2, 25, 0.05, 1.0, 5, 0.01),
)

# ---- minimize (scipy L-BFGS-B optimum as the reference)
problems = []


def rosen(x):
    return scipy.optimize.rosen(x), scipy.optimize.rosen_der(x)


r = scipy.optimize.minimize(rosen, np.array([-1.2, 1.0]), jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15})
problems.append({"name": "rosenbrock-2d", "x0": [-1.2, 1.0], "x": r.x.tolist(), "value": float(r.fun)})

# 10-d extended Rosenbrock
x0r = np.tile([-1.2, 1.0], 5)
r = scipy.optimize.minimize(rosen, x0r, jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 5000})
problems.append({"name": "rosenbrock-10d", "x0": x0r.tolist(), "x": r.x.tolist(), "value": float(r.fun)})

# logistic regression MAP with a Normal(0, 1) prior: f(w) = sum softplus(-y_i x_i.w) + |w|^2/2, y in {-1, 1}
Xl = rng.normal(size=(40, 3))
wt = np.array([1.0, -2.0, 0.5])
yl = np.where(rng.uniform(size=40) < 1 / (1 + np.exp(-Xl @ wt)), 1.0, -1.0)


def logreg(w):
    z = yl * (Xl @ w)
    f = np.sum(np.logaddexp(0.0, -z)) + 0.5 * w @ w
    s = -yl / (1 + np.exp(z))
    return f, Xl.T @ s + w


r = scipy.optimize.minimize(logreg, np.zeros(3), jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15})
problems.append(
    {"name": "logistic-map", "X": Xl.tolist(), "y": yl.tolist(), "x0": [0.0, 0.0, 0.0], "x": r.x.tolist(), "value": float(r.fun)}
)

out = {
    "generator": "packages/optim/scripts/optim_fixtures.py",
    "versions": {"jax": jax.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
    "x0": x0.tolist(),
    "optimizers": cases,
    "schedules": schedules,
    "minimize": problems,
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} optimizer cases)")
