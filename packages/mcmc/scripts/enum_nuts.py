"""Writes fixtures/enum_nuts.json: data and NumPyro NUTS posterior summaries (mean, sd, MCSE) for models whose
discrete sites NUTS sums out by enumeration, plus ArviZ's WAIC/PSIS-LOO on the mixture's pointwise
log-likelihood (discrete site marginalised) at thinned NumPyro draws. Mirrored in src/enum-nuts.test.ts.

Run with the oracle (NumPyro 0.21 + funsor + ArviZ): python packages/mcmc/scripts/enum_nuts.py
"""

import json
import os

import arviz as az
import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.contrib.control_flow import scan
from numpyro.handlers import mask
from numpyro.infer import MCMC, NUTS, init_to_median, init_to_value

numpyro.enable_x64()
rng = np.random.default_rng(2016)
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "enum_nuts.json")


def gmm(y):
    w = numpyro.sample("w", dist.Dirichlet(jnp.ones(3)))
    with numpyro.plate("K", 3):
        locs = numpyro.sample("locs", dist.Normal(jnp.array([-5.0, 0.0, 5.0]), 1.5))
    sigma = numpyro.sample("sigma", dist.HalfNormal(2.0))
    with numpyro.plate("N", y.shape[0]):
        z = numpyro.sample("z", dist.Categorical(w), infer={"enumerate": "parallel"})
        numpyro.sample("y", dist.Normal(locs[z], sigma), obs=y)


def hmm_1(sequences, lengths):
    num_sequences, max_length, data_dim = sequences.shape
    probs_x = numpyro.sample("probs_x", dist.Dirichlet(0.9 * jnp.eye(2) + 0.1).to_event(1))
    probs_y = numpyro.sample("probs_y", dist.Beta(0.1, 0.9).expand([2, data_dim]).to_event(2))

    def transition_fn(carry, y):
        x_prev, t = carry
        with numpyro.plate("sequences", num_sequences, dim=-2):
            with mask(mask=(t < lengths)[..., None]):
                x = numpyro.sample("x", dist.Categorical(probs_x[x_prev]), infer={"enumerate": "parallel"})
                with numpyro.plate("tones", data_dim, dim=-1):
                    numpyro.sample("y", dist.Bernoulli(probs_y[x.squeeze(-1)]), obs=y)
        return (x, t + 1), None

    scan(transition_fn, (jnp.zeros((num_sequences, 1), dtype=jnp.int64), 0), jnp.swapaxes(sequences, 0, 1))


def hmm_2(sequences, lengths):
    num_sequences, max_length, data_dim = sequences.shape
    probs_x = numpyro.sample("probs_x", dist.Dirichlet(0.9 * jnp.eye(2) + 0.1).to_event(1))
    probs_y = numpyro.sample("probs_y", dist.Beta(0.1, 0.9).expand([2, 2, data_dim]).to_event(3))

    def transition_fn(carry, y):
        x_prev, y_prev, t = carry
        with numpyro.plate("sequences", num_sequences, dim=-2):
            with mask(mask=(t < lengths)[..., None]):
                x = numpyro.sample("x", dist.Categorical(probs_x[x_prev]), infer={"enumerate": "parallel"})
                with numpyro.plate("tones", data_dim, dim=-1) as tones:
                    y = numpyro.sample("y", dist.Bernoulli(probs_y[x, y_prev, tones]), obs=y)
        return (x, y, t + 1), None

    scan(
        transition_fn,
        (jnp.zeros((num_sequences, 1), dtype=jnp.int64), jnp.zeros((num_sequences, data_dim), dtype=jnp.int32), 0),
        jnp.swapaxes(sequences, 0, 1),
    )


def changepoint(y):
    T = y.shape[0]
    lam1 = numpyro.sample("lam1", dist.Exponential(0.2))
    lam2 = numpyro.sample("lam2", dist.Exponential(0.2))
    tau = numpyro.sample("tau", dist.DiscreteUniform(0, T - 1), infer={"enumerate": "parallel"})
    rate = jnp.where(jnp.arange(T) < tau, lam1, lam2)
    with numpyro.plate("T", T):
        numpyro.sample("y", dist.Poisson(rate), obs=y)


def zip_model(y):
    pi = numpyro.sample("pi", dist.Beta(1.0, 1.0))
    lam = numpyro.sample("lam", dist.Exponential(0.5))
    with numpyro.plate("N", y.shape[0]):
        z = numpyro.sample("z", dist.Bernoulli(pi), infer={"enumerate": "parallel"})
        numpyro.sample("y", dist.Poisson(z * lam + (1 - z) * 1e-8), obs=y)


def run(model, args, init, seed):
    mcmc = MCMC(
        NUTS(model, init_strategy=init_to_value(values=init) if init else init_to_median()),
        num_warmup=1000,
        num_samples=4000,
        progress_bar=False,
    )
    mcmc.run(jax.random.PRNGKey(seed), *args)
    samples = mcmc.get_samples()
    summary = {}
    for k, v in samples.items():
        v = np.asarray(v).reshape(v.shape[0], -1)
        mcse = [float(az.mcse(v[None, :, i], method="mean")) for i in range(v.shape[1])]
        summary[k] = {"mean": v.mean(0).tolist(), "sd": v.std(0, ddof=1).tolist(), "mcse": mcse}
    return samples, summary


def main():
    out = {"generator": "packages/mcmc/scripts/enum_nuts.py", "numpyro": numpyro.__version__, "models": {}}

    def save():
        with open(OUT, "w") as fh:
            json.dump(out, fh)
            fh.write("\n")

    # Gaussian mixture, K = 3, N = 500
    comp = rng.choice(3, size=500, p=[0.3, 0.45, 0.25])
    y = rng.normal(np.array([-4.0, 0.5, 4.5])[comp], 1.0)
    samples, summary = run(gmm, (jnp.asarray(y),), None, 0)
    out["models"]["gmm"] = {"data": {"y": y.tolist()}, "summary": summary}
    # WAIC / PSIS-LOO from the marginal pointwise log-likelihood at 100 thinned draws
    idx = np.arange(0, 4000, 40)
    w = np.asarray(samples["w"])[idx]
    locs = np.asarray(samples["locs"])[idx]
    sigma = np.asarray(samples["sigma"])[idx]
    ll = logsumexp(np.log(w)[:, None, :] + norm.logpdf(y[None, :, None], locs[:, None, :], sigma[:, None, None]), axis=-1)
    idata = az.from_dict(posterior={"sigma": sigma[None]}, log_likelihood={"y": ll[None]})
    waic = az.waic(idata, pointwise=True)
    loo = az.loo(idata, pointwise=True)
    out["models"]["gmm"]["ic"] = {
        "draws": {"w": w.tolist(), "locs": locs.tolist(), "sigma": sigma.tolist()},
        "waic": {"elpd": float(waic.elpd_waic), "se": float(waic.se), "p": float(waic.p_waic)},
        "loo": {
            "elpd": float(loo.elpd_loo),
            "se": float(loo.se),
            "p": float(loo.p_loo),
            "pareto_k": np.asarray(loo.pareto_k).tolist(),
        },
    }

    save()

    # hmm_enum.py models 1 and 2 on synthetic sequences (2 hidden states, 4 tones)
    S, T, D = 6, 25, 4
    px = np.array([[0.85, 0.15], [0.2, 0.8]])
    py1 = np.array([[0.1, 0.7, 0.2, 0.6], [0.8, 0.2, 0.7, 0.1]])
    seqs = np.zeros((S, T, D), dtype=np.int32)
    for s in range(S):
        x = 0
        for t in range(T):
            x = rng.choice(2, p=px[x])
            seqs[s, t] = rng.random(D) < py1[x]
    lengths = np.array([25, 20, 25, 18, 25, 22], dtype=np.int32)
    for s in range(S):
        seqs[s, lengths[s]:] = 0
    init1 = {"probs_x": jnp.asarray(px), "probs_y": jnp.asarray(py1)}
    _, summary = run(hmm_1, (jnp.asarray(seqs), jnp.asarray(lengths)), init1, 1)
    out["models"]["hmm_1"] = {"data": {"sequences": seqs.tolist(), "lengths": lengths.tolist()}, "init": {k: np.asarray(v).tolist() for k, v in init1.items()}, "summary": summary}
    init2 = {"probs_x": jnp.asarray(px), "probs_y": jnp.asarray(np.stack([py1, py1], axis=1))}
    _, summary = run(hmm_2, (jnp.asarray(seqs), jnp.asarray(lengths)), init2, 2)
    out["models"]["hmm_2"] = {"data": {"sequences": seqs.tolist(), "lengths": lengths.tolist()}, "init": {k: np.asarray(v).tolist() for k, v in init2.items()}, "summary": summary}

    save()

    # change point in Poisson counts
    yc = np.concatenate([rng.poisson(3.0, 22), rng.poisson(8.0, 18)]).astype(np.float64)
    _, summary = run(changepoint, (jnp.asarray(yc),), None, 3)
    out["models"]["changepoint"] = {"data": {"y": yc.tolist()}, "summary": summary}

    # zero-inflated Poisson with an explicit Bernoulli site
    zi = rng.random(150) < 0.65
    yz = np.where(zi, rng.poisson(3.5, 150), 0).astype(np.float64)
    _, summary = run(zip_model, (jnp.asarray(yz),), None, 4)
    out["models"]["zip"] = {"data": {"y": yz.tolist()}, "summary": summary}

    save()


if __name__ == "__main__":
    main()
