/** Two-component Gaussian mixture, component label marginalised by MixtureSameFamily, ordered means. */
import { mixture, simulate, TRUE } from "../mixture.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const meta: ExampleMeta = {
  id: "gaussian-mixture",
  title: "Gaussian mixture",
  numpyro: "tutorial: Gaussian Mixture Model",
  description:
    "500 points from two normals; weights w ~ Dirichlet([1, 1]), ordered means (so the labels are identified), the " +
    "label summed out by MixtureSameFamily (NumPyro would enumerate it; the marginal is the same). " +
    `Recovers w = [${TRUE.w}] and mu = [${TRUE.mu}].`,
  plotSites: ["w", "mu", "sigma"],
  defaults: { numWarmup: 400, numSamples: 400, numChains: 2 },
};

/** Simulates the points and fits the mixture with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { result } = await fitNuts(meta, mixture, [simulate()], options, { trueW: TRUE.w, trueMu: TRUE.mu });
  return result;
}
