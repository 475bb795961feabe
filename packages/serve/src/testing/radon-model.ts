import { boolean, HalfNormal, integerInterval, Normal, real } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import type { Tensor } from "@phlox/tensor";
import { defineServable } from "../servable-model.js";

/** Number of counties in the Minnesota radon data (posteriordb `radon_mn`). */
export const NUM_COUNTIES = 85;

/**
 * Radon, hierarchical intercept (posteriordb `radon_hierarchical_intercept_centered`): county intercepts
 * `alpha ~ Normal(mu_alpha, sigma_alpha)`, log radon `~ Normal(alpha[county] + beta[0]·log_uppm +
 * beta[1]·floor, sigma_y)`.
 * @param county - county index per house, int32 `[n]` in `[0, 85)`.
 * @param logUppm - log uranium of the county, `[n]`.
 * @param floor - 0 (basement) or 1 (first floor), `[n]`.
 * @param logRadon - observations `[n]`, left out to predict.
 */
export function radon(county: Tensor, logUppm: Tensor, floor: Tensor, logRadon?: Tensor): void {
  const muAlpha = sample("mu_alpha", new Normal(0, 10));
  const sigmaAlpha = sample("sigma_alpha", new HalfNormal(10));
  const alpha = plate("county", NUM_COUNTIES, () => sample("alpha", new Normal(muAlpha, sigmaAlpha)));
  const beta = plate("coef", 2, () => sample("beta", new Normal(0, 10)));
  const sigmaY = sample("sigma_y", new HalfNormal(10));
  const mu = alpha.take(county).add(beta.take(0).mul(logUppm)).add(beta.take(1).mul(floor));
  plate("house", county.shape[0], () => sample("log_radon", new Normal(mu, sigmaY), { obs: logRadon }));
}

/** The radon model as a servable model module (`export default`): one house per row. */
export default defineServable({
  name: "radon",
  version: "1",
  description:
    "Log radon of a house: hierarchical intercept per county (Gelman & Hill; posteriordb radon_mn)",
  model: radon,
  inputs: {
    county: { dtype: "int32", support: integerInterval(0, NUM_COUNTIES - 1), description: "County index" },
    log_uppm: { support: real, description: "Log uranium (ppm) of the county" },
    floor: { support: boolean, description: "0: basement, 1: first floor" },
  },
  args: (i) => [i.county, i.log_uppm, i.floor],
  outputs: ["log_radon"],
  example: { county: 25, log_uppm: 0.5, floor: 0 },
});
