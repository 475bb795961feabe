"""NumPyro reference posteriors for the time-series models written with `scan` (local level, AR(2),
GARCH(1,1), stochastic volatility): data simulated here, NUTS with 4 chains x (1000 warmup + 1000 draws),
posterior mean, sd and MCSE of every element. Also log densities of the models at fixed points, and the
pointwise log-likelihood, through numpyro.contrib.control_flow.scan.

Run with the Python oracle (NumPyro 0.21 on its path), from the repository root:
    python packages/mcmc/scripts/time_series_nuts.py > packages/mcmc/fixtures/time_series_scan.json
"""
import json
import sys

import numpy as np
import jax
import jax.numpy as jnp
from jax import random

jax.config.update("jax_enable_x64", True)

import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
from numpyro.contrib.control_flow import scan  # noqa: E402
from numpyro.diagnostics import effective_sample_size  # noqa: E402
from numpyro.handlers import mask, scale, substitute, trace  # noqa: E402
from numpyro.infer import MCMC, NUTS, log_likelihood  # noqa: E402
from numpyro.infer.util import log_density  # noqa: E402


def local_level(y):
    sl = numpyro.sample("sigma_level", dist.HalfNormal(1.0))
    so = numpyro.sample("sigma_obs", dist.HalfNormal(1.0))

    def step(mu, yt):
        m = numpyro.sample("level", dist.Normal(mu, sl))
        numpyro.sample("y", dist.Normal(m, so), obs=yt)
        return m, None

    scan(step, jnp.array(0.0), y)


def ar2(y):
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 1.0))
    beta1 = numpyro.sample("beta1", dist.Normal(0.0, 0.5))
    beta2 = numpyro.sample("beta2", dist.Normal(0.0, 0.5))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))

    def step(carry, yt):
        y1, y2 = carry
        numpyro.sample("y", dist.Normal(alpha + beta1 * y1 + beta2 * y2, sigma), obs=yt)
        return (yt, y1), None

    scan(step, (y[1], y[0]), y[2:])


def garch(y):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    alpha0 = numpyro.sample("alpha0", dist.HalfNormal(1.0))
    alpha1 = numpyro.sample("alpha1", dist.Uniform(0.0, 1.0))
    beta1 = numpyro.sample("beta1", dist.Uniform(0.0, 1.0))

    def step(carry, yt):
        sigma_prev, y_prev = carry
        s = jnp.sqrt(alpha0 + alpha1 * (y_prev - mu) ** 2 + beta1 * sigma_prev**2)
        numpyro.sample("y", dist.Normal(mu, s), obs=yt)
        return (s, yt), None

    numpyro.sample("y0", dist.Normal(mu, 1.0), obs=y[0])
    scan(step, (jnp.array(1.0), y[0]), y[1:])


def stochastic_volatility(r):
    sigma = numpyro.sample("sigma", dist.Exponential(10.0))
    nu = numpyro.sample("nu", dist.Exponential(0.1))

    def step(h, rt):
        ht = numpyro.sample("h", dist.Normal(h, sigma))
        numpyro.sample("r", dist.StudentT(nu, 0.0, jnp.exp(ht)), obs=rt)
        return ht, None

    scan(step, jnp.array(0.0), r)


def simulate():
    rng = np.random.default_rng(2026)
    T = 50
    level = np.cumsum(rng.normal(0, 0.3, T))
    local = level + rng.normal(0, 0.5, T)
    T = 100
    a = np.zeros(T)
    for t in range(2, T):
        a[t] = 0.2 + 0.5 * a[t - 1] - 0.3 * a[t - 2] + rng.normal(0, 0.7)
    g = np.zeros(T)
    s = 1.0
    for t in range(T):
        if t > 0:
            s = np.sqrt(0.2 + 0.3 * (g[t - 1] - 0.1) ** 2 + 0.4 * s**2)
        g[t] = 0.1 + s * rng.normal()
    T = 60
    h = np.cumsum(rng.normal(0, 0.15, T)) - 1.0
    r = np.exp(h) * rng.standard_t(8, T)
    return {"local_level": local, "ar2": a, "garch": g, "stochastic_volatility": r}


MODELS = {"local_level": local_level, "ar2": ar2, "garch": garch, "stochastic_volatility": stochastic_volatility}


def fit(name, model, y):
    mcmc = MCMC(NUTS(model), num_warmup=1000, num_samples=1000, num_chains=4, chain_method="sequential",
                progress_bar=False)
    mcmc.run(random.key(0), jnp.asarray(y))
    samples = mcmc.get_samples(group_by_chain=True)
    out = {}
    for k, v in samples.items():
        v = np.asarray(v)
        flat = v.reshape(v.shape[0], v.shape[1], -1)
        mean = flat.mean(axis=(0, 1))
        sd = flat.std(axis=(0, 1), ddof=1)
        ess = np.asarray(effective_sample_size(flat))
        out[k] = {"mean": mean.tolist(), "sd": sd.tolist(), "mcse": (sd / np.sqrt(ess)).tolist()}
    div = int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum())
    return out, div


def densities(data):
    """Log densities through scan at fixed points, plain and under handlers (mask, scale, substitute)."""
    y = jnp.asarray(data["local_level"])
    T = y.shape[0]
    level = jnp.asarray(np.linspace(-0.5, 1.0, T))
    params = {"sigma_level": 0.4, "sigma_obs": 0.6, "level": level}
    out = {}
    out["local_level"] = float(log_density(local_level, (y,), {}, params)[0])
    m = jnp.arange(T) % 3 != 0
    out["local_level_masked"] = float(
        log_density(mask(local_level, mask=True), (y,), {}, params)[0]
    )
    out["local_level_scaled"] = float(log_density(scale(local_level, scale=0.5), (y,), {}, params)[0])
    tr = trace(substitute(local_level, params)).get_trace(y)
    out["local_level_site_logprob"] = {
        k: np.asarray(v["fn"].log_prob(v["value"])).tolist() for k, v in tr.items() if v["type"] == "sample"
    }
    del m
    ll = log_likelihood(local_level, {"sigma_level": jnp.array([0.4, 0.3]), "sigma_obs": jnp.array([0.6, 0.5]),
                                       "level": jnp.stack([level, level * 0.5])}, y)
    out["local_level_log_likelihood"] = np.asarray(ll["y"]).tolist()
    g = jnp.asarray(data["garch"])
    out["garch"] = float(log_density(garch, (g,), {}, {"mu": 0.1, "alpha0": 0.3, "alpha1": 0.2, "beta1": 0.5})[0])
    a = jnp.asarray(data["ar2"])
    out["ar2"] = float(log_density(ar2, (a,), {}, {"alpha": 0.1, "beta1": 0.4, "beta2": -0.2, "sigma": 0.8})[0])
    r = jnp.asarray(data["stochastic_volatility"])
    h = jnp.asarray(np.linspace(-1.2, -0.6, r.shape[0]))
    out["stochastic_volatility"] = float(
        log_density(stochastic_volatility, (r,), {}, {"sigma": 0.1, "nu": 6.0, "h": h})[0]
    )
    out["local_level_point"] = {"sigma_level": 0.4, "sigma_obs": 0.6, "level": np.asarray(level).tolist()}
    out["sv_point"] = {"sigma": 0.1, "nu": 6.0, "h": np.asarray(h).tolist()}
    return out


def main():
    data = simulate()
    result = {"numpyro": numpyro.__version__, "data": {k: v.tolist() for k, v in data.items()}}
    result["densities"] = densities(data)
    post = {}
    for name, model in MODELS.items():
        summary, div = fit(name, model, data[name])
        post[name] = {"summary": summary, "divergences": div}
        print(name, "divergences", div, file=sys.stderr)
    result["posterior"] = post
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
