/**
 * The one case table of `@phlox/distributions` tests (NumPyro `test_distributions.py` style):
 * - `FIXTURE_BUILDERS` turns a case of `fixtures/scipy.json` (written by `scripts/scipy_fixtures.py`) into the
 *   Phlox distribution with the same parameters;
 * - `SAMPLE_CASES` lists one instance per distribution for the sampling tests (shape, support,
 *   goodness of fit) and says which check applies.
 */

import { AsymmetricLaplace } from "../continuous/asymmetric-laplace.js";
import { Beta } from "../continuous/beta.js";
import { BetaProportion } from "../continuous/beta-proportion.js";
import { Cauchy } from "../continuous/cauchy.js";
import { Chi2 } from "../continuous/chi2.js";
import { Exponential } from "../continuous/exponential.js";
import { Gamma } from "../continuous/gamma.js";
import { Gompertz } from "../continuous/gompertz.js";
import { Gumbel } from "../continuous/gumbel.js";
import { HalfCauchy } from "../continuous/half-cauchy.js";
import { HalfNormal } from "../continuous/half-normal.js";
import { InverseGamma } from "../continuous/inverse-gamma.js";
import { Kumaraswamy } from "../continuous/kumaraswamy.js";
import { Laplace } from "../continuous/laplace.js";
import { Levy } from "../continuous/levy.js";
import { LogNormal } from "../continuous/log-normal.js";
import { LogUniform } from "../continuous/log-uniform.js";
import { Logistic } from "../continuous/logistic.js";
import { Normal } from "../continuous/normal.js";
import { Pareto } from "../continuous/pareto.js";
import { SoftLaplace } from "../continuous/soft-laplace.js";
import { StudentT } from "../continuous/student-t.js";
import { Uniform } from "../continuous/uniform.js";
import { VonMises } from "../continuous/von-mises.js";
import { Weibull } from "../continuous/weibull.js";
import { Bernoulli } from "../discrete/bernoulli.js";
import { BetaBinomial } from "../discrete/beta-binomial.js";
import { Binomial } from "../discrete/binomial.js";
import { Categorical } from "../discrete/categorical.js";
import { DiscreteUniform } from "../discrete/discrete-uniform.js";
import { GammaPoisson } from "../discrete/gamma-poisson.js";
import { Geometric } from "../discrete/geometric.js";
import { NegativeBinomial } from "../discrete/negative-binomial.js";
import { NegativeBinomial2 } from "../discrete/negative-binomial2.js";
import { OrderedLogistic } from "../discrete/ordered-logistic.js";
import { Poisson } from "../discrete/poisson.js";
import type { Distribution } from "../distribution.js";
import { matmul, matT, type Tensor, type TensorLike } from "../internal/ops.js";
import { Delta } from "../meta/delta.js";
import { FoldedDistribution } from "../meta/folded-distribution.js";
import { HurdleDistribution } from "../meta/hurdle-distribution.js";
import { Mixture } from "../meta/mixture.js";
import { MixtureSameFamily } from "../meta/mixture-same-family.js";
import { RelaxedBernoulli } from "../meta/relaxed-bernoulli.js";
import { TransformedDistribution } from "../meta/transformed-distribution.js";
import { TruncatedCauchy } from "../meta/truncated-cauchy.js";
import { TruncatedDistribution } from "../meta/truncated-distribution.js";
import { TruncatedNormal } from "../meta/truncated-normal.js";
import { ZeroInflatedNegativeBinomial2 } from "../meta/zero-inflated-negative-binomial2.js";
import { ZeroInflatedPoisson } from "../meta/zero-inflated-poisson.js";
import { Dirichlet } from "../multivariate/dirichlet.js";
import { DirichletMultinomial } from "../multivariate/dirichlet-multinomial.js";
import { GaussianRandomWalk } from "../multivariate/gaussian-random-walk.js";
import { LKJ } from "../multivariate/lkj.js";
import { LKJCholesky } from "../multivariate/lkj-cholesky.js";
import { LowRankMultivariateNormal } from "../multivariate/low-rank-multivariate-normal.js";
import { Multinomial } from "../multivariate/multinomial.js";
import { MultivariateStudentT } from "../multivariate/multivariate-student-t.js";
import { MultivariateNormal } from "../multivariate/mvn.js";
import { Wishart } from "../multivariate/wishart.js";
import { WishartCholesky } from "../multivariate/wishart-cholesky.js";
import { AffineTransform, ExpTransform } from "../transforms/elementwise.js";

/** Parameters as stored in the fixture file (nested number arrays). */
export type FixtureParams = Readonly<Record<string, TensorLike>>;
type P = FixtureParams;

/** One entry of `fixtures/scipy.json`. */
export interface FixtureCase {
  name: string;
  dist: string;
  reference: "scipy" | "formula";
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

/** Fixture `dist` name → Phlox constructor call with the fixture's parameters. */
export const FIXTURE_BUILDERS: Readonly<Record<string, (p: P) => Distribution>> = {
  Normal: (p) => new Normal(p.loc!, p.scale!),
  HalfNormal: (p) => new HalfNormal(p.scale!),
  LogNormal: (p) => new LogNormal(p.loc!, p.scale!),
  StudentT: (p) => new StudentT(p.df!, p.loc!, p.scale!),
  Cauchy: (p) => new Cauchy(p.loc!, p.scale!),
  HalfCauchy: (p) => new HalfCauchy(p.scale!),
  Laplace: (p) => new Laplace(p.loc!, p.scale!),
  AsymmetricLaplace: (p) => new AsymmetricLaplace(p.loc!, p.scale!, p.asymmetry!),
  Logistic: (p) => new Logistic(p.loc!, p.scale!),
  Gumbel: (p) => new Gumbel(p.loc!, p.scale!),
  Exponential: (p) => new Exponential(p.rate!),
  Gamma: (p) => new Gamma(p.concentration!, p.rate!),
  InverseGamma: (p) => new InverseGamma(p.concentration!, p.rate!),
  Chi2: (p) => new Chi2(p.df!),
  Beta: (p) => new Beta(p.concentration1!, p.concentration0!),
  BetaProportion: (p) => new BetaProportion(p.mean!, p.concentration!),
  Kumaraswamy: (p) => new Kumaraswamy(p.concentration1!, p.concentration0!),
  Uniform: (p) => new Uniform(p.low!, p.high!),
  LogUniform: (p) => new LogUniform(p.low!, p.high!),
  Pareto: (p) => new Pareto(p.scale!, p.alpha!),
  Weibull: (p) => new Weibull(p.scale!, p.concentration!),
  Gompertz: (p) => new Gompertz(p.concentration!, p.rate!),
  Levy: (p) => new Levy(p.loc!, p.scale!),
  SoftLaplace: (p) => new SoftLaplace(p.loc!, p.scale!),
  TruncatedNormal: (p) => new TruncatedNormal(p.loc!, p.scale!, { low: p.low!, high: p.high! }),
  TruncatedCauchy: (p) => new TruncatedCauchy(p.loc!, p.scale!, { low: p.low!, high: p.high! }),
  VonMises: (p) => new VonMises(p.loc!, p.concentration!),
  Bernoulli: (p) => new Bernoulli({ probs: p.probs! }),
  Binomial: (p) => new Binomial(p.totalCount!, { probs: p.probs! }),
  Poisson: (p) => new Poisson(p.rate!),
  Geometric: (p) => new Geometric({ probs: p.probs! }),
  NegativeBinomial: (p) => new NegativeBinomial(p.totalCount!, { probs: p.probs! }),
  NegativeBinomial2: (p) => new NegativeBinomial2(p.mean!, p.concentration!),
  GammaPoisson: (p) => new GammaPoisson(p.concentration!, p.rate!),
  BetaBinomial: (p) => new BetaBinomial(p.concentration1!, p.concentration0!, p.totalCount!),
  DiscreteUniform: (p) => new DiscreteUniform(p.low!, p.high!),
  ZeroInflatedPoisson: (p) => new ZeroInflatedPoisson(p.gate!, p.rate!),
  ZeroInflatedNegativeBinomial2: (p) => new ZeroInflatedNegativeBinomial2(p.mean!, p.concentration!, p.gate!),
  Categorical: (p) => new Categorical({ probs: p.probs! }),
  Multinomial: (p) => new Multinomial(p.totalCount!, { probs: p.probs! }),
  DirichletMultinomial: (p) => new DirichletMultinomial(p.concentration!, p.totalCount!),
  Dirichlet: (p) => new Dirichlet(p.concentration!),
  MultivariateNormal: (p) =>
    p.covarianceMatrix !== undefined
      ? new MultivariateNormal(p.loc!, { covarianceMatrix: p.covarianceMatrix })
      : p.scaleTril !== undefined
        ? new MultivariateNormal(p.loc!, { scaleTril: p.scaleTril })
        : new MultivariateNormal(p.loc!, { precisionMatrix: p.precisionMatrix! }),
  LowRankMultivariateNormal: (p) => new LowRankMultivariateNormal(p.loc!, p.covFactor!, p.covDiag!),
  MultivariateStudentT: (p) => new MultivariateStudentT(p.df!, p.loc!, p.scaleTril!),
  Wishart: (p) => new Wishart(p.concentration!, { scaleTril: p.scaleTril! }),
  GaussianRandomWalk: (p) => new GaussianRandomWalk(p.scale!, p.numSteps as number),
  LKJCholesky: (p) => new LKJCholesky(p.dimension as number, p.concentration!),
  LKJ: (p) => new LKJ(p.dimension as number, p.concentration!),
  WishartCholesky: (p) => new WishartCholesky(p.concentration!, { scaleTril: p.scaleTril! }),
  FoldedNormal: (p) => new FoldedDistribution(new Normal(p.loc!, p.scale!)),
  LeftTruncatedLaplace: (p) => new TruncatedDistribution(new Laplace(p.loc!, p.scale!), { low: p.low! }),
  MixtureSameFamilyNormal: (p) =>
    new MixtureSameFamily(new Categorical({ probs: p.probs! }), new Normal(p.loc!, p.scale!)),
  HurdlePoisson: (p) => new HurdleDistribution(new Poisson(p.rate!), p.gate!),
  OrderedLogistic: (p) => new OrderedLogistic(p.predictor!, p.cutpoints!),
};

/** Relative tolerance for logProb against the reference, where not the default 1e-10 (with the reason). */
export const LOGPROB_RTOL: Readonly<Record<string, number>> = {
  // log I₀ by series/asymptotics (1e-12 relative), then a difference of similar magnitudes
  VonMises: 1e-9,
};

/** Which goodness-of-fit check a sampling case gets. */
export type GofKind = "ks" | "chi2" | "moments";

/** One instance per distribution for the sampling tests. */
export interface SampleCase {
  name: string;
  make: () => Distribution;
  gof: GofKind;
  /** For "moments": map draws before comparing (e.g. L ↦ LLᵀ for Cholesky-factor distributions). */
  post?: (x: Tensor) => Tensor;
  /** For "moments": the distribution whose mean/variance the mapped draws must match. */
  momentsOf?: () => Distribution;
}

/** Sampling cases: every distribution with `sample`, a batch of two where cheap. */
export const SAMPLE_CASES: readonly SampleCase[] = [
  { name: "Normal", make: () => new Normal([0, 1], [1, 2]), gof: "ks" },
  { name: "HalfNormal", make: () => new HalfNormal([1, 2]), gof: "ks" },
  { name: "LogNormal", make: () => new LogNormal([0, 0.5], [0.5, 1]), gof: "ks" },
  { name: "StudentT", make: () => new StudentT([3, 6], 1, 2), gof: "ks" },
  { name: "Cauchy", make: () => new Cauchy([0, 1], [1, 2]), gof: "ks" },
  { name: "HalfCauchy", make: () => new HalfCauchy([1, 2]), gof: "ks" },
  { name: "Laplace", make: () => new Laplace([0, 1], [1, 2]), gof: "ks" },
  { name: "AsymmetricLaplace", make: () => new AsymmetricLaplace(0, 1, [0.5, 2]), gof: "ks" },
  { name: "Logistic", make: () => new Logistic([0, 1], [1, 2]), gof: "ks" },
  { name: "Gumbel", make: () => new Gumbel([0, 1], [1, 2]), gof: "ks" },
  { name: "Exponential", make: () => new Exponential([0.5, 2]), gof: "ks" },
  { name: "Gamma", make: () => new Gamma([0.7, 3], [1, 2]), gof: "ks" },
  { name: "InverseGamma", make: () => new InverseGamma([2.5, 4], [1, 2]), gof: "ks" },
  { name: "Chi2", make: () => new Chi2([3, 7]), gof: "ks" },
  { name: "Beta", make: () => new Beta([1.5, 4], [2, 1.2]), gof: "ks" },
  { name: "BetaProportion", make: () => new BetaProportion([0.3, 0.6], 6), gof: "ks" },
  { name: "Kumaraswamy", make: () => new Kumaraswamy([1.5, 3], [2, 1.2]), gof: "ks" },
  { name: "Uniform", make: () => new Uniform([0, -1], [1, 3]), gof: "ks" },
  { name: "LogUniform", make: () => new LogUniform([1, 0.5], [10, 2]), gof: "ks" },
  { name: "Pareto", make: () => new Pareto([1, 2], [3, 4]), gof: "ks" },
  { name: "Weibull", make: () => new Weibull([1, 2], [1.5, 3]), gof: "ks" },
  { name: "Gompertz", make: () => new Gompertz([1, 2], [0.5, 1]), gof: "ks" },
  { name: "Levy", make: () => new Levy([0, 1], [1, 2]), gof: "ks" },
  { name: "SoftLaplace", make: () => new SoftLaplace([0, 1], [1, 2]), gof: "ks" },
  {
    name: "TruncatedNormal",
    make: () => new TruncatedNormal([0, 1], 1, { low: [-0.5, 2.5], high: [1, 4] }),
    gof: "ks",
  },
  { name: "TruncatedCauchy", make: () => new TruncatedCauchy([0, 1], 1, { low: [-2, 2] }), gof: "ks" },
  {
    name: "TruncatedDistribution",
    make: () => new TruncatedDistribution(new Laplace([0, 1], 1), { high: [0.5, 3] }),
    gof: "ks",
  },
  { name: "FoldedDistribution", make: () => new FoldedDistribution(new Normal([0.5, -1], 1)), gof: "ks" },
  {
    name: "TransformedDistribution",
    make: () =>
      new TransformedDistribution(new Normal([0, 0.5], 1), [new ExpTransform(), new AffineTransform(1, 2)]),
    gof: "ks",
  },
  { name: "VonMises", make: () => new VonMises([0, 1], [0.7, 4]), gof: "ks" },
  { name: "RelaxedBernoulli", make: () => new RelaxedBernoulli([0.5, 2], { logits: [0.3, -1] }), gof: "ks" },
  {
    name: "MixtureSameFamily",
    make: () => new MixtureSameFamily(new Categorical({ probs: [0.3, 0.7] }), new Normal([-2, 1], [0.5, 1])),
    gof: "ks",
  },
  {
    name: "Mixture",
    make: () => new Mixture(new Categorical({ probs: [0.4, 0.6] }), [new Normal(-1, 0.5), new Gumbel(1, 1)]),
    gof: "ks",
  },
  { name: "Bernoulli", make: () => new Bernoulli({ logits: [-1, 0.5] }), gof: "chi2" },
  { name: "Binomial", make: () => new Binomial([5, 20], { probs: [0.3, 0.6] }), gof: "chi2" },
  {
    name: "Categorical",
    make: () =>
      new Categorical({
        probs: [
          [0.2, 0.3, 0.5],
          [0.6, 0.3, 0.1],
        ],
      }),
    gof: "chi2",
  },
  { name: "OrderedLogistic", make: () => new OrderedLogistic([0, 1], [-1, 0.5, 2]), gof: "chi2" },
  { name: "Geometric", make: () => new Geometric({ probs: [0.3, 0.6] }), gof: "chi2" },
  { name: "Poisson", make: () => new Poisson([0.7, 6]), gof: "chi2" },
  { name: "NegativeBinomial", make: () => new NegativeBinomial([2, 5], { probs: [0.4, 0.6] }), gof: "chi2" },
  { name: "NegativeBinomial2", make: () => new NegativeBinomial2([2, 5], [1.5, 4]), gof: "chi2" },
  { name: "GammaPoisson", make: () => new GammaPoisson([2, 5], [1, 0.5]), gof: "chi2" },
  { name: "BetaBinomial", make: () => new BetaBinomial([2, 0.8], [3, 1.5], [10, 6]), gof: "chi2" },
  { name: "DiscreteUniform", make: () => new DiscreteUniform([0, -2], [4, 3]), gof: "chi2" },
  { name: "ZeroInflatedPoisson", make: () => new ZeroInflatedPoisson([0.2, 0.5], [3, 1]), gof: "chi2" },
  {
    name: "ZeroInflatedNegativeBinomial2",
    make: () => new ZeroInflatedNegativeBinomial2([3, 1], [2, 5], [0.3, 0.1]),
    gof: "chi2",
  },
  {
    name: "HurdleDistribution",
    make: () => new HurdleDistribution(new Poisson([2, 0.5]), [0.3, 0.6]),
    gof: "chi2",
  },
  { name: "Delta", make: () => new Delta([1, 2]), gof: "moments" },
  {
    name: "Dirichlet",
    make: () =>
      new Dirichlet([
        [1, 2, 3],
        [0.5, 0.5, 4],
      ]),
    gof: "moments",
  },
  { name: "Multinomial", make: () => new Multinomial(8, { probs: [0.2, 0.3, 0.5] }), gof: "moments" },
  { name: "DirichletMultinomial", make: () => new DirichletMultinomial([1, 2, 3], 8), gof: "moments" },
  {
    name: "MultivariateNormal",
    make: () =>
      new MultivariateNormal([1, -1], {
        covarianceMatrix: [
          [2, 0.6],
          [0.6, 1],
        ],
      }),
    gof: "moments",
  },
  {
    name: "LowRankMultivariateNormal",
    make: () => new LowRankMultivariateNormal([1, -1, 0], [[1], [0.5], [-1]], [0.5, 1, 2]),
    gof: "moments",
  },
  {
    name: "MultivariateStudentT",
    make: () =>
      new MultivariateStudentT(
        8,
        [1, -1],
        [
          [1.5, 0],
          [0.4, 1],
        ],
      ),
    gof: "moments",
  },
  { name: "GaussianRandomWalk", make: () => new GaussianRandomWalk([1, 2], 4), gof: "moments" },
  {
    name: "LKJCholesky",
    make: () => new LKJCholesky(3, 1.5),
    gof: "moments",
    post: (L) => matmul(L, matT(L)),
    momentsOf: () => new LKJ(3, 1.5),
  },
  { name: "LKJ", make: () => new LKJ(3, 2), gof: "moments" },
  {
    name: "Wishart",
    make: () =>
      new Wishart(5, {
        scaleMatrix: [
          [1, 0.3],
          [0.3, 2],
        ],
      }),
    gof: "moments",
  },
  {
    name: "WishartCholesky",
    make: () =>
      new WishartCholesky(5, {
        scaleMatrix: [
          [1, 0.3],
          [0.3, 2],
        ],
      }),
    gof: "moments",
    post: (L) => matmul(L, matT(L)),
    momentsOf: () =>
      new Wishart(5, {
        scaleMatrix: [
          [1, 0.3],
          [0.3, 2],
        ],
      }),
  },
];
