/** Gaussian-process regression with a squared-exponential kernel (NumPyro's gp.py example). */
import { gp, simulate } from "../gp-regression.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const meta: ExampleMeta = {
  id: "gp-regression",
  title: "Gaussian-process regression",
  numpyro: "examples: gp.py",
  description:
    "y ~ MultivariateNormal(0, alpha² exp(-d²/(2 rho²)) + sigma² I) on 30 noisy points of sin(x). The kernel " +
    "hyperparameters are sampled with NUTS; the noise level sigma is recovered near 0.2.",
  plotSites: ["rho", "alpha", "sigma"],
  defaults: { numWarmup: 300, numSamples: 300, numChains: 2 },
};

/** Simulates the points and fits the GP hyperparameters with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { x, y } = simulate();
  const { result } = await fitNuts(meta, gp, [x, y], options, { trueSigma: 0.2 });
  return result;
}
