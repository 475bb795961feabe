/**
 * Baseball (Efron and Morris 1975): batting averages of 18 players after their first 45 at-bats, partially
 * pooled on the logit scale; the shrunk estimates predict the rest of the season better than the raw averages.
 */
import { Binomial, HalfCauchy, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { sigmoid, type Tensor, tensor } from "@phlox/tensor";
import { type ExampleMeta, fitNuts, posteriorMean, type RunOptions, type RunResult } from "./example.js";

/** Efron and Morris (1975), table 1: hits in the first 45 at-bats and the rest-of-season batting average. */
export const DATA = {
  players: [
    "Clemente",
    "F. Robinson",
    "F. Howard",
    "Johnstone",
    "Berry",
    "Spencer",
    "Kessinger",
    "L. Alvarado",
    "Santo",
    "Swoboda",
    "Unser",
    "Williams",
    "Scott",
    "Petrocelli",
    "E. Rodriguez",
    "Campaneris",
    "Munson",
    "Alvis",
  ],
  atBats: 45,
  hits: [18, 17, 16, 15, 14, 14, 13, 12, 11, 11, 10, 10, 10, 10, 10, 9, 8, 7],
  seasonAverage: [
    0.346, 0.298, 0.276, 0.222, 0.273, 0.27, 0.263, 0.21, 0.269, 0.23, 0.264, 0.256, 0.303, 0.264, 0.226,
    0.286, 0.316, 0.2,
  ],
};

/** NumPyro's `partially_pooled_with_logit`: player logits drawn around a common location. */
export function partiallyPooled(atBats: Tensor, hits?: Tensor): void {
  const loc = sample("loc", new Normal(-1, 1));
  const scale = sample("scale", new HalfCauchy(1));
  plate("players", atBats.shape[0] as number, () => {
    const alpha = sample("alpha", new Normal(loc, scale));
    deterministic("p", sigmoid(alpha));
    sample("obs", new Binomial(atBats, { logits: alpha }), { obs: hits });
  });
}

export const meta: ExampleMeta = {
  id: "baseball",
  title: "Baseball: partial pooling",
  numpyro: "examples: baseball.py",
  description:
    "Hits of 18 players in their first 45 at-bats (Efron and Morris 1975). Player abilities are partially pooled " +
    "on the logit scale; their posterior means shrink towards the league average and predict the " +
    "rest-of-season averages with a smaller squared error than the raw averages.",
  plotSites: ["loc", "scale"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

function mse(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + (x - (b[i] as number)) ** 2, 0) / a.length;
}

/** Fits the partially pooled model and compares its estimates with the rest of the season. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const n = DATA.hits.length;
  const atBats = tensor(new Array(n).fill(DATA.atBats));
  const { result } = await fitNuts(meta, partiallyPooled, [atBats, tensor(DATA.hits)], options);
  const shrunk = posteriorMean(result.draws.p as RunResult["draws"][string]);
  const raw = DATA.hits.map((h) => h / DATA.atBats);
  result.extra = { mseRaw: mse(raw, DATA.seasonAverage), msePooled: mse(shrunk, DATA.seasonAverage) };
  return result;
}
