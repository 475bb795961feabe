/**
 * Gaussian-process regression (API sketch §3): squared-exponential kernel, marginal likelihood through a
 * Cholesky factor inside MultivariateNormal. Simulated noisy sine data.
 * Run: `node examples/dist/gp-regression.js`.
 */
import { HalfNormal, LogNormal, MultivariateNormal } from "@phlox/distributions";
import { sample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { exp, eye, key, linspace, sin, square, sub, type Tensor } from "@phlox/tensor";
import { runIfMain } from "./run-main.js";
import { normals } from "./simulate.js";

/** GP regression with hyperparameters rho (length scale), alpha (amplitude), sigma (noise). */
export function gp(x: Tensor, y?: Tensor): void {
  const n = x.shape[0];
  const rho = sample("rho", new LogNormal(0, 1));
  const alpha = sample("alpha", new HalfNormal(2));
  const sigma = sample("sigma", new HalfNormal(1));
  const d = sub(x.reshape([-1, 1]), x.reshape([1, -1]));
  const K = square(alpha)
    .mul(exp(square(d).div(square(rho)).mul(-0.5)))
    .add(eye(n).mul(square(sigma)));
  sample("y", new MultivariateNormal(0, { covarianceMatrix: K }), { obs: y });
}

/** Simulated data: y = sin(x) + noise(0.2) on [-3, 3]. */
export function simulate(n = 30): { x: Tensor; y: Tensor } {
  const x = linspace(-3, 3, n);
  return { x, y: sin(x).add(normals(11, [n]).mul(0.2)) };
}

/** Fits the hyperparameters and prints the summary. */
export async function main(options: { numWarmup?: number; numSamples?: number; quiet?: boolean } = {}) {
  const { x, y } = simulate();
  const mcmc = new MCMC(new NUTS(gp), {
    numWarmup: options.numWarmup ?? 1000,
    numSamples: options.numSamples ?? 1000,
    numChains: 4,
    progressBar: false,
  });
  await mcmc.run(key(0), x, y);
  if (!options.quiet) mcmc.printSummary();
  return mcmc;
}

runIfMain(import.meta, main);
