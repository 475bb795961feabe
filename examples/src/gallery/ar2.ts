/** AR(2) time series written with the model-level `scan` of @phlox/handlers (NumPyro's ar2.py). */
import { HalfNormal, Normal } from "@phlox/distributions";
import { sample, scan } from "@phlox/handlers";
import { slice, type Tensor, tensor } from "@phlox/tensor";
import { normals } from "../simulate.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const TRUE = { alpha: 0.2, beta1: 0.6, beta2: -0.3, sigma: 0.5 };

/** y_t ~ Normal(alpha + beta1 · y_{t−1} + beta2 · y_{t−2}, sigma), the recursion as a scan. */
export function ar2(y: Tensor): void {
  const alpha = sample("alpha", new Normal(0, 1));
  const beta1 = sample("beta1", new Normal(0, 0.5));
  const beta2 = sample("beta2", new Normal(0, 0.5));
  const sigma = sample("sigma", new HalfNormal(1));
  const n = y.shape[0] as number;
  const at = (i: number) => slice(y, [i], [i + 1]).reshape([]);
  scan(
    ([y1, y2]: [Tensor, Tensor], yt: Tensor) => {
      sample("y", new Normal(alpha.add(beta1.mul(y1)).add(beta2.mul(y2)), sigma), { obs: yt });
      return [[yt, y1] as [Tensor, Tensor], null];
    },
    [at(1), at(0)] as [Tensor, Tensor],
    slice(y, [2], [n]),
  );
}

/** 200 steps of the AR(2) process from zero. */
export function simulate(T = 200): Tensor {
  const e = normals(91, [T]).dataSync();
  const y = [0, 0];
  for (let t = 2; t < T; t++) {
    y.push(
      TRUE.alpha +
        TRUE.beta1 * (y[t - 1] as number) +
        TRUE.beta2 * (y[t - 2] as number) +
        TRUE.sigma * (e[t] as number),
    );
  }
  return tensor(y);
}

export const meta: ExampleMeta = {
  id: "ar2",
  title: "AR(2) time series",
  numpyro: "examples: ar2.py",
  description:
    "200 steps of y_t = alpha + beta1 y_{t-1} + beta2 y_{t-2} + noise. The likelihood is a model-level scan whose " +
    "body holds the observed sample site, as NumPyro's contrib.control_flow.scan. Recovers " +
    `alpha = ${TRUE.alpha}, beta1 = ${TRUE.beta1}, beta2 = ${TRUE.beta2}, sigma = ${TRUE.sigma}.`,
  plotSites: ["alpha", "beta1", "beta2", "sigma"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the series and fits the AR(2) model with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { result } = await fitNuts(meta, ar2, [simulate()], options, { ...TRUE });
  return result;
}
