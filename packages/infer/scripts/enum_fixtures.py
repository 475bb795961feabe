"""Writes fixtures/enum-log-density.json: NumPyro's enumerated marginal log densities (and their JAX gradients)
for the models mirrored in src/enum/enum-log-density.test.ts.

Run with the oracle (NumPyro 0.21 + funsor): python packages/infer/scripts/enum_fixtures.py
"""

import json
import os

import numpy as np

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.contrib.control_flow import scan
from numpyro.contrib.funsor import config_enumerate, enum, log_density, markov
from numpyro.handlers import mask

numpyro.enable_x64()
rng = np.random.default_rng(16)
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "enum-log-density.json")


def mixture(data, p):
    w = p["w"]
    with numpyro.plate("N", data.shape[0]):
        z = numpyro.sample("z", dist.Categorical(w))
        numpyro.sample("y", dist.Normal(p["locs"][z], p["scale"]), obs=data)


def nested(data, p):
    # data: [I, J]
    a = numpyro.sample("a", dist.Bernoulli(p["pa"]))
    with numpyro.plate("I", data.shape[0], dim=-2):
        b = numpyro.sample("b", dist.Bernoulli(p["pb"][a.astype(jnp.int32)]))
        with numpyro.plate("J", data.shape[1], dim=-1):
            c = numpyro.sample("c", dist.Categorical(p["pc"][b.astype(jnp.int32)]))
            numpyro.sample("y", dist.Normal(p["mu"][c] + a, 1.0), obs=data)


def several(data, p):
    z1 = numpyro.sample("z1", dist.Categorical(p["w1"]))
    z2 = numpyro.sample("z2", dist.Categorical(p["w2"][z1]))
    numpyro.factor("f", p["fz"][z1, z2])
    with numpyro.plate("N", data.shape[0]):
        numpyro.sample("y", dist.Normal(p["mu1"][z1] + p["mu2"][z2], 1.0), obs=data)


def hmm_loop(data, p):
    x = 0
    for t in markov(range(data.shape[0])):
        x = numpyro.sample(f"x_{t}", dist.Categorical(p["trans"][x]))
        numpyro.sample(f"y_{t}", dist.Normal(p["locs"][x], 1.0), obs=data[t])


def hmm_plate_loop(data, p):
    # data: [T, S]; sequences in a plate, time in a markov loop
    with numpyro.plate("S", data.shape[1]):
        x = 0
        for t in markov(range(data.shape[0])):
            x = numpyro.sample(f"x_{t}", dist.Categorical(p["trans"][x]))
            numpyro.sample(f"y_{t}", dist.Normal(p["locs"][x], p["scale"]), obs=data[t])


def hmm_order2(data, p):
    x1, x2 = 0, 0
    for t in markov(range(data.shape[0]), history=2):
        x = numpyro.sample(f"x_{t}", dist.Categorical(p["trans2"][x1, x2]))
        numpyro.sample(f"y_{t}", dist.Normal(p["locs"][x], 1.0), obs=data[t])
        x1, x2 = x2, x


def hmm_model_1(sequences, lengths, p):
    num_sequences, max_length, data_dim = sequences.shape
    probs_x, probs_y = p["probs_x"], p["probs_y"]

    def transition_fn(carry, y):
        x_prev, t = carry
        with numpyro.plate("sequences", num_sequences, dim=-2):
            with mask(mask=(t < lengths)[..., None]):
                x = numpyro.sample("x", dist.Categorical(probs_x[x_prev]), infer={"enumerate": "parallel"})
                with numpyro.plate("tones", data_dim, dim=-1):
                    numpyro.sample("y", dist.Bernoulli(probs_y[x.squeeze(-1)]), obs=y)
        return (x, t + 1), None

    x_init = jnp.zeros((num_sequences, 1), dtype=jnp.int32)
    scan(transition_fn, (x_init, 0), jnp.swapaxes(sequences, 0, 1))


def hmm_model_2(sequences, lengths, p):
    num_sequences, max_length, data_dim = sequences.shape
    probs_x, probs_y = p["probs_x"], p["probs_y"]

    def transition_fn(carry, y):
        x_prev, y_prev, t = carry
        with numpyro.plate("sequences", num_sequences, dim=-2):
            with mask(mask=(t < lengths)[..., None]):
                x = numpyro.sample("x", dist.Categorical(probs_x[x_prev]), infer={"enumerate": "parallel"})
                with numpyro.plate("tones", data_dim, dim=-1) as tones:
                    y = numpyro.sample("y", dist.Bernoulli(probs_y[x, y_prev, tones]), obs=y)
        return (x, y, t + 1), None

    x_init = jnp.zeros((num_sequences, 1), dtype=jnp.int32)
    y_init = jnp.zeros((num_sequences, data_dim), dtype=jnp.int32)
    scan(transition_fn, (x_init, y_init, 0), jnp.swapaxes(sequences, 0, 1))


def simplex(*shape):
    a = rng.gamma(2.0, size=shape)
    return a / a.sum(-1, keepdims=True)


def case(name, model, args, params, max_plate_nesting):
    jparams = {k: jnp.asarray(v) for k, v in params.items()}

    def f(ps):
        m = enum(config_enumerate(lambda *a: model(*a, ps)), first_available_dim=-max_plate_nesting - 1)
        return log_density(m, args, {}, {})[0]

    value = float(f(jparams))
    grads = jax.grad(f)(jparams)
    return {
        "name": name,
        "args": [np.asarray(a).tolist() for a in args],
        "params": {k: np.asarray(v).tolist() for k, v in params.items()},
        "logDensity": value,
        "grad": {k: np.asarray(g).tolist() for k, g in grads.items()},
    }


def main():
    cases = []
    K = 3
    ymix = rng.normal(size=12) * 2.0
    cases.append(
        case(
            "mixture",
            mixture,
            (ymix,),
            {"w": simplex(K), "locs": np.array([-2.0, 0.5, 3.0]), "scale": 1.3},
            1,
        )
    )
    cases.append(
        case(
            "nested",
            nested,
            (rng.normal(size=(3, 4)),),
            {"pa": 0.35, "pb": np.array([0.2, 0.7]), "pc": simplex(2, 3), "mu": np.array([-1.0, 0.0, 1.5])},
            2,
        )
    )
    cases.append(
        case(
            "several",
            several,
            (rng.normal(size=5),),
            {
                "w1": simplex(3),
                "w2": simplex(3, 2),
                "fz": rng.normal(size=(3, 2)),
                "mu1": np.array([-1.0, 0.0, 1.0]),
                "mu2": np.array([0.3, -0.4]),
            },
            1,
        )
    )
    cases.append(
        case(
            "hmm_loop",
            hmm_loop,
            (rng.normal(size=8) * 2,),
            {"trans": simplex(K, K), "locs": np.array([-2.0, 0.0, 2.0])},
            0,
        )
    )
    cases.append(
        case(
            "hmm_plate_loop",
            hmm_plate_loop,
            (rng.normal(size=(6, 4)) * 2,),
            {"trans": simplex(K, K), "locs": np.array([-2.0, 0.0, 2.0]), "scale": 0.8},
            1,
        )
    )
    cases.append(
        case(
            "hmm_order2",
            hmm_order2,
            (rng.normal(size=7) * 2,),
            {"trans2": simplex(K, K, K), "locs": np.array([-2.0, 0.0, 2.0])},
            0,
        )
    )
    seqs = (rng.random((3, 7, 4)) < 0.4).astype(np.int32)
    lengths = np.array([7, 5, 6], dtype=np.int32)
    H = 3
    cases.append(
        case(
            "hmm_model_1",
            hmm_model_1,
            (seqs, lengths),
            {"probs_x": simplex(H, H), "probs_y": rng.uniform(0.05, 0.95, size=(H, 4))},
            2,
        )
    )
    cases.append(
        case(
            "hmm_model_2",
            hmm_model_2,
            (seqs, lengths),
            {"probs_x": simplex(H, H), "probs_y": rng.uniform(0.05, 0.95, size=(H, 2, 4))},
            2,
        )
    )
    with open(OUT, "w") as fh:
        json.dump({"generator": "packages/infer/scripts/enum_fixtures.py", "numpyro": numpyro.__version__, "cases": cases}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
