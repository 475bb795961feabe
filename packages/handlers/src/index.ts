export { cond } from "./control-flow/cond.js";
export { type ModelScanOptions, scan } from "./control-flow/scan.js";
export {
  addScanHandler,
  CONTROL_FLOW,
  isScannedSite,
  type ScanHandlerFactory,
  type ScanStepContext,
  stepValue,
} from "./control-flow/scan-context.js";
export { ScannedDistribution } from "./control-flow/scanned-distribution.js";
export { defineHandler, type HandlerFactory } from "./define-handler.js";
export { configEnumerate, type EnumerateStrategy } from "./enum/config-enumerate.js";
export {
  type EnumDim,
  type EnumerateOptions,
  EnumMessenger,
  enumerate,
  isEnumerated,
} from "./enum/enumerate.js";
export { type MarkovFrame, MarkovMessenger, type MarkovOptions, markov } from "./enum/markov.js";
export type { ScanEnumChain, ScanEnumInfo, ScanEnumReducer } from "./enum/scan-enum.js";
export { Block, type BlockOptions, block } from "./handlers/block.js";
export { Condition, condition } from "./handlers/condition.js";
export { Do, intervene, intervene as do } from "./handlers/do.js";
export { InferConfigMessenger, inferConfig } from "./handlers/infer-config.js";
export { Lift, lift } from "./handlers/lift.js";
export { Mask, mask } from "./handlers/mask.js";
export {
  type Reparam,
  type ReparamConfig,
  ReparamMessenger,
  type ReparamResult,
  reparam,
} from "./handlers/reparam.js";
export { Replay, replay } from "./handlers/replay.js";
export { Scale, scale } from "./handlers/scale.js";
export { Scope, type ScopeOptions, scope } from "./handlers/scope.js";
export { Seed, type SeedOptions, seed } from "./handlers/seed.js";
export { type SiteValues, Substitute, substitute } from "./handlers/substitute.js";
export { type Trace, type TracedModel, TraceMessenger, trace } from "./handlers/trace.js";
export { Uncondition, uncondition } from "./handlers/uncondition.js";
export { HandlerError } from "./internal/errors.js";
export {
  type CondIndepStackFrame,
  type InferConfig,
  Message,
  type MessageType,
  type ParamInit,
} from "./message.js";
export { Messenger } from "./messenger.js";
export type { Model, ModelArgs, ModelCallArgs, ModelSites } from "./model.js";
export { deterministic } from "./primitives/deterministic.js";
export { factor } from "./primitives/factor.js";
export { type ParamOptions, param } from "./primitives/param.js";
export { getMask, Plate, type PlateOptions, plate, plateStack } from "./primitives/plate.js";
export { prngKey } from "./primitives/prng-key.js";
export { type SampleOptions, sample } from "./primitives/sample.js";
export { subsample } from "./primitives/subsample.js";
export { applyStack, defaultProcessMessage, stackIsEmpty } from "./stack.js";
