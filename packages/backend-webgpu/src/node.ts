/**
 * Node entry point: the WebGPU implementation of the `webgpu` npm package (Dawn), Phlox's "node-GPU" path.
 * Kept out of the main entry so browser bundles never see the native module.
 */
import type { GpuLike } from "./webgpu.js";

/**
 * Loads Dawn (the `webgpu` package), installs its WebGPU globals (`GPUBufferUsage`, ...) on `globalThis` and
 * returns its `GPU` object, for `webgpu({ gpu })`. Which Vulkan driver Dawn uses follows the Vulkan loader's
 * environment, e.g. `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` for the CPU (SwiftShader)
 * driver, or the NVIDIA ICD on a GPU host.
 * @param flags - Dawn toggles passed to `create`, e.g. `["enable-dawn-features=allow_unsafe_apis"]`.
 * @returns the `GPU` object (`navigator.gpu` equivalent).
 * @example
 * // nodeGpu comes from the "@phlox/backend-webgpu/node" entry point
 * registerBackend(await webgpu({ gpu: await nodeGpu() }));
 */
export async function nodeGpu(flags: readonly string[] = []): Promise<GpuLike> {
  const dawn = (await import("webgpu")) as unknown as {
    create(flags: string[]): GpuLike;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, dawn.globals);
  return dawn.create([...flags]);
}
