/** Censored survival: exponential lifetimes with a covariate, right-censored at the end of follow-up. */
import { Exponential, Normal, RightCensoredDistribution } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { cast, exp, ge, key, minimum, type Tensor } from "@phlox/tensor";
import { normals } from "../simulate.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const TRUE = { alpha: -0.5, beta: 0.8, followUp: 2 };

/** time ~ Exponential(exp(alpha + beta · x)); a censored row only says the lifetime exceeds its time. */
export function survival(x: Tensor, censored: Tensor, time?: Tensor): void {
  const alpha = sample("alpha", new Normal(0, 2));
  const beta = sample("beta", new Normal(0, 2));
  plate("patients", x.shape[0] as number, () =>
    sample("time", new RightCensoredDistribution(new Exponential(exp(alpha.add(beta.mul(x)))), censored), {
      obs: time,
    }),
  );
}

/** 300 patients; lifetimes past the follow-up are recorded as censored at the follow-up time. */
export function simulate(n = 300) {
  const x = normals(51, [n]);
  const life = new Exponential(exp(x.mul(TRUE.beta).add(TRUE.alpha))).sample(key(52));
  const censored = cast(ge(life, TRUE.followUp), "float64");
  return { x, censored, time: minimum(life, TRUE.followUp) };
}

export const meta: ExampleMeta = {
  id: "survival",
  title: "Censored survival",
  numpyro: "tutorial: censored data (RightCensoredDistribution)",
  description:
    "300 simulated patients with exponential lifetimes, rate exp(alpha + beta · x), followed for two time units: " +
    "lifetimes past that are right-censored. RightCensoredDistribution uses the survival function for them, so " +
    `the run recovers alpha = ${TRUE.alpha} and beta = ${TRUE.beta} instead of the biased estimate that drops them.`,
  plotSites: ["alpha", "beta"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the follow-up and fits the censored model with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const d = simulate();
  const numCensored = Array.from(d.censored.dataSync()).reduce((a, b) => a + b, 0);
  const { result } = await fitNuts(meta, survival, [d.x, d.censored, d.time], options, {
    trueAlpha: TRUE.alpha,
    trueBeta: TRUE.beta,
    numCensored,
  });
  return result;
}
