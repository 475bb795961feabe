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
import { Exponential } from "../continuous/exponential.js";
import { InverseGamma } from "../continuous/inverse-gamma.js";
import { Logistic } from "../continuous/logistic.js";
import { LowerTruncatedPowerLaw } from "../continuous/lower-truncated-power-law.js";
import { Normal } from "../continuous/normal.js";
import { StudentT } from "../continuous/student-t.js";
import { TruncatedPolyaGamma } from "../continuous/truncated-polya-gamma.js";
import { VonMises } from "../continuous/von-mises.js";
import { Weibull } from "../continuous/weibull.js";
import { BetaNegativeBinomial } from "../discrete/beta-negative-binomial.js";
import { Categorical } from "../discrete/categorical.js";
import type { Distribution } from "../distribution.js";
import { matmul, matT, reshape, sliceAxis, type Tensor, type TensorLike, values } from "../internal/ops.js";
import { IntervalCensoredDistribution } from "../meta/interval-censored-distribution.js";
import { LeftCensoredDistribution } from "../meta/left-censored-distribution.js";
import { MixtureGeneral } from "../meta/mixture-general.js";
import { RightCensoredDistribution } from "../meta/right-censored-distribution.js";
import { SineSkewed } from "../meta/sine-skewed.js";
import { GaussianStateSpace } from "../multivariate/gaussian-state-space.js";
import { InverseWishart } from "../multivariate/inverse-wishart.js";
import { InverseWishartCholesky } from "../multivariate/inverse-wishart-cholesky.js";
import { MatrixNormal } from "../multivariate/matrix-normal.js";
import { ProjectedNormal } from "../multivariate/projected-normal.js";
import { ZeroSumNormal } from "../multivariate/zero-sum-normal.js";
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

/** NumPyro's ZeroSumTransform forward on unconstrained points (`zeroSumTransform` in parity.json). */
export interface ZeroSumTransformCase {
  transformNdims: number;
  x: number[][];
  y: number[][];
}

/** Reads the ZeroSumTransform fixtures of `fixtures/parity.json`. */
export function loadZeroSumTransformFixtures(): ZeroSumTransformCase[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const text = readFileSync(join(here, "..", "..", "fixtures", "parity.json"), "utf8");
  return (JSON.parse(text) as { zeroSumTransform: ZeroSumTransformCase[] }).zeroSumTransform;
}

type Builder = (p: Record<string, TensorLike>) => Distribution;

/** Base distributions of the censored-wrapper fixtures, by name. */
const CENSOR_BASES: Readonly<Record<string, Builder>> = {
  Normal: (p) => new Normal(p.loc!, p.scale!),
  Exponential: (p) => new Exponential(p.rate!),
  Weibull: (p) => new Weibull(p.scale!, p.concentration!),
};

const censoredBuilders = (): Record<string, Builder> => {
  const out: Record<string, Builder> = {};
  for (const [b, make] of Object.entries(CENSOR_BASES)) {
    out[`LeftCensoredDistribution(${b})`] = (p) => new LeftCensoredDistribution(make(p), p.censored!);
    out[`RightCensoredDistribution(${b})`] = (p) => new RightCensoredDistribution(make(p), p.censored!);
    out[`IntervalCensoredDistribution(${b})`] = (p) =>
      new IntervalCensoredDistribution(make(p), p.leftCensored!, p.rightCensored!);
  }
  return out;
};

/** Parameters that are indicators or shapes, not differentiable quantities. */
export const PARITY_FLAG_PARAMS: ReadonlySet<string> = new Set([
  "censored",
  "leftCensored",
  "rightCensored",
  "eventShape",
  "batchShape",
  "numSteps",
]);

/** Fixture `dist` name → constructor call. */
export const PARITY_BUILDERS: Readonly<Record<string, Builder>> = {
  AsymmetricLaplaceQuantile: (p) => new AsymmetricLaplaceQuantile(p.loc!, p.scale!, p.quantile!),
  BetaNegativeBinomial: (p) => new BetaNegativeBinomial(p.concentration1!, p.concentration0!, p.n!),
  Dagum: (p) => new Dagum(p.concentration!, p.sharpness!, p.scale!),
  LowerTruncatedPowerLaw: (p) => new LowerTruncatedPowerLaw(p.alpha!, p.low!),
  DoublyTruncatedPowerLaw: (p) => new DoublyTruncatedPowerLaw(p.alpha!, p.low!, p.high!),
  InverseWishart: (p) => new InverseWishart(p.concentration!, { scaleTril: p.scaleTril! }),
  InverseWishartCholesky: (p) => new InverseWishartCholesky(p.concentration!, { scaleTril: p.scaleTril! }),
  MatrixNormal: (p) => new MatrixNormal(p.loc!, p.scaleTrilRow!, p.scaleTrilColumn!),
  ZeroSumNormal: (p) => new ZeroSumNormal(p.scale!, p.eventShape as number[]),
  MixtureGeneral: (p) =>
    new MixtureGeneral(new Categorical({ probs: p.probs! }), [
      new Normal(p.loc0!, p.scale0!),
      new Logistic(p.loc1!, p.scale1!),
      new StudentT(p.df2!, p.loc2!, p.scale2!),
    ]),
  ProjectedNormal: (p) => new ProjectedNormal(p.concentration!),
  SineSkewed: (p) => new SineSkewed(new VonMises(p.loc!, p.concentration!).toEvent(1), p.skewness!),
  TruncatedPolyaGamma: (p) => new TruncatedPolyaGamma(p.batchShape as number[]),
  GaussianStateSpace: (p) =>
    new GaussianStateSpace(
      p.numSteps as number,
      p.transitionMatrix!,
      { scaleTril: p.scaleTril! },
      p.initialValue,
    ),
  ...censoredBuilders(),
};

/**
 * A sampling case; `cdfFrom` names the distribution whose cdf the (`post`-processed) draws must follow;
 * `meanOf` (with `full`, a map of raw draws) names a distribution whose mean and variance the mapped draws
 * must match.
 */
export interface ParitySampleCase extends SampleCase {
  cdfFrom?: () => Distribution;
  meanOf?: () => Distribution;
  full?: (x: Tensor) => Tensor;
}

/** X[..., 0, 0] of a batch of matrices. */
const entry00 = (x: Tensor): Tensor =>
  reshape(sliceAxis(sliceAxis(x, -1, 0, 1), -2, 0, 1), x.shape.slice(0, -2));
const gram = (l: Tensor): Tensor => matmul(l, matT(l));
const MN_LOC = [
  [1, 0.5, -1],
  [0, 2, 0.3],
];
const MN_ROW = [
  [2, 0],
  [0.5, 1],
];
const MN_COL = [
  [1, 0, 0],
  [0.5, 1, 0],
  [-0.3, 0.2, 0.7],
];
const GSS_A = [
  [0.8, 0.3],
  [-0.2, 0.5],
];
const GSS_Q = [
  [1, 0.3],
  [0.3, 0.5],
];
const entry20 = (m: Tensor): number => values(m)[4]!;
const IW_PSI = [
  [
    [2, 0.5, 0],
    [0.5, 1, 0.3],
    [0, 0.3, 1.5],
  ],
  [
    [1, -0.4, 0.2],
    [-0.4, 2, 0],
    [0.2, 0, 0.8],
  ],
];

/** Sampling cases (a batch of two or three each). */
export const PARITY_SAMPLE_CASES: readonly ParitySampleCase[] = [
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
  {
    name: "LeftCensoredDistribution",
    make: () => new LeftCensoredDistribution(new Normal([0, 1], 2), [1, 0]),
    cdfFrom: () => new Normal([0, 1], 2),
    gof: "ks",
  },
  {
    name: "RightCensoredDistribution",
    make: () => new RightCensoredDistribution(new Exponential(1.5), [[0, 1]]),
    cdfFrom: () => new Exponential([[1.5, 1.5]]),
    gof: "ks",
  },
  {
    name: "IntervalCensoredDistribution",
    make: () => new IntervalCensoredDistribution(new Weibull([1, 2], 1.5), [0, 1], [1, 1]),
    cdfFrom: () => new Weibull([1, 2], 1.5),
    post: (x: Tensor) => reshape(sliceAxis(x, -1, 0, 1), x.shape.slice(0, -1)),
    gof: "ks",
  },
  {
    // X₀₀ ~ InverseGamma((ν − n + 1)/2, Ψ₀₀/2)
    name: "InverseWishart",
    make: () => new InverseWishart([9, 11], { scaleMatrix: IW_PSI }),
    post: entry00,
    cdfFrom: () => new InverseGamma([3.5, 4.5], [1, 0.5]),
    meanOf: () => new InverseWishart([9, 11], { scaleMatrix: IW_PSI }),
    gof: "ks",
  },
  {
    name: "InverseWishartCholesky",
    make: () => new InverseWishartCholesky([9, 11], { scaleMatrix: IW_PSI }),
    post: (l: Tensor) => entry00(gram(l)),
    cdfFrom: () => new InverseGamma([3.5, 4.5], [1, 0.5]),
    meanOf: () => new InverseWishart([9, 11], { scaleMatrix: IW_PSI }),
    full: gram,
    gof: "ks",
  },
  {
    // the last step's first coordinate is Normal(mean, √variance); all entries' means are checked too
    name: "GaussianStateSpace",
    make: () => new GaussianStateSpace(3, GSS_A, { covarianceMatrix: GSS_Q }, [1, -0.5]),
    post: (x: Tensor) => reshape(sliceAxis(sliceAxis(x, -1, 0, 1), -2, 2, 3), x.shape.slice(0, -2)),
    cdfFrom: () => {
      const g = new GaussianStateSpace(3, GSS_A, { covarianceMatrix: GSS_Q }, [1, -0.5]);
      return new Normal(entry20(g.mean), Math.sqrt(entry20(g.variance)));
    },
    meanOf: () => new GaussianStateSpace(3, GSS_A, { covarianceMatrix: GSS_Q }, [1, -0.5]),
    gof: "ks",
  },
  {
    name: "MixtureGeneral",
    make: () =>
      new MixtureGeneral(
        new Categorical({
          probs: [
            [0.3, 0.7],
            [0.6, 0.4],
          ],
        }),
        [new Normal([-2, 0], 1), new Logistic([2, 1], 0.5)],
      ),
    gof: "ks",
  },
  {
    // each entry is N(0, σ²(1 − 1/n)); the means of all entries are checked too
    name: "ZeroSumNormal",
    make: () => new ZeroSumNormal([1, 2], [4]),
    post: (x: Tensor) => reshape(sliceAxis(x, -1, 2, 3), x.shape.slice(0, -1)),
    cdfFrom: () => new Normal(0, [Math.sqrt(0.75), 2 * Math.sqrt(0.75)]),
    meanOf: () => new ZeroSumNormal([1, 2], [4]),
    gof: "ks",
  },
  {
    // X₀₁ ~ Normal(M₀₁, √(U₀₀V₁₁)); every entry's mean checked too
    name: "MatrixNormal",
    make: () => new MatrixNormal(MN_LOC, MN_ROW, MN_COL),
    post: (x: Tensor) => reshape(sliceAxis(sliceAxis(x, -1, 1, 2), -2, 0, 1), x.shape.slice(0, -2)),
    cdfFrom: () => new Normal(0.5, Math.sqrt(4 * 1.25)),
    meanOf: () => new MatrixNormal(MN_LOC, MN_ROW, MN_COL),
    gof: "ks",
  },
];
