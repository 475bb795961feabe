export type { BackendJitted, FallbackMode, TfHandle, TfjsBackend } from "@phlox/backend-tfjs";
export { disposeTensors, jitOnBackend, programCompiler, scope } from "@phlox/backend-tfjs";
export type { WasmOptions } from "./wasm.js";
export { wasm, wasmHasSimd } from "./wasm.js";
