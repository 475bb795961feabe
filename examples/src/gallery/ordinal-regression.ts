/** Ordinal regression with OrderedLogistic: one predictor, three ordered categories, ordered cutpoints. */
import { ImproperUniform, Normal, OrderedLogistic, orderedVector } from "@phlox/distributions";
import { factor, plate, sample } from "@phlox/handlers";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { normals } from "../simulate.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const TRUE = { beta: 1.5, cutpoints: [-1, 1] };

/** y ~ OrderedLogistic(beta · x, cutpoints), cutpoints ordered with a Normal(0, 5) prior on each. */
export function ordinal(x: Tensor, y?: Tensor): void {
  const beta = sample("beta", new Normal(0, 5));
  const c = sample("cutpoints", new ImproperUniform(orderedVector, [], [2]));
  factor("cutpoints_prior", new Normal(0, 5).logProb(c).sum());
  plate("obs", x.shape[0] as number, () => sample("y", new OrderedLogistic(x.mul(beta), c), { obs: y }));
}

/** Simulated data: 500 rows, the category drawn by the latent-logistic construction. */
export function simulate(n = 500): { x: Tensor; y: Tensor } {
  const x = normals(31, [n]);
  const y = new OrderedLogistic(x.mul(TRUE.beta), tensor(TRUE.cutpoints)).sample(key(32));
  return { x, y };
}

export const meta: ExampleMeta = {
  id: "ordinal-regression",
  title: "Ordinal regression",
  numpyro: "examples: ordinal_regression.py",
  description:
    "500 simulated ratings in three ordered categories: y ~ OrderedLogistic(beta · x, cutpoints) with an ordered " +
    `vector of cutpoints. The run recovers beta = ${TRUE.beta} and cutpoints = [${TRUE.cutpoints}].`,
  plotSites: ["beta", "cutpoints"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the ratings and fits the model with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { x, y } = simulate();
  const { result } = await fitNuts(meta, ordinal, [x, y], options, {
    trueBeta: TRUE.beta,
    trueCutpoints: TRUE.cutpoints,
  });
  return result;
}
