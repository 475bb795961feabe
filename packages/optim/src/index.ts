export { Adagrad, type AdagradOptions, SM3 } from "./adagrad.js";
export {
  Adam,
  type AdamOptions,
  AdamW,
  type AdamWOptions,
  ClippedAdam,
  type ClippedAdamOptions,
} from "./adam.js";
export { OptimError, type OptimErrorCode } from "./errors.js";
export {
  Minimize,
  type MinimizeOptions,
  type MinimizeResult,
  minimize,
  type ObjectiveFn,
} from "./minimize.js";
export {
  allFinite,
  GradientOptimizer,
  type Optimizer,
  type OptState,
  type OptStateJSON,
  optStateFromJSON,
  optStateToJSON,
  stableUpdate,
} from "./optimizer.js";
export { RMSProp, RMSPropMomentum, type RMSPropMomentumOptions, type RMSPropOptions } from "./rmsprop.js";
export {
  type CosineDecayOptions,
  constant,
  cosineDecay,
  exponentialDecay,
  inverseTimeDecay,
  makeSchedule,
  piecewiseConstant,
  polynomialDecay,
  type Schedule,
  type StepSize,
} from "./schedules.js";
export { Momentum, SGD } from "./sgd.js";
