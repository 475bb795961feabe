/** Change point in a count series: the rate switches from r1 to r2 at an unknown time tau (smooth switch). */
import { Exponential, Poisson, Uniform } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { arange, key, sigmoid, type Tensor, tensor } from "@phlox/tensor";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const TRUE = { tau: 40, r1: 3, r2: 8 };

/** counts_t ~ Poisson(r1 + (r2 − r1) · sigmoid(2 (t − tau))): a step, smooth enough for NUTS. */
export function changePoint(t: Tensor, counts?: Tensor): void {
  const n = t.shape[0] as number;
  const tau = sample("tau", new Uniform(0, n));
  const r1 = sample("r1", new Exponential(0.1));
  const r2 = sample("r2", new Exponential(0.1));
  const rate = r1.add(r2.sub(r1).mul(sigmoid(t.sub(tau).mul(2))));
  plate("time", n, () => sample("counts", new Poisson(rate), { obs: counts }));
}

/** 100 counts, rate 3 before t = 40 and 8 after. */
export function simulate(n = 100): { t: Tensor; counts: Tensor } {
  const t = arange(n);
  const rate = tensor(Array.from({ length: n }, (_, i) => (i < TRUE.tau ? TRUE.r1 : TRUE.r2)));
  return { t, counts: new Poisson(rate).sample(key(81)) };
}

export const meta: ExampleMeta = {
  id: "change-point",
  title: "Change point",
  numpyro: "tutorial: change point (switch point) model",
  description:
    "100 daily counts whose Poisson rate jumps from 3 to 8 at day 40. The switch time tau has a Uniform(0, 100) " +
    "prior and enters through a steep sigmoid, so NUTS can sample it; the run finds tau ≈ 40, r1 ≈ 3, r2 ≈ 8.",
  plotSites: ["tau", "r1", "r2"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Simulates the counts and fits the change point with NUTS. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { t, counts } = simulate();
  const { result } = await fitNuts(meta, changePoint, [t, counts], options, { ...TRUE });
  return result;
}
