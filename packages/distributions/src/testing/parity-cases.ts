/**
 * Case table for the NumPyro-parity distributions (issue 23), kept apart from `cases.ts`:
 * - `PARITY_BUILDERS` turns a case of `fixtures/parity.json` (written by `scripts/parity_fixtures.py`) into
 *   the Phlox distribution with the same parameters;
 * - `PARITY_SAMPLE_CASES` gives one instance per distribution for the goodness-of-fit tests of `sample`.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AsymmetricLaplaceQuantile } from "../continuous/asymmetric-laplace-quantile.js";
import { Dagum } from "../continuous/dagum.js";
import { DoublyTruncatedPowerLaw } from "../continuous/doubly-truncated-power-law.js";
import { LowerTruncatedPowerLaw } from "../continuous/lower-truncated-power-law.js";
import { BetaNegativeBinomial } from "../discrete/beta-negative-binomial.js";
import type { Distribution } from "../distribution.js";
import type { TensorLike } from "../internal/ops.js";
import type { SampleCase } from "./cases.js";

/** One case of `fixtures/parity.json` (the `scipy.json` format; `reference` also names NumPyro). */
export interface ParityCase {
  name: string;
  dist: string;
  reference: string;
  params: Record<string, TensorLike>;
  batchShape: number[];
  eventShape: number[];
  discrete: boolean;
  x: TensorLike;
  logProb: TensorLike;
  cdf?: TensorLike;
  q?: TensorLike;
  icdf?: TensorLike;
  mean?: TensorLike | null;
  variance?: TensorLike | null;
}

/** Reads `fixtures/parity.json` (test-only helper). */
export function loadParityFixtures(): ParityCase[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const text = readFileSync(join(here, "..", "..", "fixtures", "parity.json"), "utf8");
  const parsed = JSON.parse(text, (_k, v) =>
    v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v,
  ) as { cases: ParityCase[] };
  return parsed.cases;
}

type Builder = (p: Record<string, TensorLike>) => Distribution;

/** Fixture `dist` name → constructor call. */
export const PARITY_BUILDERS: Readonly<Record<string, Builder>> = {
  AsymmetricLaplaceQuantile: (p) => new AsymmetricLaplaceQuantile(p.loc!, p.scale!, p.quantile!),
  BetaNegativeBinomial: (p) => new BetaNegativeBinomial(p.concentration1!, p.concentration0!, p.n!),
  Dagum: (p) => new Dagum(p.concentration!, p.sharpness!, p.scale!),
  LowerTruncatedPowerLaw: (p) => new LowerTruncatedPowerLaw(p.alpha!, p.low!),
  DoublyTruncatedPowerLaw: (p) => new DoublyTruncatedPowerLaw(p.alpha!, p.low!, p.high!),
};

/** Sampling cases (a batch of two or three each). */
export const PARITY_SAMPLE_CASES: readonly SampleCase[] = [
  {
    name: "AsymmetricLaplaceQuantile",
    make: () => new AsymmetricLaplaceQuantile([0, 1], [1, 2], [0.2, 0.7]),
    gof: "ks",
  },
  {
    name: "BetaNegativeBinomial",
    make: () => new BetaNegativeBinomial([2, 1.5], [4, 6], [3, 2.5]),
    gof: "chi2",
  },
  { name: "Dagum", make: () => new Dagum([0.7, 2], [3, 1.5], [1, 2]), gof: "ks" },
  {
    name: "LowerTruncatedPowerLaw",
    make: () => new LowerTruncatedPowerLaw([-2.5, -1.5], [1, 0.5]),
    gof: "ks",
  },
  {
    name: "DoublyTruncatedPowerLaw",
    make: () => new DoublyTruncatedPowerLaw([-2.5, -1, 1.5], [1, 0.5, 0], [4, 3, 2]),
    gof: "ks",
  },
];
