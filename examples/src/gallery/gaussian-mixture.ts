/**
 * Two-component Gaussian mixture written as NumPyro writes it: an explicit discrete label per point, enumerated
 * (summed out) so NUTS samples only the continuous sites; `inferDiscrete` recovers the labels afterwards.
 */
import {
  Categorical,
  Dirichlet,
  HalfNormal,
  ImproperUniform,
  Normal,
  orderedVector,
} from "@phlox/distributions";
import { configEnumerate, factor, plate, sample } from "@phlox/handlers";
import { cast, type Tensor, take } from "@phlox/tensor";
import { simulate, TRUE } from "../mixture.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

/** Mixture of two normals with ordered means; the label `z` of each point is a discrete latent site. */
export const gaussianMixture = configEnumerate((y: Tensor): void => {
  const w = sample("w", new Dirichlet([1, 1]));
  const mu = sample("mu", new ImproperUniform(orderedVector, [], [2])) as Tensor;
  factor("mu_prior", new Normal(0, 5).logProb(mu).sum());
  const sigma = sample("sigma", new HalfNormal(2).expand([2]).toEvent(1)) as Tensor;
  plate("data", y.shape[0] as number, () => {
    const z = cast(sample("z", new Categorical({ probs: w })) as Tensor, "int32");
    sample("y", new Normal(take(mu, z), take(sigma, z)), { obs: y });
  });
});

export const meta: ExampleMeta = {
  id: "gaussian-mixture",
  title: "Gaussian mixture",
  numpyro: "tutorial: Gaussian Mixture Model",
  description:
    "500 points from two normals; weights w ~ Dirichlet([1, 1]), ordered means (so the labels are identified), and " +
    "an explicit Categorical label z per point, enumerated with configEnumerate as in NumPyro: NUTS samples the " +
    `continuous sites with z summed out. Recovers w = [${TRUE.w}] and mu = [${TRUE.mu}].`,
  plotSites: ["w", "mu", "sigma"],
  defaults: { numWarmup: 400, numSamples: 400, numChains: 2 },
};

/** Simulates the points and fits the enumerated mixture with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { result } = await fitNuts(meta, gaussianMixture, [simulate()], options, {
    trueW: TRUE.w,
    trueMu: TRUE.mu,
  });
  return result;
}
