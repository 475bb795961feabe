/**
 * Poisson GLM with a log link on simulated counts: counts ~ Poisson(exp(X·beta + alpha)).
 * Run: `node examples/dist/poisson-glm.js`.
 */
import { Normal, Poisson } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { exp, key, matmul, poisson, type Tensor, tensor } from "@phlox/tensor";
import { runIfMain } from "./run-main.js";
import { normals } from "./simulate.js";

export const TRUE_BETA = [0.4, -0.3];
export const TRUE_ALPHA = 1;

/** Poisson regression with a log link. */
export function poissonGLM(X: Tensor, counts?: Tensor): void {
  const alpha = sample("alpha", new Normal(0, 5));
  const beta = sample("beta", new Normal(0, 1).expand([X.shape[1]]).toEvent(1));
  plate("data", X.shape[0], () =>
    sample("counts", new Poisson(exp(matmul(X, beta).add(alpha))), { obs: counts }),
  );
}

/** Simulated data: N rows, 2 covariates. */
export function simulate(n = 300): { X: Tensor; counts: Tensor } {
  const X = normals(9, [n, TRUE_BETA.length]);
  const rate = exp(matmul(X, tensor(TRUE_BETA)).add(TRUE_ALPHA));
  return { X, counts: poisson(key(10), rate) };
}

/** Fits the model on simulated data and prints the summary. */
export async function main(options: { numWarmup?: number; numSamples?: number; quiet?: boolean } = {}) {
  const { X, counts } = simulate();
  const mcmc = new MCMC(new NUTS(poissonGLM), {
    numWarmup: options.numWarmup ?? 1000,
    numSamples: options.numSamples ?? 1000,
    numChains: 4,
    progressBar: false,
  });
  await mcmc.run(key(0), X, counts);
  if (!options.quiet) {
    console.log(`true: alpha=${TRUE_ALPHA} beta=${TRUE_BETA}`);
    mcmc.printSummary();
  }
  return mcmc;
}

runIfMain(import.meta, main);
