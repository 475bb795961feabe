/**
 * Holt-Winters exponential smoothing (level, trend, additive seasonality), the smoothing recursion as a
 * model-level `scan` whose body observes each step (NumPyro's holt_winters.py).
 */
import { Beta, HalfNormal, Normal } from "@phlox/distributions";
import { sample, scan } from "@phlox/handlers";
import { concatenate, slice, type Tensor, tensor } from "@phlox/tensor";
import { normals } from "../simulate.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const PERIOD = 4;
export const TRUE = { level: 5, trend: 0.1, season: [1, -0.5, 0.5, -1], sigma: 0.3 };

type Carry = [Tensor, Tensor, Tensor];

/** Additive Holt-Winters: one-step-ahead prediction level + trend + season[0], then the smoothing updates. */
export function holtWinters(y: Tensor): void {
  const a = sample("level_sm", new Beta(1, 1));
  const b = sample("trend_sm", new Beta(1, 1));
  const g = sample("season_sm", new Beta(1, 1));
  const sigma = sample("sigma", new HalfNormal(1));
  const level0 = sample("level_init", new Normal(0, 10));
  const trend0 = sample("trend_init", new Normal(0, 1));
  const season0 = sample("season_init", new Normal(0, 2).expand([PERIOD]).toEvent(1));
  scan(
    ([level, trend, season]: Carry, yt: Tensor) => {
      const s = slice(season, [0], [1]).reshape([]);
      sample("y", new Normal(level.add(trend).add(s), sigma), { obs: yt });
      const newLevel = a.mul(yt.sub(s)).add(a.neg().add(1).mul(level.add(trend)));
      const newTrend = b.mul(newLevel.sub(level)).add(b.neg().add(1).mul(trend));
      const newS = g.mul(yt.sub(newLevel)).add(g.neg().add(1).mul(s));
      return [
        [newLevel, newTrend, concatenate([slice(season, [1], [PERIOD]), newS.reshape([1])], 0)] as Carry,
        null,
      ];
    },
    [level0, trend0, season0] as Carry,
    y,
  );
}

/** 60 steps: a linear trend, a period-4 season and Normal(0, 0.3) noise. */
export function simulate(T = 60): Tensor {
  const e = normals(101, [T]).dataSync();
  return tensor(
    Array.from(
      { length: T },
      (_, t) =>
        TRUE.level +
        TRUE.trend * (t + 1) +
        (TRUE.season[t % PERIOD] as number) +
        TRUE.sigma * (e[t] as number),
    ),
  );
}

export const meta: ExampleMeta = {
  id: "holt-winters",
  title: "Holt-Winters",
  numpyro: "examples: holt_winters.py",
  description:
    "Additive Holt-Winters smoothing of 60 quarterly points with a trend and a period-4 season: the level, trend " +
    "and seasonal states are the scan's carry, the three smoothing weights have Beta(1, 1) priors, and the " +
    "one-step-ahead errors are observed. The noise scale sigma is recovered near 0.3.",
  plotSites: ["level_sm", "trend_sm", "season_sm", "sigma"],
  defaults: { numWarmup: 400, numSamples: 400, numChains: 2 },
};

/** Simulates the series and fits the smoothing model with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { result } = await fitNuts(meta, holtWinters, [simulate()], options, { trueSigma: TRUE.sigma });
  return result;
}
