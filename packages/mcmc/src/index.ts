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
  HMC,
  type Model,
  type ModelKernelOptions,
  type ModelPotential,
  type ModelPotentialFactory,
  NUTS,
  type PotentialKernelOptions,
} from "./hmc-kernel.js";
export type { Kernel, KernelInitArgs, SiteLayout, SiteValue, WorkerPotentialSpec } from "./kernel.js";
export {
  ChainError,
  type ChainProgress,
  type ChainStates,
  MCMC,
  type MCMCOptions,
  type RunWarning,
} from "./mcmc.js";
export { RunOptions, type RunOptionsInit, runOptions } from "./run-options.js";
export { buildHMCWorkerKernel, type HMCWorkerPayload } from "./worker-kernel.js";
