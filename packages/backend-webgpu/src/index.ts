export type { BackendJitted, TfHandle, TfjsBackend } from "@phlox/backend-tfjs";
export { disposeTensors, jitOnBackend, scope } from "@phlox/backend-tfjs";
export { randomBitsKernel } from "./random-bits-wgsl.js";
export type { GpuAdapterLike, GpuLike, WebGpuBackend, WebGpuOptions } from "./webgpu.js";
export { webgpu } from "./webgpu.js";
