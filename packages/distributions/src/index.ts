// Base class, meta-distributions built into it, validation switch

// Transforms and the bijectTo registry
export { bijectTo, type TransformFactory } from "./bijectTo.js";
export {
  boolean,
  Constraint,
  CorrCholesky,
  CorrMatrix,
  circular,
  corrCholesky,
  corrMatrix,
  Dependent,
  dependent,
  GreaterThan,
  GreaterThanEq,
  greaterThan,
  greaterThanEq,
  IndependentConstraint,
  IntegerGreaterThan,
  IntegerInterval,
  Interval,
  independent,
  integerGreaterThan,
  integerInterval,
  interval,
  LessThan,
  LessThanEq,
  LowerCholesky,
  lessThan,
  lessThanEq,
  lowerCholesky,
  MultinomialConstraint,
  multinomial,
  nonnegative,
  nonnegativeInteger,
  OpenInterval,
  OrderedVector,
  openInterval,
  orderedVector,
  PositiveDefinite,
  PositiveOrderedVector,
  PositiveSemidefinite,
  positive,
  positiveDefinite,
  positiveInteger,
  positiveOrderedVector,
  positiveSemidefinite,
  real,
  realMatrix,
  realVector,
  ScaledUnitLowerCholesky,
  Simplex,
  SoftplusLowerCholesky,
  SoftplusPositive,
  Sphere,
  scaledUnitLowerCholesky,
  simplex,
  softplusLowerCholesky,
  softplusPositive,
  sphere,
  unitInterval,
} from "./constraints/constraint.js";
export { L1Ball, l1Ball } from "./constraints/l1-ball.js";
// Constraints
export {
  PositiveDefiniteCirculantVector,
  positiveDefiniteCirculantVector,
} from "./constraints/positive-definite-circulant-vector.js";
export { ZeroSum, zeroSum } from "./constraints/zero-sum.js";
export { AsymmetricLaplace } from "./continuous/asymmetric-laplace.js";
export { AsymmetricLaplaceQuantile } from "./continuous/asymmetric-laplace-quantile.js";
// Continuous
export { Beta } from "./continuous/beta.js";
export { BetaProportion } from "./continuous/beta-proportion.js";
export { Cauchy } from "./continuous/cauchy.js";
export { Chi2 } from "./continuous/chi2.js";
export { Dagum } from "./continuous/dagum.js";
export { DoublyTruncatedPowerLaw } from "./continuous/doubly-truncated-power-law.js";
export { Exponential } from "./continuous/exponential.js";
export { Gamma } from "./continuous/gamma.js";
export { Gompertz } from "./continuous/gompertz.js";
export { Gumbel } from "./continuous/gumbel.js";
export { HalfCauchy } from "./continuous/half-cauchy.js";
export { HalfNormal } from "./continuous/half-normal.js";
export { InverseGamma } from "./continuous/inverse-gamma.js";
export { Kumaraswamy } from "./continuous/kumaraswamy.js";
export { Laplace } from "./continuous/laplace.js";
export { Levy } from "./continuous/levy.js";
export { LogNormal } from "./continuous/log-normal.js";
export { LogUniform } from "./continuous/log-uniform.js";
export { Logistic } from "./continuous/logistic.js";
export { LowerTruncatedPowerLaw } from "./continuous/lower-truncated-power-law.js";
export { Normal } from "./continuous/normal.js";
export { Pareto } from "./continuous/pareto.js";
export { SoftLaplace } from "./continuous/soft-laplace.js";
export { StudentT } from "./continuous/student-t.js";
export { TruncatedPolyaGamma } from "./continuous/truncated-polya-gamma.js";
export { Uniform } from "./continuous/uniform.js";
export { logI0, VonMises } from "./continuous/von-mises.js";
export { Weibull } from "./continuous/weibull.js";
// Discrete
export { Bernoulli } from "./discrete/bernoulli.js";
export { BetaBinomial } from "./discrete/beta-binomial.js";
export { BetaNegativeBinomial } from "./discrete/beta-negative-binomial.js";
export { Binomial } from "./discrete/binomial.js";
export { Categorical } from "./discrete/categorical.js";
export { DiscreteUniform } from "./discrete/discrete-uniform.js";
export { GammaPoisson } from "./discrete/gamma-poisson.js";
export { Geometric } from "./discrete/geometric.js";
export { NegativeBinomial } from "./discrete/negative-binomial.js";
export { NegativeBinomial2 } from "./discrete/negative-binomial2.js";
export { OrderedLogistic } from "./discrete/ordered-logistic.js";
export { Poisson } from "./discrete/poisson.js";
export {
  Distribution,
  type DistributionClass,
  type DistributionOptions,
  ExpandedDistribution,
  enableValidation,
  Independent,
  MaskedDistribution,
} from "./distribution.js";
export type { ProbsOrLogits, WithProbsOrLogits } from "./internal/bernoulli-helpers.js";
export type { SparseAdjacency } from "./internal/sparse-adjacency.js";
export type { TruncationBounds } from "./internal/truncated-helpers.js";
export type { WishartScale } from "./internal/wishart-helpers.js";
// KL divergence
export { type KLFn, klDivergence, registerKL } from "./kl.js";
// Meta
export { Delta } from "./meta/delta.js";
export { FoldedDistribution } from "./meta/folded-distribution.js";
export { type CopulaCorrelation, GaussianCopula } from "./meta/gaussian-copula.js";
export { GaussianCopulaBeta } from "./meta/gaussian-copula-beta.js";
export { HurdleDistribution } from "./meta/hurdle-distribution.js";
export { ImproperUniform } from "./meta/improper-uniform.js";
export { IntervalCensoredDistribution } from "./meta/interval-censored-distribution.js";
export { LeftCensoredDistribution } from "./meta/left-censored-distribution.js";
export { Mixture } from "./meta/mixture.js";
export { MixtureGeneral, type MixtureGeneralOptions } from "./meta/mixture-general.js";
export { MixtureSameFamily } from "./meta/mixture-same-family.js";
export { RelaxedBernoulli } from "./meta/relaxed-bernoulli.js";
export { RightCensoredDistribution } from "./meta/right-censored-distribution.js";
export { SineSkewed } from "./meta/sine-skewed.js";
export { TransformedDistribution } from "./meta/transformed-distribution.js";
export { TruncatedCauchy } from "./meta/truncated-cauchy.js";
export { TruncatedDistribution } from "./meta/truncated-distribution.js";
export { TruncatedNormal } from "./meta/truncated-normal.js";
export { Unit } from "./meta/unit.js";
export { ZeroInflatedDistribution } from "./meta/zero-inflated-distribution.js";
export { ZeroInflatedNegativeBinomial2 } from "./meta/zero-inflated-negative-binomial2.js";
export { ZeroInflatedPoisson } from "./meta/zero-inflated-poisson.js";
// Multivariate
export { CAR, type CAROptions } from "./multivariate/car.js";
export { type CirculantCovariance, CirculantNormal } from "./multivariate/circulant-normal.js";
export { Dirichlet } from "./multivariate/dirichlet.js";
export { DirichletMultinomial } from "./multivariate/dirichlet-multinomial.js";
export { EulerMaruyama, type SdeFn } from "./multivariate/euler-maruyama.js";
export { GaussianRandomWalk } from "./multivariate/gaussian-random-walk.js";
export { GaussianStateSpace } from "./multivariate/gaussian-state-space.js";
export { InverseWishart } from "./multivariate/inverse-wishart.js";
export { InverseWishartCholesky } from "./multivariate/inverse-wishart-cholesky.js";
export { LKJ } from "./multivariate/lkj.js";
export { LKJCholesky } from "./multivariate/lkj-cholesky.js";
export { LowRankMultivariateNormal } from "./multivariate/low-rank-multivariate-normal.js";
export { MatrixNormal } from "./multivariate/matrix-normal.js";
export { Multinomial } from "./multivariate/multinomial.js";
export { MultivariateStudentT } from "./multivariate/multivariate-student-t.js";
export { choleskyOfInverse, MultivariateNormal, type MVNScale, trilInverse } from "./multivariate/mvn.js";
export { ProjectedNormal } from "./multivariate/projected-normal.js";
export { SineBivariateVonMises, type SineCorrelation } from "./multivariate/sine-bivariate-von-mises.js";
export { Wishart } from "./multivariate/wishart.js";
export { WishartCholesky } from "./multivariate/wishart-cholesky.js";
export { ZeroSumNormal } from "./multivariate/zero-sum-normal.js";
export { AbsTransform } from "./transforms/abs.js";
export {
  AffineTransform,
  ExpTransform,
  PowerTransform,
  SigmoidTransform,
  SoftplusTransform,
  TanhTransform,
} from "./transforms/elementwise.js";
export { PackRealFastFourierCoefficientsTransform, RealFastFourierTransform } from "./transforms/fft.js";
export {
  type AutoregressiveFn,
  type BlockAutoregressiveFn,
  BlockNeuralAutoregressiveTransform,
  type InverseAutoregressiveOptions,
  InverseAutoregressiveTransform,
} from "./transforms/flows.js";
export { L1BallTransform } from "./transforms/l1-ball.js";
export { RecursiveLinearTransform } from "./transforms/recursive-linear.js";
export { SimplexToOrderedTransform } from "./transforms/simplex-to-ordered.js";
export { CorrCholeskyTransform, StickBreakingTransform } from "./transforms/stick-breaking.js";
export {
  CholeskyTransform,
  CorrMatrixCholeskyTransform,
  LowerCholeskyAffine,
  LowerCholeskyTransform,
  OrderedTransform,
  PermuteTransform,
  ReshapeTransform,
  ScaledUnitLowerCholeskyTransform,
  SoftplusLowerCholeskyTransform,
} from "./transforms/structured.js";
export {
  ComposeTransform,
  IdentityTransform,
  IndependentTransform,
  InverseTransform,
  Transform,
} from "./transforms/transform.js";
export { trilToVec, vecToTril } from "./transforms/tril.js";
export { type TensorTree, UnpackTransform } from "./transforms/unpack.js";
export { ZeroSumTransform } from "./transforms/zero-sum.js";
