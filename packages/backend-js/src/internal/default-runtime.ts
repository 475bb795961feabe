/** The runtime generated code runs against: backend-js helpers plus the scalar kernels of @phlox/tensor. */
import { scalarKernels } from "@phlox/tensor";
import { makeRuntime, type Runtime } from "./runtime.js";

let cached: Runtime | null = null;

/** The shared runtime object (built once). */
export function defaultRuntime(): Runtime {
  if (cached === null) cached = makeRuntime({ ...scalarKernels });
  return cached;
}
