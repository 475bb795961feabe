/**
 * Eight schools, centred: theta ~ Normal(mu, tau) directly. The funnel gives NUTS divergences, which the summary
 * reports; `reparam` with `LocScaleReparam(0)` turns the same model into the non-centred one by configuration.
 * Run: `node examples/dist/eight-schools-centered.js`.
 */
import { HalfCauchy, Normal } from "@phlox/distributions";
import { plate, reparam, sample } from "@phlox/handlers";
import { LocScaleReparam } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { sigma, y } from "./eight-schools.js";
import { runIfMain } from "./run-main.js";

/** Centred eight schools. */
export function eightSchoolsCentered(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const theta = sample("theta", new Normal(mu, tau));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

/** The same model, non-centred by configuration. */
export const eightSchoolsReparam = reparam(eightSchoolsCentered, { theta: new LocScaleReparam(0) });

/** Fits both parameterisations and prints their summaries. */
export async function main(options: { numWarmup?: number; numSamples?: number; quiet?: boolean } = {}) {
  const out: MCMC[] = [];
  for (const [label, model] of [
    ["centred", eightSchoolsCentered],
    ["centred + LocScaleReparam(0)", eightSchoolsReparam],
  ] as const) {
    const mcmc = new MCMC(new NUTS(model), {
      numWarmup: options.numWarmup ?? 1000,
      numSamples: options.numSamples ?? 1000,
      numChains: 4,
      progressBar: false,
    });
    await mcmc.run(key(1), tensor(sigma), tensor(y));
    if (!options.quiet) {
      console.log(`\n== ${label}`);
      mcmc.printSummary();
    }
    out.push(mcmc);
  }
  return out;
}

runIfMain(import.meta, main);
