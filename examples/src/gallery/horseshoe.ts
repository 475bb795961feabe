/** Sparse regression with the horseshoe prior: 2 of 10 coefficients non-zero, the rest shrunk to zero. */
import { HalfCauchy, HalfNormal, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { matmul, type Tensor, tensor } from "@phlox/tensor";
import { normals } from "../simulate.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const TRUE_BETA = [2, -1.5, 0, 0, 0, 0, 0, 0, 0, 0];
export const TRUE_SIGMA = 0.5;

/** Horseshoe regression: beta_j = tau · lambda_j · z_j (non-centred), tau and lambda_j half-Cauchy. */
export function horseshoe(X: Tensor, y?: Tensor): void {
  const d = X.shape[1] as number;
  const tau = sample("tau", new HalfCauchy(1));
  const lambda = sample("lambda", new HalfCauchy(1).expand([d]).toEvent(1));
  const z = sample("z", new Normal(0, 1).expand([d]).toEvent(1));
  const beta = deterministic("beta", z.mul(lambda).mul(tau));
  const sigma = sample("sigma", new HalfNormal(2));
  plate("data", X.shape[0] as number, () => sample("y", new Normal(matmul(X, beta), sigma), { obs: y }));
}

/** 60 rows, 10 standard-normal predictors. */
export function simulate(n = 60): { X: Tensor; y: Tensor } {
  const X = normals(41, [n, TRUE_BETA.length]);
  const y = matmul(X, tensor(TRUE_BETA)).add(normals(42, [n]).mul(TRUE_SIGMA));
  return { X, y };
}

export const meta: ExampleMeta = {
  id: "horseshoe",
  title: "Sparse regression (horseshoe)",
  numpyro: "examples: sparse_regression.py / horseshoe_regression.py",
  description:
    "y ~ Normal(X·beta, sigma) with 10 predictors of which two matter. The horseshoe prior (global tau, local " +
    "lambda_j, both half-Cauchy; written non-centred) keeps the two large coefficients and shrinks the eight " +
    "others to near zero.",
  plotSites: ["tau", "beta", "sigma"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the data and fits the horseshoe regression with NUTS (target acceptance 0.9). */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { X, y } = simulate();
  const { result } = await fitNuts(
    meta,
    horseshoe,
    [X, y],
    options,
    { trueBeta: TRUE_BETA },
    { targetAcceptProb: 0.9 },
  );
  return result;
}
