import { HalfCauchy, Normal, positive } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import type { Tensor } from "@phlox/tensor";
import { defineServable } from "../servable-model.js";

/** The eight schools' standard errors (Rubin 1981). */
export const SIGMA = [15, 10, 16, 11, 9, 11, 10, 18];
/** The eight schools' observed effects. */
export const Y = [28, 8, -3, 7, -1, 1, 18, 12];

/**
 * Eight schools (centred), with new schools: `mu ~ Normal(0, 5)`, `tau ~ HalfCauchy(5)`, the eight
 * `theta ~ Normal(mu, tau)` observed through `y ~ Normal(theta, sigma)`; each new school with standard error
 * `sigmaNew[i]` gets `theta_new ~ Normal(mu, tau)` and `y_new ~ Normal(theta_new, sigmaNew)`.
 * @param sigma - the eight standard errors.
 * @param y - the eight effects (left out to predict them).
 * @param sigmaNew - standard errors of new schools `[n]` (none when fitting).
 */
export function eightSchools(sigma: Tensor, y?: Tensor, sigmaNew?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", 8, () => {
    const theta = sample("theta", new Normal(mu, tau));
    sample("y", new Normal(theta, sigma), { obs: y });
  });
  if (sigmaNew !== undefined) {
    plate("new_school", sigmaNew.shape[0], () => {
      const thetaNew = sample("theta_new", new Normal(mu, tau));
      sample("y_new", new Normal(thetaNew, sigmaNew));
    });
  }
}

/**
 * Eight schools served for a new school: its effect `theta_new` and an observed effect `y_new` given its
 * standard error. The eight `y` are passed as observations so that only the new school's sites are predicted.
 */
export function eightSchoolsServable(sigma: Tensor, y: Tensor) {
  return defineServable({
    name: "eight-schools",
    model: eightSchools,
    inputs: { sigma: { support: positive, description: "Standard error of the new school's estimate" } },
    args: (i) => [sigma, y, i.sigma],
    outputs: ["theta_new", "y_new"],
    example: { sigma: 10 },
  });
}
