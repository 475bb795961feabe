/**
 * Two-component Gaussian mixture (API sketch §4): simplex weights, ordered means (so the labels are
 * identified), the component label marginalised by MixtureSameFamily. Simulated data.
 * Run: `node examples/dist/mixture.js`.
 */
import {
  Categorical,
  Dirichlet,
  HalfNormal,
  ImproperUniform,
  MixtureSameFamily,
  Normal,
  orderedVector,
} from "@phlox/distributions";
import { factor, plate, sample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { concatenate, key, type Tensor } from "@phlox/tensor";
import { runIfMain } from "./run-main.js";
import { normals } from "./simulate.js";

export const TRUE = { w: [0.3, 0.7], mu: [-2, 2], sigma: [0.7, 1] };

/** Mixture of two normals with ordered means. */
export function mixture(y: Tensor): void {
  const w = sample("w", new Dirichlet([1, 1]));
  const mu = sample("mu", new ImproperUniform(orderedVector, [], [2]));
  factor("mu_prior", new Normal(0, 5).logProb(mu).sum());
  const sigma = sample("sigma", new HalfNormal(2).expand([2]).toEvent(1));
  plate("data", y.shape[0], () =>
    sample("y", new MixtureSameFamily(new Categorical({ probs: w }), new Normal(mu, sigma)), { obs: y }),
  );
}

/** Simulated data: 150 + 350 draws from the two components. */
export function simulate(): Tensor {
  const a = normals(12, [150]).mul(TRUE.sigma[0]).add(TRUE.mu[0]);
  const b = normals(13, [350]).mul(TRUE.sigma[1]).add(TRUE.mu[1]);
  return concatenate([a, b], 0);
}

/** Fits the mixture and prints the summary. */
export async function main(options: { numWarmup?: number; numSamples?: number; quiet?: boolean } = {}) {
  const y = simulate();
  const mcmc = new MCMC(new NUTS(mixture), {
    numWarmup: options.numWarmup ?? 1000,
    numSamples: options.numSamples ?? 1000,
    numChains: 4,
    progressBar: false,
  });
  await mcmc.run(key(0), y);
  if (!options.quiet) {
    console.log(`true: ${JSON.stringify(TRUE)}`);
    mcmc.printSummary();
  }
  return mcmc;
}

runIfMain(import.meta, main);
