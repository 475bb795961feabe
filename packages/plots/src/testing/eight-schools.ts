/**
 * The committed eight-schools fixture (`fixtures/eight-schools.json`, written by
 * `scripts/arviz_fixtures.py` with ArviZ 0.23.4) and an InferenceData built from it, for this package's tests.
 */
import { readFileSync } from "node:fs";
import type { InferenceData } from "@phlox/arviz-io";
import { type EightSchoolsData, eightSchoolsIdataFrom } from "./eight-schools-idata.js";

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
  data: EightSchoolsData;
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
  smallKde: (KdeFixture & { x: number[] })[];
}

let cached: EightSchoolsFixture | undefined;

/** The fixture's draws as an InferenceData with posterior, sample_stats, log_likelihood, posterior_predictive, observed_data. */
export function eightSchoolsIdata(): InferenceData {
  return eightSchoolsIdataFrom(eightSchoolsFixture().data);
}

/** Reads the committed fixture once. */
export function eightSchoolsFixture(): EightSchoolsFixture {
  cached ??= JSON.parse(
    readFileSync(new URL("../../fixtures/eight-schools.json", import.meta.url), "utf8"),
  ) as EightSchoolsFixture;
  return cached;
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
