/** Bayesian logistic regression on simulated data (NumPyro's logistic regression example). */
import { logistic, simulate, TRUE_ALPHA, TRUE_BETA } from "../logistic-regression.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const meta: ExampleMeta = {
  id: "logistic-regression",
  title: "Bayesian logistic regression",
  numpyro: "examples: logistic regression",
  description:
    "y ~ Bernoulli(logits = alpha + X·beta), 1000 simulated rows with four predictors. The posterior recovers " +
    `alpha = ${TRUE_ALPHA} and beta = [${TRUE_BETA}].`,
  plotSites: ["alpha", "beta"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the data and fits the regression with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { X, y } = simulate();
  const { result } = await fitNuts(meta, logistic, [X, y], options, {
    trueAlpha: TRUE_ALPHA,
    trueBeta: TRUE_BETA,
  });
  return result;
}
