/**
 * The committed eight-schools fixture (`fixtures/eight-schools.json`, written by
 * `scripts/arviz_fixtures.py` with ArviZ 0.23.4) and an InferenceData built from it, for this package's tests.
 */
import { readFileSync } from "node:fs";
import { createDataset, InferenceData } from "@phlox/arviz-io";

type Num = number | null;

/** A KDE as the fixture stores it. */
export interface KdeFixture {
  gridEnds: [number, number];
  gridLen: number;
  pdf: number[];
  bw: number;
}

/** Statistics ArviZ computed for one scalar element (mu, tau, theta[0], theta[7]). */
export interface ElementStats {
  kdeCombined: KdeFixture;
  kdePerChain?: KdeFixture[];
  kdeCumulative?: KdeFixture;
  kdeNoBound?: KdeFixture;
  kdeScott?: KdeFixture;
  hdi94: number[];
  hdi50PerChain: number[][];
  rankBins: number;
  rankEdges: number[];
  rankCounts: number[][];
  autocorr: number[][];
  essQuantile: Num[];
  essLocal: Num[];
  mcseQuantile: Num[];
  essMean: number;
  essSd: number;
  mcseMean: number;
  mcseSd: number;
  rhat: number;
  essBulk: number;
  essEvolutionDraws: number[];
  essEvolutionBulk: Num[];
  essEvolutionTail: Num[];
}

/** The whole fixture file. */
export interface EightSchoolsFixture {
  arviz: string;
  data: {
    schools: string[];
    posterior: { mu: number[]; theta: number[]; tau: number[] };
    energy: number[];
    diverging: boolean[];
    logLik: number[];
    posteriorPredictive: number[];
    observed: number[];
    chains: number;
    draws: number;
  };
  nonCenteredLogLik: number[];
  stats: Record<"mu" | "tau" | "theta0" | "theta7", ElementStats>;
  kde2d: { stride: number; offset: number; density: number[]; shape: number[]; lims: number[] };
  bfmi: number[];
  energyKde: { marginal: KdeFixture; transition: KdeFixture };
  looPit: {
    pit: number[];
    kde: KdeFixture;
    p975: number[];
    p025: number[];
    hdiOdds: number[];
    paretoK: number[];
  };
  ppcKde: { observed: KdeFixture; draw0: KdeFixture };
}

let cached: EightSchoolsFixture | undefined;

/** Reads the committed fixture once. */
export function eightSchoolsFixture(): EightSchoolsFixture {
  cached ??= JSON.parse(
    readFileSync(new URL("../../fixtures/eight-schools.json", import.meta.url), "utf8"),
  ) as EightSchoolsFixture;
  return cached;
}

/** The fixture's draws as an InferenceData with posterior, sample_stats, log_likelihood, posterior_predictive, observed_data. */
export function eightSchoolsIdata(): InferenceData {
  const f = eightSchoolsFixture().data;
  const C = f.chains;
  const D = f.draws;
  const coords = { school: f.schools };
  const dims = { theta: ["school"], obs: ["school"] };
  return new InferenceData({
    posterior: createDataset(
      {
        mu: { data: Float64Array.from(f.posterior.mu), shape: [C, D] },
        theta: { data: Float64Array.from(f.posterior.theta), shape: [C, D, 8] },
        tau: { data: Float64Array.from(f.posterior.tau), shape: [C, D] },
      },
      { coords, dims },
    ),
    sample_stats: createDataset({
      energy: { data: Float64Array.from(f.energy), shape: [C, D] },
      diverging: { data: f.diverging, shape: [C, D], dtype: "bool" },
    }),
    log_likelihood: createDataset(
      { obs: { data: Float64Array.from(f.logLik), shape: [C, D, 8] } },
      { coords, dims },
    ),
    posterior_predictive: createDataset(
      { obs: { data: Float64Array.from(f.posteriorPredictive), shape: [C, D, 8] } },
      { coords, dims },
    ),
    observed_data: createDataset(
      { obs: { data: Float64Array.from(f.observed), shape: [8] } },
      { coords, dims, sampleDims: false },
    ),
  });
}

/** Max absolute difference between two equal-length sequences (NaN/null treated as equal to each other). */
export function maxAbsDiff(a: ArrayLike<number | null>, b: ArrayLike<number | null>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const xn = x === null || Number.isNaN(x);
    const yn = y === null || Number.isNaN(y);
    if (xn || yn) {
      if (xn !== yn) return Number.POSITIVE_INFINITY;
      continue;
    }
    m = Math.max(m, Math.abs((x as number) - (y as number)));
  }
  return m;
}
