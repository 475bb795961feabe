export {
  ChainRandom,
  type ChainRandomState,
  type KeyLike,
  type KeyPair,
  splitKey,
  threefry2x32,
  toKeyPair,
} from "@phlox/tensor";
export {
  type AdaptWindow,
  buildAdaptationSchedule,
  type DualAveraging,
  type DualAveragingOptions,
  type DualAveragingState,
  dualAveraging,
  type WelfordCovariance,
  type WelfordState,
  welfordCovariance,
} from "./adaptation/index.js";
// Kernels beyond HMC/NUTS (SA, BarkerMH, RandomWalkMH, AIES, ESS).
export { AIES, type AIESMove, type AIESOptions, type DEMove, type StretchMove } from "./aies.js";
export { BarkerMH, type MHOptions, type MHState, type MHStateJSON, RandomWalkMH } from "./barker.js";
export {
  type CombineOptions,
  ConsensusError,
  consensus,
  type Draws,
  type DrawsInput,
  type FlatSite,
  type ParametricResult,
  parametric,
  parametricDraws,
} from "./consensus.js";
export { DiscreteHMCGibbs, type DiscreteHMCGibbsOptions } from "./discrete-hmc-gibbs.js";
export type { EnsembleOptions, WalkerState, WalkerStateJSON } from "./ensemble.js";
export { ESS, type ESSMove, type ESSOptions } from "./ess.js";
export {
  type AdaptState,
  type AsyncPotentialFn,
  type HMCCore,
  type HMCOptions,
  type HMCState,
  type HMCStateJSON,
  hmc,
  hmcStateFromJSON,
  hmcStateToJSON,
  type PotentialFn,
} from "./hmc.js";
export {
  type GibbsFn,
  HMCGibbs,
  type HMCGibbsOptions,
  type HMCGibbsState,
  type HMCGibbsStateJSON,
} from "./hmc-gibbs.js";
export {
  HMC,
  type Model,
  type ModelKernelOptions,
  type ModelPotential,
  type ModelPotentialFactory,
  NUTS,
  type PotentialKernelOptions,
} from "./hmc-kernel.js";
export { HMCECS, type HMCECSOptions, type HMCECSState, type TaylorProxy, taylorProxy } from "./hmcecs.js";
export type { Kernel, KernelInitArgs, SiteLayout, SiteValue, WorkerPotentialSpec } from "./kernel.js";
export {
  ChainError,
  type ChainProgress,
  type ChainStates,
  MCMC,
  type MCMCOptions,
  type RunArgs,
  type RunWarning,
} from "./mcmc.js";
export { MixedHMC, type MixedHMCOptions } from "./mixed-hmc.js";
export type {
  KernelWorkerPayload,
  ModelSource,
  PotentialSource,
  WorkerKernelKind,
} from "./potential-kernel.js";
export { RunOptions, type RunOptionsInit, runOptions } from "./run-options.js";
export { SA, type SAOptions, type SAState } from "./sa.js";
export {
  type DataArray,
  PriorScale,
  ShardError,
  type SubposteriorOptions,
  type SubposteriorResult,
  sampleSubposterior,
  sampleSubposteriors,
  shardData,
  shardKey,
  subposteriorModel,
} from "./subposterior.js";
export { buildHMCWorkerKernel, type HMCWorkerPayload } from "./worker-kernel.js";
export { buildWorkerKernel } from "./worker-kernels.js";
export {
  buildModelWorkerKernel,
  type KernelModuleSpec,
  type ModelKernelWorkerPayload,
} from "./worker-model-kernel.js";
