/** Hierarchical radon: county intercepts partially pooled, non-centred with `LocScaleReparam(0)`. */
import { radonNC, simulate, TRUE } from "../radon.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const meta: ExampleMeta = {
  id: "radon",
  title: "Hierarchical radon",
  numpyro: "tutorial: Bayesian Hierarchical Linear Regression (radon)",
  description:
    "log radon ~ Normal(a[county] + b · floor, sigma), a[county] ~ Normal(mu_a, sigma_a), 400 simulated houses in " +
    "20 counties; the county intercepts are non-centred by reparam(model, { a: new LocScaleReparam(0) }). " +
    `The run recovers b = ${TRUE.b} and sigma = ${TRUE.sigma}.`,
  plotSites: ["mu_a", "sigma_a", "b", "sigma"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the houses and fits the non-centred model with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const d = simulate();
  const { result } = await fitNuts(meta, radonNC, [d.county, d.floorMeasure, d.j, d.logRadon], options, {
    trueB: TRUE.b,
    trueSigma: TRUE.sigma,
    trueMuA: TRUE.muA,
  });
  return result;
}
