/** Zero-inflated Poisson regression: structural zeros with probability gate, Poisson counts otherwise. */
import { Beta, Normal, ZeroInflatedPoisson } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { exp, key, type Tensor } from "@phlox/tensor";
import { normals } from "../simulate.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const TRUE = { gate: 0.3, alpha: 0.5, beta: 0.8 };

/** counts ~ ZeroInflatedPoisson(gate, exp(alpha + beta · x)). */
export function zip(x: Tensor, counts?: Tensor): void {
  const gate = sample("gate", new Beta(1, 1));
  const alpha = sample("alpha", new Normal(0, 2));
  const beta = sample("beta", new Normal(0, 2));
  plate("data", x.shape[0] as number, () =>
    sample("counts", new ZeroInflatedPoisson(gate, exp(alpha.add(beta.mul(x)))), { obs: counts }),
  );
}

/** 400 simulated counts. */
export function simulate(n = 400) {
  const x = normals(61, [n]);
  const counts = new ZeroInflatedPoisson(TRUE.gate, exp(x.mul(TRUE.beta).add(TRUE.alpha))).sample(key(62));
  return { x, counts };
}

export const meta: ExampleMeta = {
  id: "zero-inflated-poisson",
  title: "Zero-inflated Poisson",
  numpyro: "examples: zero-inflated Poisson regression",
  description:
    "400 counts with more zeros than a Poisson allows: counts ~ ZeroInflatedPoisson(gate, exp(alpha + beta · x)). " +
    `The run recovers gate = ${TRUE.gate}, alpha = ${TRUE.alpha} and beta = ${TRUE.beta}.`,
  plotSites: ["gate", "alpha", "beta"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the counts and fits the model with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { x, counts } = simulate();
  const { result } = await fitNuts(meta, zip, [x, counts], options, { ...TRUE });
  return result;
}
