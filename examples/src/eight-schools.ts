/**
 * Eight schools, non-centred: the README's main job. NUTS, 4 chains × (1000 warmup + 1000 draws), then the
 * NumPyro-style summary and the wall time from process start.
 * Run: `node examples/dist/eight-schools.js` (after `pnpm build`).
 */
import { HalfCauchy, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { runIfMain } from "./run-main.js";

export const y = [28, 8, -3, 7, -1, 1, 18, 12];
export const sigma = [15, 10, 16, 11, 9, 11, 10, 18];

/** Non-centred eight schools: theta = mu + tau · theta_raw. */
export function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

/** Fits the model and prints the summary. */
export async function main(options: { numWarmup?: number; numSamples?: number; quiet?: boolean } = {}) {
  const mcmc = new MCMC(new NUTS(eightSchools), {
    numWarmup: options.numWarmup ?? 1000,
    numSamples: options.numSamples ?? 1000,
    numChains: 4,
    progressBar: false,
  });
  await mcmc.run(key(0), tensor(sigma), tensor(y));
  if (!options.quiet) {
    mcmc.printSummary();
    console.log(`wall time from process start: ${(performance.now() / 1000).toFixed(3)} s`);
  }
  return mcmc;
}

runIfMain(import.meta, main);
