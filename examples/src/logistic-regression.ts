/**
 * Logistic regression on simulated data (API sketch §1). Recovers the true coefficients.
 * Run: `node examples/dist/logistic-regression.js`.
 */
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { cast, key, lt, matmul, sigmoid, type Tensor, tensor } from "@phlox/tensor";
import { runIfMain } from "./run-main.js";
import { normals, uniforms } from "./simulate.js";

export const TRUE_BETA = [1, -1, 0.5, 2];
export const TRUE_ALPHA = -0.5;

/** Logistic regression: y ~ Bernoulli(logits = X·beta + alpha). */
export function logistic(X: Tensor, y?: Tensor): void {
  const d = X.shape[1];
  const alpha = sample("alpha", new Normal(0, 5));
  const beta = sample("beta", new Normal(0, 2.5).expand([d]).toEvent(1));
  plate("data", X.shape[0], () =>
    sample("y", new Bernoulli({ logits: matmul(X, beta).add(alpha) }), { obs: y }),
  );
}

/** Simulated data: N rows, 4 covariates. */
export function simulate(n = 1000): { X: Tensor; y: Tensor } {
  const X = normals(3, [n, TRUE_BETA.length]);
  const p = sigmoid(matmul(X, tensor(TRUE_BETA)).add(TRUE_ALPHA));
  const y = cast(lt(uniforms(4, [n]), p), "float64");
  return { X, y };
}

/** Fits the model on simulated data and prints the summary. */
export async function main(options: { numWarmup?: number; numSamples?: number; quiet?: boolean } = {}) {
  const { X, y } = simulate();
  const mcmc = new MCMC(new NUTS(logistic), {
    numWarmup: options.numWarmup ?? 1000,
    numSamples: options.numSamples ?? 1000,
    numChains: 4,
    progressBar: false,
  });
  await mcmc.run(key(0), X, y);
  if (!options.quiet) {
    console.log(`true: alpha=${TRUE_ALPHA} beta=${TRUE_BETA}`);
    mcmc.printSummary();
  }
  return mcmc;
}

runIfMain(import.meta, main);
