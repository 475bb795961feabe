/**
 * `wasm()`: the WASM-SIMD backend (tfjs-backend-wasm kernels, float32), created by an explicit call.
 */

import {
  compositeKernels,
  createTfjsBackend,
  type FallbackMode,
  type TfjsBackend,
  trigKernels,
} from "@phlox/backend-tfjs";
import { PhloxError } from "@phlox/tensor";
import * as tf from "@tensorflow/tfjs-core";

/** Options of {@link wasm}. */
export interface WasmOptions {
  /**
   * `"js"` runs primitives without a wasm kernel (lgamma, digamma, polygamma, erfc, ndtri, cholesky,
   * triangularSolve, randomBits) through their JS reference kernels, with one warning listing them. Default
   * `"none"`: `wasm()` rejects with a `MissingKernelError` listing them.
   */
  readonly fallbacks?: FallbackMode;
  /**
   * Where the `.wasm` binaries are served from, passed to tfjs's `setWasmPaths` (a folder URL ending in `/`, or
   * a map of file names to URLs). Not needed in Node; in bundlers point it at the copied binaries (README).
   */
  readonly wasmPaths?: string | Record<string, string>;
  /** Worker threads for the threaded SIMD build (browsers with cross-origin isolation only). */
  readonly threads?: number;
  /**
   * Run lgamma, digamma, polygamma, erfc, ndtri, cholesky, triangularSolve (and sin, cos, tan) as compositions of wasm kernels
   * (float32, no read-back; the same code the WebGPU backend uses) instead of JS fallbacks. Default false.
   */
  readonly composites?: boolean;
  /** Phlox backend name (default `"wasm"`). */
  readonly name?: string;
}

/**
 * Loads tfjs-backend-wasm (SIMD when the runtime has it), initialises it and returns a Phlox backend over it.
 * Nothing is registered: pass the result to `registerBackend`, then `setBackend("wasm")`.
 * @param options - fallbacks, wasm binary location, threads, name.
 * @returns the backend (float64 tensors are stored and computed as float32).
 * @throws MissingKernelError listing primitives without a wasm kernel unless `fallbacks: "js"`; PhloxError
 *   (`wasm-init`) when the wasm module cannot be loaded.
 * @example
 * registerBackend(await wasm({ fallbacks: "js" }));
 * setBackend("wasm");
 * tensor([1, 2]).exp().dataSync(); // → Float64Array [2.718281..., 7.389056...] (float32 precision)
 */
export async function wasm(options: WasmOptions = {}): Promise<TfjsBackend> {
  const mod = await import("@tensorflow/tfjs-backend-wasm");
  if (options.wasmPaths !== undefined) mod.setWasmPaths(options.wasmPaths);
  if (options.threads !== undefined) mod.setThreadsCount(options.threads);
  let ok = false;
  try {
    ok = await tf.setBackend("wasm");
    await tf.ready();
  } catch (e) {
    throw new PhloxError(
      "wasm-init",
      `wasm(): tfjs-backend-wasm failed to load (${(e as Error).message}). In a bundler, copy ` +
        "node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm to your public folder and pass { wasmPaths: '/' }.",
    );
  }
  if (!ok)
    throw new PhloxError(
      "wasm-init",
      "wasm(): tfjs could not initialise its wasm backend. In a bundler pass { wasmPaths } (README).",
    );
  return createTfjsBackend({
    name: options.name ?? "wasm",
    tfBackend: "wasm",
    fallbacks: options.fallbacks,
    extraKernels: options.composites === true ? [...compositeKernels, ...trigKernels] : [],
  });
}

/**
 * Whether the loaded wasm module uses SIMD (after {@link wasm} resolved).
 * @example
 * await wasm({ fallbacks: "js" }); wasmHasSimd(); // → true in Node 20
 */
export function wasmHasSimd(): boolean {
  return tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
}
