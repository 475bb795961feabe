// Phlox in one import. Everything here is a re-export; each package's own README documents its part.
// Where two packages export the same name, the explicit exports below choose one (the star exports of the
// other are shadowed): model-level `cond`/`scan` and the `Trace` of a model run from @phlox/handlers; PRNG
// helpers, `DType`, `NestedArray` and `TensorLike` from @phlox/tensor; `Model`, `SiteValue` and the potential types from
// @phlox/infer; `Draws` and `DrawsInput` from @phlox/diagnostics. @phlox/nn is the namespace `nn` (its generic names —
// `Module`, `identity`, `initializers`, the activations — stay out of the top level), with its three model-level
// functions also at the top level.
export * from "@phlox/arviz-io";
export * from "@phlox/autoguide";
export { useJsCompiler } from "@phlox/backend-js";
export type { Draws, DrawsInput } from "@phlox/diagnostics";
export * from "@phlox/diagnostics";
export * as dist from "@phlox/distributions";
export * from "@phlox/handlers";
export { cond, scan, type Trace } from "@phlox/handlers";
export type { Model, SiteLayout, SiteValue, WorkerPotentialSpec } from "@phlox/infer";
export * from "@phlox/infer";
export * from "@phlox/mcmc";
export * as nn from "@phlox/nn";
export { moduleParams, nnModule, randomModule } from "@phlox/nn";
export * as optim from "@phlox/optim";
export * from "@phlox/tensor";
export {
  ChainRandom,
  type DType,
  foldIn,
  type NestedArray,
  splitKey,
  type TensorLike,
  threefry2x32,
  toKeyPair,
} from "@phlox/tensor";
export * from "@phlox/vi";
