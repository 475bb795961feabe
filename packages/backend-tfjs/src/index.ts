export { compositeKernels, trigKernels } from "./composites.js";
export type { TfHandle, TfTensor } from "./handles.js";
export { disposeTensors, isHandle, scope } from "./handles.js";
export type { KernelSpec } from "./kernels.js";
export { kernels } from "./kernels.js";
export type { BackendJitted } from "./program.js";
export { jitOnBackend, programCompiler } from "./program.js";
export type { FallbackMode, TfjsBackend, TfjsBackendOptions } from "./tfjs-backend.js";
export { createTfjsBackend } from "./tfjs-backend.js";
