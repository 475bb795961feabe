/**
 * A Bayesian neural network (NumPyro's examples/bnn.py): two tanh hidden layers without biases, standard-normal
 * priors on every weight (put there by `randomModule`, NumPyro's `random_flax_module`), a Gamma(3, 1) prior
 * on the observation precision, sampled with NUTS. The posterior-mean network follows the data.
 * Run: `node examples/dist/bnn.js`.
 */
import { Gamma, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { Dense, moduleParams, randomModule, Sequential, tanh } from "@phlox/nn";
import { arange, key, linspace, mean, pow, sin, type Tensor } from "@phlox/tensor";
import { runIfMain } from "./run-main.js";
import { normals } from "./simulate.js";

export const HIDDEN = 5;

/** The network: Dense(h) → tanh → Dense(h) → tanh → Dense(1), no biases (bnn.py's w1, w2, w3). */
export function network(hidden = HIDDEN): Sequential {
  return new Sequential([
    new Dense(hidden, { useBias: false }),
    tanh,
    new Dense(hidden, { useBias: false }),
    tanh,
    new Dense(1, { useBias: false }),
  ]);
}

/** bnn.py's model: Normal(0, 1) weights, prec_obs ~ Gamma(3, 1), Y ~ Normal(net(X), 1/√prec_obs). */
export function bnn(X: Tensor, Y?: Tensor, hidden = HIDDEN): void {
  const net = randomModule("bnn", network(hidden), new Normal(0, 1), { inputShape: X.shape });
  const prec = sample("prec_obs", new Gamma(3, 1));
  plate("data", X.shape[0] as number, () =>
    sample("Y", new Normal(net(X), prec.rsqrt()).toEvent(1), { obs: Y }),
  );
}

/** Features [1, x, x²] of points x (bnn.py's `jnp.power(X[:, None], jnp.arange(D_X))`). */
export function features(x: Tensor, dX = 3): Tensor {
  return pow(x.reshape([-1, 1]), arange(dX));
}

/** bnn.py's data-generating process on N points of [−1, 1] (Phlox's own random draws), Y standardised. */
export function simulate(n = 40, sigmaObs = 0.05): { X: Tensor; Y: Tensor } {
  const x = linspace(-1, 1, n);
  const X = features(x);
  const W = normals(31, [3]).mul(0.5);
  let y = X.matmul(W).add(
    pow(x.add(0.5), 2)
      .mul(0.5)
      .mul(sin(x.mul(4))),
  );
  y = y.add(normals(32, [n]).mul(sigmaObs));
  const m = mean(y).item();
  const s = Math.sqrt(mean(y.sub(m).square()).item());
  return { X, Y: y.sub(m).div(s).reshape([n, 1]) };
}

/** Options of {@link fit}. */
export interface FitOptions {
  numWarmup?: number;
  numSamples?: number;
  numChains?: number;
  seed?: number;
}

/** Runs NUTS on the BNN. */
export async function fit(X: Tensor, Y: Tensor, options: FitOptions = {}): Promise<MCMC> {
  const mcmc = new MCMC(new NUTS(bnn), {
    numWarmup: options.numWarmup ?? 1000,
    numSamples: options.numSamples ?? 1000,
    numChains: options.numChains ?? 2,
    progressBar: false,
  });
  await mcmc.run(key(options.seed ?? 0), X, Y);
  return mcmc;
}

/**
 * The network's output at the rows of `Xg` for every posterior draw, `[draws, points]`: the sampled weights
 * (`[draws, ...]`) broadcast through the layers, no loop over draws.
 */
export function predictDraws(mcmc: MCMC, Xg: Tensor, hidden = HIDDEN): Tensor {
  const net = network(hidden);
  const params = moduleParams(mcmc.getSamples(), "bnn", net, { inputShape: Xg.shape });
  return net.apply(params, Xg).reshape([-1, Xg.shape[0] as number]);
}

/** Fits the BNN to simulated data and prints the posterior-mean prediction on a grid. */
export async function main(options: FitOptions & { quiet?: boolean } = {}): Promise<MCMC> {
  const { X, Y } = simulate();
  const mcmc = await fit(X, Y, options);
  if (!options.quiet) {
    const grid = linspace(-1.3, 1.3, 11);
    const pred = mean(predictDraws(mcmc, features(grid)), 0);
    console.log("x:        ", grid.toArray());
    console.log("mean f(x):", pred.toArray());
    mcmc.printSummary();
  }
  return mcmc;
}

runIfMain(import.meta, main);
