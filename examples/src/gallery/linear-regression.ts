/** Bayesian linear regression on simulated data (NumPyro's "Bayesian Regression" tutorial, first model). */
import { linearRegression, simulate, TRUE_ALPHA, TRUE_BETA, TRUE_SIGMA } from "../linear-regression.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const meta: ExampleMeta = {
  id: "linear-regression",
  title: "Bayesian linear regression",
  numpyro: "tutorial: Bayesian Regression Using NumPyro",
  description:
    "y ~ Normal(alpha + X·beta, sigma) with three simulated predictors (200 rows). The posterior recovers " +
    `alpha = ${TRUE_ALPHA}, beta = [${TRUE_BETA}] and sigma = ${TRUE_SIGMA}.`,
  plotSites: ["alpha", "beta", "sigma"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the data and fits the regression with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { X, y } = simulate();
  const { result } = await fitNuts(meta, linearRegression, [X, y], options, {
    trueAlpha: TRUE_ALPHA,
    trueBeta: TRUE_BETA,
    trueSigma: TRUE_SIGMA,
  });
  return result;
}
