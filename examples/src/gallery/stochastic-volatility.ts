/** Stochastic volatility: log-volatility a Gaussian random walk, returns Student-t (NumPyro's stochastic_volatility.py). */
import { Exponential, Normal, StudentT } from "@phlox/distributions";
import { sample, scan } from "@phlox/handlers";
import { exp, key, type Tensor, tensor } from "@phlox/tensor";
import { normals } from "../simulate.js";
import { type ExampleMeta, fitNuts, posteriorMean, type RunOptions, type RunResult } from "./example.js";

export const TRUE = { sigma: 0.3, nu: 8 };

/** h_t ~ Normal(h_{t−1}, sigma), r_t ~ StudentT(nu, 0, exp(h_t)); the walk as a model-level scan. */
export function stochasticVolatility(r: Tensor): void {
  const sigma = sample("sigma", new Exponential(10));
  const nu = sample("nu", new Exponential(0.1));
  scan(
    (h: Tensor, rt: Tensor) => {
      const ht = sample("h", new Normal(h, sigma));
      sample("r", new StudentT(nu, 0, exp(ht)), { obs: rt });
      return [ht, null];
    },
    tensor(0),
    r,
  );
}

/** 150 returns from the model with sigma = 0.3 and nu = 8. */
export function simulate(T = 150): { r: Tensor; h: number[] } {
  const z = normals(111, [T]).dataSync();
  const h: number[] = [];
  let prev = 0;
  for (let t = 0; t < T; t++) {
    prev += TRUE.sigma * (z[t] as number);
    h.push(prev);
  }
  const r = new StudentT(TRUE.nu, 0, exp(tensor(h))).sample(key(112));
  return { r, h };
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return ab / Math.sqrt(aa * bb);
}

export const meta: ExampleMeta = {
  id: "stochastic-volatility",
  title: "Stochastic volatility",
  numpyro: "examples: stochastic_volatility.py",
  description:
    "150 simulated returns whose log-volatility h follows a Gaussian random walk; returns are Student-t with " +
    "scale exp(h). The walk is a model-level scan with a latent sample site per step (150 latent values). The " +
    "posterior mean of h tracks the true log-volatility.",
  plotSites: ["sigma", "nu"],
  defaults: { numWarmup: 400, numSamples: 400, numChains: 2 },
};

/** Simulates the returns and fits the model with NUTS (target acceptance 0.9). */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { r, h } = simulate();
  const { result } = await fitNuts(meta, stochasticVolatility, [r], options, {}, { targetAcceptProb: 0.9 });
  const hMean = posteriorMean(result.draws.h as RunResult["draws"][string]);
  result.extra = { trueSigma: TRUE.sigma, corrH: correlation(hMean, h) };
  return result;
}
