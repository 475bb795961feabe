/** The runtime generated code runs against: backend-js helpers plus the scalar kernels of @phlox/tensor. */
import { scalarKernels } from "@phlox/tensor";
import { makeRuntime, type Runtime } from "./runtime.js";

let cached: Runtime | null = null;
let extra: Readonly<Record<string, unknown>> = {};

/** The shared runtime object (built once, and again after {@link addRuntimeScalars}). */
export function defaultRuntime(): Runtime {
  if (cached === null) cached = makeRuntime({ ...scalarKernels, ...extra });
  return cached;
}

/**
 * Adds scalar helpers that generated code may call by name (e.g. the engine-independent `pexp`, `plog`, …,
 * added only by the module that defines them, so apps that never use them do not bundle them). Programs
 * loaded afterwards see them.
 */
export function addRuntimeScalars(fns: Readonly<Record<string, unknown>>): void {
  extra = { ...extra, ...fns };
  cached = null;
}
