"""NumPyro reference fits for the BNN and VAE examples (examples/src/bnn.ts, examples/src/vae.ts), written to
fixtures/bnn.json and fixtures/vae.json. Run from the package directory with the oracle Python (NumPyro 0.21):

    python scripts/examples_oracle.py            # both
    python scripts/examples_oracle.py bnn        # one

BNN: NumPyro's examples/bnn.py model (three weight matrices with Normal(0, 1) priors, tanh, Gamma(3, 1)
precision), its get_data with N = 40 points, 5 hidden units; NUTS, 2 chains x (1000 + 1000), run under two
seeds so the fixture records NumPyro's own seed-to-seed spread. Reported: the posterior mean of the network
output on a grid (with its posterior standard deviation and effective sample size per point, for Monte Carlo
error), and the posterior mean of sigma_obs.

VAE: NumPyro's examples/vae.py model and guide (numpyro.module with stax encoder/decoder: Dense-Softplus-
FanOut-(Dense, Dense-Exp) and Dense-Softplus-Dense-Sigmoid), on a synthetic binary dataset (4x4 images from
four bar prototypes with 10% pixel flips; no download). SVI with Adam, full batch, three seeds. One change
from vae.py: stax's default initialisers (Glorot normal kernels, Normal(0, 1e-6) biases) instead of
W_init=randn() (std 0.01), from which SVI on this small dataset stays at the collapsed solution (every pixel
0.5, -ELBO = 16 ln 2 per point) for thousands of steps, in NumPyro as in Phlox.
Reported: the final ELBO per data point (Trace_ELBO with many particles) and the reconstruction error
(mean |x - decoder(encoder loc(x))|).
"""

import json
import sys

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
from jax.example_libraries import stax  # noqa: E402
from numpyro.diagnostics import effective_sample_size  # noqa: E402
from numpyro.infer import MCMC, NUTS, SVI, Trace_ELBO  # noqa: E402

numpyro.set_host_device_count(1)

# ------------------------------------------------------------------------------------------------ BNN
BNN = {"N": 40, "D_X": 3, "D_H": 5, "sigma_obs": 0.05, "n_grid": 21}


def bnn_data():
    # NumPyro's get_data (examples/bnn.py) with a smaller N
    N, D_X = BNN["N"], BNN["D_X"]
    np.random.seed(0)
    X = jnp.linspace(-1, 1, N)
    X = jnp.power(X[:, np.newaxis], jnp.arange(D_X))
    W = 0.5 * np.random.randn(D_X)
    Y = jnp.dot(X, W) + 0.5 * jnp.power(0.5 + X[:, 1], 2.0) * jnp.sin(4.0 * X[:, 1])
    Y += BNN["sigma_obs"] * np.random.randn(N)
    Y = Y[:, np.newaxis]
    Y -= jnp.mean(Y)
    Y /= jnp.std(Y)
    xg = jnp.linspace(-1.3, 1.3, BNN["n_grid"])
    Xg = jnp.power(xg[:, np.newaxis], jnp.arange(D_X))
    return X, Y, Xg


def bnn_forward(X, w1, w2, w3):
    return jnp.matmul(jnp.tanh(jnp.matmul(jnp.tanh(jnp.matmul(X, w1)), w2)), w3)


def bnn_model(X, Y, D_H):
    N, D_X = X.shape
    w1 = numpyro.sample("w1", dist.Normal(jnp.zeros((D_X, D_H)), jnp.ones((D_X, D_H))))
    w2 = numpyro.sample("w2", dist.Normal(jnp.zeros((D_H, D_H)), jnp.ones((D_H, D_H))))
    w3 = numpyro.sample("w3", dist.Normal(jnp.zeros((D_H, 1)), jnp.ones((D_H, 1))))
    prec_obs = numpyro.sample("prec_obs", dist.Gamma(3.0, 1.0))
    with numpyro.plate("data", N):
        numpyro.sample("Y", dist.Normal(bnn_forward(X, w1, w2, w3), 1.0 / jnp.sqrt(prec_obs)).to_event(1), obs=Y)


def bnn():
    X, Y, Xg = bnn_data()
    runs = []
    for s in (0, 1):
        mcmc = MCMC(NUTS(bnn_model), num_warmup=1000, num_samples=1000, num_chains=2,
                    chain_method="sequential", progress_bar=False)
        mcmc.run(jax.random.key(s), X, Y, BNN["D_H"])
        d = mcmc.get_samples(group_by_chain=True)
        f = jax.vmap(jax.vmap(lambda a, b, c: bnn_forward(Xg, a, b, c)[:, 0]))(d["w1"], d["w2"], d["w3"])
        flat = f.reshape(-1, f.shape[-1])
        sigma = 1.0 / np.sqrt(np.asarray(d["prec_obs"]))
        runs.append({
            "seed": s,
            "predMean": np.asarray(flat.mean(0)).tolist(),
            "predSd": np.asarray(flat.std(0)).tolist(),
            "predEss": np.asarray(effective_sample_size(np.asarray(f))).tolist(),
            "sigmaObsMean": float(sigma.mean()),
            "sigmaObsSd": float(sigma.std()),
        })
    out = {
        "config": {**BNN, "numWarmup": 1000, "numSamples": 1000, "numChains": 2},
        "X": np.asarray(X).tolist(),
        "Y": np.asarray(Y).ravel().tolist(),
        "grid": np.asarray(Xg[:, 1]).tolist(),
        "runs": runs,
    }
    with open("fixtures/bnn.json", "w") as fh:
        json.dump(out, fh)
    print("bnn:", json.dumps({k: v for k, v in runs[0].items() if k in ("sigmaObsMean",)}),
          "max |pred seed0 - seed1| =", float(np.max(np.abs(np.array(runs[0]["predMean"]) - np.array(runs[1]["predMean"])))))


# ------------------------------------------------------------------------------------------------ VAE
VAE = {"N": 200, "side": 4, "flip": 0.1, "hidden": 32, "zDim": 2, "steps": 1000, "lr": 0.01, "evalParticles": 500}


def vae_data():
    rng = np.random.default_rng(7)
    s = VAE["side"]
    protos = np.zeros((4, s, s))
    protos[0, : s // 2, :] = 1  # top half
    protos[1, s // 2 :, :] = 1  # bottom half
    protos[2, :, : s // 2] = 1  # left half
    protos[3, :, s // 2 :] = 1  # right half
    labels = rng.integers(0, 4, VAE["N"])
    x = protos[labels].reshape(VAE["N"], -1)
    flips = rng.random(x.shape) < VAE["flip"]
    return np.where(flips, 1 - x, x), labels


def encoder(hidden_dim, z_dim):
    return stax.serial(
        stax.Dense(hidden_dim),
        stax.Softplus,
        stax.FanOut(2),
        stax.parallel(stax.Dense(z_dim),
                      stax.serial(stax.Dense(z_dim), stax.Exp)),
    )


def decoder(hidden_dim, out_dim):
    return stax.serial(
        stax.Dense(hidden_dim),
        stax.Softplus,
        stax.Dense(out_dim),
        stax.Sigmoid,
    )


def vae_model(batch, hidden_dim, z_dim):
    batch_dim, out_dim = jnp.shape(batch)
    decode = numpyro.module("decoder", decoder(hidden_dim, out_dim), (batch_dim, z_dim))
    with numpyro.plate("batch", batch_dim):
        z = numpyro.sample("z", dist.Normal(0, 1).expand([z_dim]).to_event(1))
        numpyro.sample("obs", dist.Bernoulli(decode(z)).to_event(1), obs=batch)


def vae_guide(batch, hidden_dim, z_dim):
    batch_dim, out_dim = jnp.shape(batch)
    encode = numpyro.module("encoder", encoder(hidden_dim, z_dim), (batch_dim, out_dim))
    z_loc, z_std = encode(batch)
    with numpyro.plate("batch", batch_dim):
        numpyro.sample("z", dist.Normal(z_loc, z_std).to_event(1))


def vae():
    x, labels = vae_data()
    x = jnp.asarray(x)
    h, zd = VAE["hidden"], VAE["zDim"]
    runs = []
    for s in (0, 1, 2):
        svi = SVI(vae_model, vae_guide, numpyro.optim.Adam(VAE["lr"]), Trace_ELBO(), hidden_dim=h, z_dim=zd)
        res = svi.run(jax.random.key(s), VAE["steps"], x, progress_bar=False)
        ev = SVI(vae_model, vae_guide, numpyro.optim.Adam(VAE["lr"]), Trace_ELBO(num_particles=VAE["evalParticles"]),
                 hidden_dim=h, z_dim=zd)
        st = ev.init(jax.random.key(100 + s), x, init_params=res.params)
        neg_elbo = float(ev.evaluate(st, x))
        enc = encoder(h, zd)[1]
        dec = decoder(h, x.shape[1])[1]
        z_loc, _ = enc(res.params["encoder$params"], x)
        recon = dec(res.params["decoder$params"], z_loc)
        runs.append({
            "seed": s,
            "elboPerPoint": -neg_elbo / VAE["N"],
            "reconError": float(jnp.mean(jnp.abs(x - recon))),
            "lossFirst": float(res.losses[0]) / VAE["N"],
            "lossLast100": float(jnp.mean(res.losses[-100:])) / VAE["N"],
        })
        print("vae", runs[-1])
    out = {"config": VAE, "x": np.asarray(x).astype(int).tolist(), "labels": labels.tolist(), "runs": runs}
    with open("fixtures/vae.json", "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    which = sys.argv[1:] or ["bnn", "vae"]
    if "vae" in which:
        vae()
    if "bnn" in which:
        bnn()
