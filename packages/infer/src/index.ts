export { availableThreads, disposeThreads, getThreads, setThreads, threadsReady } from "@phlox/backend-js";
export {
  type DeviceModel,
  type DevicePotentialFn,
  type DevicePotentialInterceptor,
  devicePotential,
  interceptDevicePotentials,
  isDeviceBackend,
  withModelBackend,
} from "./device-potential.js";
export {
  type ContractMode,
  type Elimination,
  type Factor,
  type LabelOrder,
  sumProduct,
} from "./enum/contract.js";
export { type EnumLogDensityOptions, enumLogDensity, maxPlateNesting } from "./enum/enum-log-density.js";
export { type InferDiscreteOptions, inferDiscrete } from "./enum/infer-discrete.js";
export {
  type InitStrategy,
  initToFeasible,
  initToMean,
  initToMedian,
  initToSample,
  initToUniform,
  initToValue,
} from "./initialization.js";
export {
  type GibbsLayout,
  type GibbsSitesInfo,
  type InitializeModelOptions,
  initializeModel,
  loadPotential,
  type ModelInfo,
  type SiteLayout,
  type WorkerPotentialSpec,
} from "./initialize-model.js";
export { computeLogProbs, type LogDensityResult, logDensity, siteLogProb } from "./log-density.js";
export { constrainFn, getTransforms, potentialEnergy, transformFn, unconstrainFn } from "./potential.js";
export { logLikelihood, Predictive, type PredictiveOptions } from "./predictive.js";
export {
  formatDuration,
  ProgressDisplay,
  type ProgressDisplayOptions,
  type ProgressRow,
  type ProgressStream,
} from "./progress-display.js";
export { CircularReparam } from "./reparam/circular.js";
export { ExplicitReparam } from "./reparam/explicit.js";
export { LocScaleReparam } from "./reparam/loc-scale.js";
export { ProjectedNormalReparam } from "./reparam/projected-normal.js";
export { TransformReparam } from "./reparam/transform.js";
export { type Model, type SiteValue, siteTensor, toSiteValue } from "./site-values.js";
