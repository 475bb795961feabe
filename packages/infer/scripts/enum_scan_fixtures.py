"""Writes fixtures/enum-scan.json: NumPyro's marginal log densities (discrete states summed out) of
examples/hmm_enum.py's model_1 and model_2, written with numpyro.contrib.control_flow.scan as in that example,
and of a second-order HMM (model_3: scan with history=2),
on a small synthetic sequence set at several parameter points, with their JAX gradients.

Also writes fixtures/enum-scan-loglik.json (pointwise log-likelihoods when y[t] depends on x[t-1], by brute
force). Run with the oracle (NumPyro 0.21 + funsor): python packages/infer/scripts/enum_scan_fixtures.py
"""

import json
import os

import numpy as np

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.contrib.control_flow import scan
from numpyro.contrib.funsor import config_enumerate, enum, log_density
from numpyro.handlers import mask

numpyro.enable_x64()
rng = np.random.default_rng(1516)
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "enum-scan.json")
HIDDEN = 3


# examples/hmm_enum.py, model_1 (hidden_dim = HIDDEN), as in the example: priors on the probabilities, scan over time
def model_1(sequences, lengths):
    num_sequences, max_length, data_dim = sequences.shape
    probs_x = numpyro.sample("probs_x", dist.Dirichlet(0.9 * jnp.eye(HIDDEN) + 0.1).to_event(1))
    probs_y = numpyro.sample("probs_y", dist.Beta(0.1, 0.9).expand([HIDDEN, data_dim]).to_event(2))

    def transition_fn(carry, y):
        x_prev, t = carry
        with numpyro.plate("sequences", num_sequences, dim=-2):
            with mask(mask=(t < lengths)[..., None]):
                x = numpyro.sample("x", dist.Categorical(probs_x[x_prev]))
                with numpyro.plate("tones", data_dim, dim=-1):
                    numpyro.sample("y", dist.Bernoulli(probs_y[x.squeeze(-1)]), obs=y)
        return (x, t + 1), None

    x_init = jnp.zeros((num_sequences, 1), dtype=jnp.int32)
    scan(transition_fn, (x_init, 0), jnp.swapaxes(sequences, 0, 1))


# examples/hmm_enum.py, model_2: y depends on x and on the previous y
def model_2(sequences, lengths):
    num_sequences, max_length, data_dim = sequences.shape
    probs_x = numpyro.sample("probs_x", dist.Dirichlet(0.9 * jnp.eye(HIDDEN) + 0.1).to_event(1))
    probs_y = numpyro.sample("probs_y", dist.Beta(0.1, 0.9).expand([HIDDEN, 2, data_dim]).to_event(3))

    def transition_fn(carry, y):
        x_prev, y_prev, t = carry
        with numpyro.plate("sequences", num_sequences, dim=-2):
            with mask(mask=(t < lengths)[..., None]):
                x = numpyro.sample("x", dist.Categorical(probs_x[x_prev]))
                with numpyro.plate("tones", data_dim, dim=-1) as tones:
                    y = numpyro.sample("y", dist.Bernoulli(probs_y[x, y_prev, tones]), obs=y)
        return (x, y, t + 1), None

    x_init = jnp.zeros((num_sequences, 1), dtype=jnp.int32)
    y_init = jnp.zeros((num_sequences, data_dim), dtype=jnp.int32)
    scan(transition_fn, (x_init, y_init, 0), jnp.swapaxes(sequences, 0, 1))


# a second-order HMM in the style of model_1: x[t] depends on x[t-1] and x[t-2] (scan with history=2)
def model_3(sequences, lengths):
    num_sequences, max_length, data_dim = sequences.shape
    probs_x = numpyro.sample("probs_x", dist.Dirichlet(jnp.ones(HIDDEN)).expand([HIDDEN, HIDDEN]).to_event(2))
    probs_y = numpyro.sample("probs_y", dist.Beta(0.1, 0.9).expand([HIDDEN, data_dim]).to_event(2))

    def transition_fn(carry, y):
        x_prev, x_prev2, t = carry
        with numpyro.plate("sequences", num_sequences, dim=-2):
            with mask(mask=(t < lengths)[..., None]):
                x = numpyro.sample("x", dist.Categorical(probs_x[x_prev2, x_prev]))
                with numpyro.plate("tones", data_dim, dim=-1):
                    numpyro.sample("y", dist.Bernoulli(probs_y[x.squeeze(-1)]), obs=y)
        return (x, x_prev, t + 1), None

    x_init = jnp.zeros((num_sequences, 1), dtype=jnp.int32)
    scan(transition_fn, (x_init, x_init, 0), jnp.swapaxes(sequences, 0, 1), history=2)


def simplex(*shape):
    a = rng.gamma(2.0, size=shape)
    return a / a.sum(-1, keepdims=True)


def case(name, model, args, params):
    def f(p):
        # max_plate_nesting = 2 (sequences, tones): enumeration starts at dim -3
        m = enum(config_enumerate(model), first_available_dim=-3)
        return log_density(m, args, {}, p)[0]

    p = {k: jnp.asarray(v) for k, v in params.items()}
    val, grad = jax.value_and_grad(f)(p)
    return {
        "name": name,
        "params": {k: np.asarray(v).tolist() for k, v in params.items()},
        "logDensity": float(val),
        "grad": {k: np.asarray(v).tolist() for k, v in grad.items()},
    }


def main():
    seqs = (rng.random((4, 9, 3)) < 0.35).astype(np.int32)
    lengths = np.array([9, 6, 8, 7], dtype=np.int32)
    cases = []
    for point in range(3):
        cases.append(
            case(
                "model_1",
                model_1,
                (seqs, lengths),
                {"probs_x": simplex(HIDDEN, HIDDEN), "probs_y": rng.uniform(0.05, 0.95, size=(HIDDEN, 3))},
            )
        )
        cases.append(
            case(
                "model_2",
                model_2,
                (seqs, lengths),
                {"probs_x": simplex(HIDDEN, HIDDEN), "probs_y": rng.uniform(0.05, 0.95, size=(HIDDEN, 2, 3))},
            )
        )
        cases.append(
            case(
                "model_3",
                model_3,
                (seqs, lengths),
                {"probs_x": simplex(HIDDEN, HIDDEN, HIDDEN), "probs_y": rng.uniform(0.05, 0.95, size=(HIDDEN, 3))},
            )
        )
    with open(OUT, "w") as fh:
        json.dump(
            {
                "generator": "packages/infer/scripts/enum_scan_fixtures.py",
                "numpyro": numpyro.__version__,
                "sequences": seqs.tolist(),
                "lengths": lengths.tolist(),
                "cases": cases,
            },
            fh,
            indent=1,
        )
        fh.write("\n")


def prev_obs_loglik():
    """Pointwise log-likelihoods of an HMM whose observation y[t] depends on x[t-1] and x[t] (x[-1] = 0), by
    brute-force enumeration of every state path: log sum_x prod_s p(x[s] | x[s-1]) p(y[t] | x[t-1], x[t]),
    the discrete states summed out as a markov loop's pointwise log-likelihood does (NumPyro's log_likelihood
    gives no pointwise marginals under enumeration). Writes fixtures/enum-scan-loglik.json."""
    import itertools

    k, steps, n = 3, 4, 2
    draws = []
    ys = rng.normal(size=(steps, n))
    for _ in range(2):
        probs_x = simplex(k, k)
        locs = rng.normal(size=(k, k)) * 1.5
        ll = np.zeros((steps, n))
        for i in range(n):
            for t in range(steps):
                terms = []
                for path in itertools.product(range(k), repeat=steps):
                    prev = 0
                    lp = 0.0
                    for s_, x in enumerate(path):
                        lp += np.log(probs_x[prev, x])
                        if s_ == t:
                            mu = locs[prev, x]
                            lp += -0.5 * (ys[t, i] - mu) ** 2 - 0.5 * np.log(2 * np.pi)
                        prev = x
                    terms.append(lp)
                terms = np.array(terms)
                m = terms.max()
                ll[t, i] = m + np.log(np.exp(terms - m).sum())
        draws.append({"probs_x": probs_x.tolist(), "locs": locs.tolist(), "logLik": ll.tolist()})
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "enum-scan-loglik.json")
    with open(out, "w") as fh:
        json.dump(
            {"generator": "packages/infer/scripts/enum_scan_fixtures.py", "y": ys.tolist(), "draws": draws},
            fh,
            indent=1,
        )
        fh.write("\n")


def regime_map():
    """MAP states of an HMM whose transition matrix depends on a global discrete regime z (sampled outside the
    loop), by NumPyro's infer_discrete (temperature 0). NumPyro's infer_discrete does not run through scan for
    more than two steps, so the reference is the same model written with a markov loop (the Phlox test writes
    it with scan). Writes fixtures/enum-scan-regime.json."""
    from numpyro.contrib.funsor import infer_discrete, markov
    from numpyro.ops.indexing import Vindex

    nz, k, steps = 2, 3, 12
    pi = np.array([0.45, 0.55])
    trans = np.stack([simplex(k, k) for _ in range(nz)])
    trans[1] = 0.1 / k + 0.9 * np.roll(np.eye(k), 1, axis=1)  # regime 1 cycles through the states
    locs = np.array([-2.0, 0.0, 2.0])
    xs = [0]
    for _ in range(steps):
        xs.append(int(rng.choice(k, p=trans[1, xs[-1]])))
    ys = locs[np.array(xs[1:])] + rng.normal(size=steps) * 0.8

    def model(ys):
        z = numpyro.sample("z", dist.Categorical(jnp.asarray(pi)))
        x = 0
        for t in markov(range(len(ys))):
            x = numpyro.sample(f"x_{t}", dist.Categorical(Vindex(jnp.asarray(trans))[z, x]))
            numpyro.sample(f"y_{t}", dist.Normal(jnp.asarray(locs)[x], 1.0), obs=ys[t])

    decoder = infer_discrete(config_enumerate(model), temperature=0, first_available_dim=-1)
    tr = numpyro.handlers.trace(numpyro.handlers.seed(decoder, 0)).get_trace(jnp.asarray(ys))
    out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "enum-scan-regime.json")
    with open(out, "w") as fh:
        json.dump(
            {
                "generator": "packages/infer/scripts/enum_scan_fixtures.py",
                "pi": pi.tolist(),
                "trans": trans.tolist(),
                "locs": locs.tolist(),
                "y": ys.tolist(),
                "z": int(tr["z"]["value"]),
                "x": [int(tr[f"x_{t}"]["value"]) for t in range(steps)],
            },
            fh,
            indent=1,
        )
        fh.write("\n")


if __name__ == "__main__":
    main()
    prev_obs_loglik()
    regime_map()
