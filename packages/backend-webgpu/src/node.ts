/**
 * Node entry point: the WebGPU implementation of the `webgpu` npm package (Dawn), Phlox's "node-GPU" path.
 * Kept out of the main entry so browser bundles never see the native module.
 */
import { PhloxError } from "@phlox/tensor";
import type { GpuLike } from "./webgpu.js";

/** The Dawn package's name, in a variable so bundlers do not try to resolve the optional native module. */
const DAWN_MODULE: string = "webgpu";

/**
 * Loads Dawn (the `webgpu` package), installs its WebGPU globals (`GPUBufferUsage`, ...) on `globalThis` and
 * returns its `GPU` object, for `webgpu({ gpu })`. Which Vulkan driver Dawn uses follows the Vulkan loader's
 * environment, e.g. `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` for the CPU (SwiftShader)
 * driver, or the NVIDIA ICD on a GPU host.
 * @param flags - Dawn toggles passed to `create`, e.g. `["enable-dawn-features=allow_unsafe_apis"]`.
 * @returns the `GPU` object (`navigator.gpu` equivalent).
 * @example
 * // nodeGpu comes from the "@phlox/backend-webgpu/node" entry point
 * const be = await webgpu({ gpu: await nodeGpu() });
 * registerBackend(be);
 * // ... sample ...
 * be.destroy(); // releases the device so the Node process can exit
 * @throws PhloxError `webgpu-dawn-missing` when the optional `webgpu` package is not installed.
 */
export async function nodeGpu(flags: readonly string[] = []): Promise<GpuLike> {
  let dawn: { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
  try {
    // Imported only here: `webgpu` (Dawn, a native module) is an optional dependency.
    dawn = (await import(DAWN_MODULE)) as typeof dawn;
  } catch (e) {
    throw new PhloxError(
      "webgpu-dawn-missing",
      `nodeGpu(): the optional dependency "webgpu" (Dawn for Node) could not be loaded ` +
        `(${(e as Error).message}). Install it next to @phlox/backend-webgpu: npm install webgpu@0.3.8. ` +
        "In a browser, call webgpu() without nodeGpu().",
    );
  }
  Object.assign(globalThis, dawn.globals);
  return dawn.create([...flags]);
}
