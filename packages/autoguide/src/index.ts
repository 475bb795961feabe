export {
  AutoBatchedLowRankMultivariateNormal,
  type AutoBatchedLowRankOptions,
  AutoBatchedMultivariateNormal,
  type AutoBatchedOptions,
} from "./auto-batched.js";
export { AutoBNAFNormal, type AutoBNAFNormalOptions } from "./auto-bnaf-normal.js";
export {
  AutoContinuous,
  type AutoGuideOptions,
  type LatentSite,
  type LatentTransform,
  type SamplePosteriorOptions,
} from "./auto-continuous.js";
export { AutoDAIS, type AutoDAISOptions } from "./auto-dais.js";
export { AutoDelta } from "./auto-delta.js";
export { AutoGuideList } from "./auto-guide-list.js";
export { AutoIAFNormal, type AutoIAFNormalOptions } from "./auto-iaf-normal.js";
export {
  AutoLaplaceApproximation,
  type AutoLaplaceOptions,
  finiteDifferenceHessian,
} from "./auto-laplace-approximation.js";
export {
  AutoLowRankMultivariateNormal,
  type AutoLowRankOptions,
  AutoMultivariateNormal,
  type LatentGaussian,
} from "./auto-multivariate-normal.js";
export { AutoDiagonalNormal, AutoNormal } from "./auto-normal.js";
export { AutoSemiDAIS, type AutoSemiDAISOptions, type SemiDAISSampleOptions } from "./auto-semi-dais.js";
export { AutoSurrogateLikelihoodDAIS } from "./auto-surrogate-likelihood-dais.js";
export { NeuTraReparam } from "./neutra-reparam.js";
