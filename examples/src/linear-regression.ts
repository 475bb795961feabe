/**
 * Bayesian linear regression on simulated data: y = X·beta + alpha + noise. Recovers the true coefficients.
 * Run: `node examples/dist/linear-regression.js`.
 */
import { HalfNormal, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { key, matmul, type Tensor, tensor } from "@phlox/tensor";
import { runIfMain } from "./run-main.js";
import { normals } from "./simulate.js";

export const TRUE_BETA = [1.5, -2, 0.5];
export const TRUE_ALPHA = 1;
export const TRUE_SIGMA = 0.5;

/** Linear regression with weakly informative priors. */
export function linearRegression(X: Tensor, y?: Tensor): void {
  const d = X.shape[1];
  const alpha = sample("alpha", new Normal(0, 10));
  const beta = sample("beta", new Normal(0, 10).expand([d]).toEvent(1));
  const sigma = sample("sigma", new HalfNormal(5));
  plate("data", X.shape[0], () => sample("y", new Normal(matmul(X, beta).add(alpha), sigma), { obs: y }));
}

/** Simulated data: N rows, 3 covariates. */
export function simulate(n = 200): { X: Tensor; y: Tensor } {
  const X = normals(1, [n, TRUE_BETA.length]);
  const noise = normals(2, [n]).mul(TRUE_SIGMA);
  const y = matmul(X, tensor(TRUE_BETA)).add(TRUE_ALPHA).add(noise);
  return { X, y };
}

/** Fits the model on simulated data and prints the summary. */
export async function main(options: { numWarmup?: number; numSamples?: number; quiet?: boolean } = {}) {
  const { X, y } = simulate();
  const mcmc = new MCMC(new NUTS(linearRegression), {
    numWarmup: options.numWarmup ?? 1000,
    numSamples: options.numSamples ?? 1000,
    numChains: 4,
    progressBar: false,
  });
  await mcmc.run(key(0), X, y);
  if (!options.quiet) {
    console.log(`true: alpha=${TRUE_ALPHA} beta=${TRUE_BETA} sigma=${TRUE_SIGMA}`);
    mcmc.printSummary();
  }
  return mcmc;
}

runIfMain(import.meta, main);
