export { randomBitsKernel } from "./random-bits-wgsl.js";
export type { TfHandle } from "./shared/handles.js";
export { disposeTensors, scope } from "./shared/handles.js";
export type { BackendJitted } from "./shared/program.js";
export { jitOnBackend } from "./shared/program.js";
export type { TfjsBackend } from "./shared/tfjs-backend.js";
export type { GpuAdapterLike, GpuLike, WebGpuBackend, WebGpuOptions } from "./webgpu.js";
export { webgpu } from "./webgpu.js";
