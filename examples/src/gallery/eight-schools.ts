/** Eight schools (NumPyro's README model), non-centred: the hierarchical model every NumPyro user knows. */
import { tensor } from "@phlox/tensor";
import { eightSchools, sigma, y } from "../eight-schools.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const meta: ExampleMeta = {
  id: "eight-schools",
  title: "Eight schools",
  numpyro: "README: eight schools (non-centred)",
  description:
    "Effects of a coaching programme in eight schools, partially pooled: mu ~ Normal(0, 5), tau ~ HalfCauchy(5), " +
    "theta = mu + tau · theta_raw. The posterior mean of mu is about 4.4 and of tau about 3.6 (posteriordb).",
  plotSites: ["mu", "tau"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Fits the non-centred eight schools model with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { result } = await fitNuts(meta, eightSchools, [tensor(sigma), tensor(y)], options, {
    referenceMu: 4.4,
    referenceTau: 3.6,
  });
  return result;
}
