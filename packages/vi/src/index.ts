export {
  Adagrad,
  Adam,
  AdamW,
  ClippedAdam,
  constant,
  cosineDecay,
  exponentialDecay,
  inverseTimeDecay,
  Minimize,
  Momentum,
  minimize,
  type Optimizer,
  type OptState,
  optStateFromJSON,
  optStateToJSON,
  piecewiseConstant,
  polynomialDecay,
  RMSProp,
  RMSPropMomentum,
  SGD,
  SM3,
  stableUpdate,
} from "@phlox/optim";
export {
  averagedObjective,
  type ELBO,
  type ELBOOptions,
  type Objective,
  TraceELBO,
  TraceEnumELBO,
  TraceGraphELBO,
  TraceMeanFieldELBO,
} from "./elbo.js";
export { FunctionGuide, type FunctionGuideOptions, type GuideFn } from "./function-guide.js";
export {
  type Guide,
  type GuideSetup,
  isPotentialModel,
  type Params,
  type ParamValue,
  type ParticleMode,
  type PotentialModel,
} from "./guide.js";
export { type ParamsLike, paramValues } from "./params.js";
export {
  importanceLogWeights,
  type PsisDiagnosticOptions,
  paretoKHat,
  psisDiagnostic,
} from "./psis-diagnostic.js";
export { fillNormal, foldIn, type KeyLike, splitInPlace, toKeyPair } from "./random.js";
export { RenyiELBO, type RenyiELBOOptions } from "./renyi-elbo.js";
export {
  isSVIRunOptions,
  SVI,
  type SVIOptions,
  type SVIRunOptions,
  type SVIRunResult,
  type SVIState,
} from "./svi.js";
export type { AsyncObjective } from "./svi-device.js";
export {
  type SamplingGuide,
  type VsbcOptions,
  type VsbcResult,
  vsbcDiagnostic,
} from "./vsbc-diagnostic.js";
