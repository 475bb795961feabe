/**
 * Test support: finds out whether this machine has a WebGPU adapter in Node (Dawn), defaulting the Vulkan
 * driver to Chromium's SwiftShader when it is installed and nothing else was chosen.
 */
import { existsSync } from "node:fs";

/** The SwiftShader Vulkan driver that Debian's `chromium` package ships. */
export const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** Result of {@link probeNodeWebGpu}. */
export interface GpuProbe {
  readonly ok: boolean;
  /** Why there is no adapter (empty when ok). */
  readonly reason: string;
  /** The Vulkan ICD file in use, if any. */
  readonly icd: string | null;
}

/**
 * Points the Vulkan loader at SwiftShader when `VK_ICD_FILENAMES`/`VK_DRIVER_FILES` are unset and the file
 * exists, then asks Dawn for an adapter.
 * @returns whether an adapter exists, and why not.
 * @example
 * const probe = await probeNodeWebGpu(); if (probe.ok) ...
 */
export async function probeNodeWebGpu(): Promise<GpuProbe> {
  if (
    process.env.VK_ICD_FILENAMES === undefined &&
    process.env.VK_DRIVER_FILES === undefined &&
    existsSync(SWIFTSHADER_ICD)
  )
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const icd = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES ?? null;
  try {
    const { nodeGpu } = await import("./node.js");
    const gpu = await nodeGpu();
    const adapter = await gpu.requestAdapter();
    if (adapter === null)
      return {
        ok: false,
        reason: `Dawn found no adapter (Vulkan ICD: ${icd ?? "none set"}; is libvulkan1 installed?)`,
        icd,
      };
    return { ok: true, reason: "", icd };
  } catch (e) {
    return { ok: false, reason: `loading Dawn failed: ${(e as Error).message}`, icd };
  }
}
