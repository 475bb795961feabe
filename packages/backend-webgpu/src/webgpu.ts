/**
 * `webgpu()`: the WebGPU backend (tfjs-backend-webgpu kernels, float32, asynchronous read-back), created by an
 * explicit call. In browsers it uses `navigator.gpu`; in Node pass `{ gpu: await nodeGpu() }` from
 * `@phlox/backend-webgpu/node` (Dawn through the `webgpu` package).
 */

import { compositeKernels, createTfjsBackend, type TfjsBackend, trigKernels } from "@phlox/backend-tfjs";
import { PhloxError, type Program } from "@phlox/tensor";
import * as tf from "@tensorflow/tfjs-core";
import { fusedKernel } from "./fused-kernel.js";
import { fuseProgram } from "./fusion.js";
import { fuseMatvecs, fuseReductions } from "./fusion-reduce.js";
import { randomBitsKernel } from "./random-bits-wgsl.js";

/** The parts of the WebGPU `GPU` object this package uses. */
export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: "low-power" | "high-performance";
  }): Promise<GpuAdapterLike | null>;
}
/** The parts of a `GPUAdapter` this package uses. */
export interface GpuAdapterLike {
  readonly limits: Record<string, unknown>;
  readonly info?: unknown;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<unknown>;
}

/** Options of {@link webgpu}. */
export interface WebGpuOptions {
  /** The WebGPU entry point (default `navigator.gpu`); in Node, `await nodeGpu()`. */
  readonly gpu?: GpuLike;
  /** Adapter preference (default `"high-performance"`). */
  readonly powerPreference?: "low-power" | "high-performance";
  /** Phlox backend name (default `"webgpu"`). */
  readonly name?: string;
  /**
   * Elementwise fusion in `compile` (`jitOnBackend`, `jit`): chains of elementwise equations run as one generated
   * WGSL program each instead of one tfjs kernel per equation. Default true; `false` runs one kernel per equation.
   */
  readonly fuse?: boolean;
  /**
   * With `fuse`: also move matrix–vector products into the fused groups that read them and turn full sums of
   * fused groups into one workgroup-reduction program each (`src/fusion-reduce.ts`). Default true.
   */
  readonly fuseReductions?: boolean;
}

/** Information about the backend's adapter, for logs and benchmarks. */
export interface WebGpuBackend extends TfjsBackend {
  /** The adapter's `info` (vendor, architecture, device, description) when the implementation exposes it. */
  readonly adapterInfo: unknown;
  /** Whether `compile` fuses elementwise chains (the `fuse` option). */
  readonly fuse: boolean;
  /**
   * Releases the GPU: frees this backend's tfjs buffers and destroys the `GPUDevice` once every backend created
   * on it is destroyed. In Node, Dawn keeps the process alive while a device exists, so call this when done
   * (or the process never exits). Idempotent. Afterwards every operation on this backend throws a
   * `PhloxError` with code `webgpu-destroyed`; create a new one with {@link webgpu} if needed.
   */
  destroy(): void;
  /** Whether {@link WebGpuBackend.destroy} was called. */
  readonly destroyed: boolean;
}

/** The `GPUDevice` methods this package uses directly. */
interface DeviceLike {
  destroy?(): void;
}

/**
 * tfjs-backend-webgpu is one global backend on one device: later `webgpu()` calls share it. The device is
 * destroyed when the last Phlox backend on it is.
 */
let shared: { device: DeviceLike; users: number } | undefined;

const LIMITS = [
  "maxComputeWorkgroupStorageSize",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupSizeX",
  "maxComputeInvocationsPerWorkgroup",
];

/**
 * Requests a WebGPU adapter and device, initialises tfjs-backend-webgpu on them and returns a Phlox backend.
 * Every primitive has a device kernel: tfjs kernels, compositions of them (lgamma, digamma, polygamma, erfc,
 * ndtri, cholesky, triangularSolve; sin, cos and tan for accuracy) and a WGSL threefry program (randomBits).
 * Compiled programs (`jitOnBackend`) fuse elementwise chains into generated WGSL unless `fuse: false`. Nothing is
 * registered: pass the result to `registerBackend`, then `setBackend("webgpu")`. Read computed values with
 * `await x.data()`.
 * @param options - the `gpu` entry point (Node), power preference, name, `fuse` (default true).
 * @returns the backend (float64 tensors are stored and computed as float32).
 * @throws PhloxError `webgpu-unavailable` (no `navigator.gpu` and no `gpu` option), `webgpu-no-adapter` (the
 *   implementation found no adapter: in Node check `VK_ICD_FILENAMES`/the Vulkan driver).
 * @example
 * registerBackend(await webgpu()); // browser
 * setBackend("webgpu");
 * await tensor([1, 2]).exp().data(); // → Float64Array [2.718281..., 7.389056...] (float32 precision)
 */
export async function webgpu(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  const gpu = options.gpu ?? nav?.gpu;
  if (gpu === undefined)
    throw new PhloxError(
      "webgpu-unavailable",
      "webgpu(): no WebGPU here (navigator.gpu is undefined). In a browser enable WebGPU; in Node pass " +
        "{ gpu: await nodeGpu() } (nodeGpu is exported by @phlox/backend-webgpu/node).",
    );
  // tfjs-backend-webgpu checks navigator.gpu when its backend is constructed.
  if (nav === undefined) (globalThis as { navigator?: unknown }).navigator = { gpu };
  else if (nav.gpu === undefined) Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });

  const adapter = await gpu.requestAdapter({
    powerPreference: options.powerPreference ?? "high-performance",
  });
  if (adapter === null)
    throw new PhloxError(
      "webgpu-no-adapter",
      "webgpu(): requestAdapter() returned null: no usable GPU adapter. In Node, check that a Vulkan driver is " +
        "installed (libvulkan1) and VK_ICD_FILENAMES points at it, e.g. /usr/lib/chromium/vk_swiftshader_icd.json.",
    );
  const mod = await import("@tensorflow/tfjs-backend-webgpu");
  const Ctor = mod.WebGPUBackend as unknown as new (device: unknown, info?: unknown) => tf.KernelBackend;
  // (tf.findBackend would start initialising tfjs's own auto-registered factory, so look at the registry.)
  const initialised = "webgpu" in (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  if (!initialised || shared === undefined) {
    const requiredLimits: Record<string, number> = {};
    for (const k of LIMITS) {
      const v = adapter.limits[k];
      if (typeof v === "number") requiredLimits[k] = v;
    }
    const device = (await adapter.requestDevice({ requiredLimits })) as DeviceLike;
    if (tf.findBackendFactory("webgpu") !== null) tf.removeBackend("webgpu");
    tf.registerBackend("webgpu", () => new Ctor(device, adapter.info), 0);
    shared = { device, users: 0 };
  }
  if (!(await tf.setBackend("webgpu")))
    throw new PhloxError("webgpu-init", "webgpu(): tfjs-backend-webgpu failed to initialise on this device.");
  const onDevice = shared;
  onDevice.users++;
  const be = createTfjsBackend({
    name: options.name ?? "webgpu",
    tfBackend: "webgpu",
    syncRead: false,
    extraKernels: [...compositeKernels, ...trigKernels, randomBitsKernel, fusedKernel],
  });
  // Fusion rewrites the program before the shared compiler runs it: each group becomes one `stopGradient`
  // equation whose params carry the group, which `fusedKernel` (this backend's stopGradient) runs as WGSL.
  const fuse = options.fuse !== false;
  const compileUnfused = be.compile;
  const reduce = options.fuseReductions !== false;
  const compile =
    fuse && compileUnfused !== undefined
      ? (program: Program) => {
          const p = fuseProgram(program).program;
          return compileUnfused(reduce ? fuseReductions(fuseMatvecs(p).program).program : p);
        }
      : compileUnfused;
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    onDevice.users--;
    if (onDevice.users > 0 || shared !== onDevice) return;
    shared = undefined;
    if (tf.findBackendFactory("webgpu") !== null) tf.removeBackend("webgpu");
    onDevice.device.destroy?.();
  };
  const out = Object.assign(be, { adapterInfo: adapter.info ?? null, fuse, compile, destroy });
  Object.defineProperty(out, "destroyed", { get: () => destroyed, enumerable: true });
  guardAfterDestroy(out, () => destroyed);
  return out as WebGpuBackend;
}

/** Makes every operation of a destroyed backend throw a clear error instead of a tfjs one. */
function guardAfterDestroy(be: TfjsBackend, isDestroyed: () => boolean): void {
  const target = be as unknown as Record<string, unknown>;
  for (const key of ["create", "readSync", "read", "exec", "compile"] as const) {
    const fn = target[key];
    if (typeof fn !== "function") continue;
    target[key] = (...args: unknown[]) => {
      if (isDestroyed())
        throw new PhloxError(
          "webgpu-destroyed",
          `webgpu backend "${be.name}": ${key}() after destroy(); the GPU device was released. ` +
            "Create a new backend with webgpu() and register it, or switch backends with setBackend().",
        );
      return (fn as (...a: unknown[]) => unknown).apply(be, args);
    };
  }
}
