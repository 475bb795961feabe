export {
  elu,
  gelu,
  identity,
  leakyRelu,
  relu,
  sigmoid,
  silu,
  softplus,
  tanh,
} from "./activations.js";
export { Dense, type DenseOptions, type DenseParams } from "./dense.js";
export { Embedding, type EmbeddingOptions, type EmbeddingParams } from "./embedding.js";
export { ModuleError } from "./errors.js";
export * as initializers from "./initializers.js";
export { LayerNorm, type LayerNormOptions, type LayerNormParams } from "./layer-norm.js";
export {
  Activation,
  asModule,
  type Initializer,
  type Layer,
  type Module,
  type ModuleSpec,
  type OutputShape,
  ParamSpec,
  type ParamTree,
  type SpecTree,
  type TensorFn,
} from "./module.js";
export {
  type ModulePrior,
  moduleParams,
  type NNModuleOptions,
  nnModule,
  type ParamValueLike,
  paramSiteName,
  randomModule,
  sampleSiteName,
} from "./nn-module.js";
export { type Head, Parallel, type ParallelOutput } from "./parallel.js";
export { flattenParams, flattenSpecs, initParams, unflattenParams } from "./params.js";
export { Sequential } from "./sequential.js";
