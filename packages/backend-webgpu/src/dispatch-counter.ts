/**
 * Test and benchmark support: counts the GPU programs tfjs-backend-webgpu dispatches (every tfjs-webgpu kernel
 * and every custom WGSL program goes through `runWebGPUProgram`; reshapes and CPU-forwarded kernels do not).
 */
import * as tf from "@tensorflow/tfjs-core";

/** A running count of dispatched programs; `stop()` restores the backend. */
export interface DispatchCounter {
  /** Programs dispatched since the counter started or was last reset. */
  readonly count: number;
  /** Sets the count to zero. */
  reset(): void;
  /** Removes the counting wrapper. */
  stop(): void;
}

interface Runner {
  runWebGPUProgram: (...args: unknown[]) => unknown;
}

/**
 * Wraps the active tfjs backend's `runWebGPUProgram` (call after `webgpu()`), counting calls.
 * @returns the counter.
 * @throws Error when the active tfjs backend is not tfjs-backend-webgpu.
 * @example
 * const c = countDispatches(); vg(w, x, y); c.count; c.stop();
 */
export function countDispatches(): DispatchCounter {
  const be = tf.findBackend("webgpu") as unknown as Runner | null;
  if (be === null || typeof be.runWebGPUProgram !== "function")
    throw new Error("countDispatches: tfjs-backend-webgpu is not initialised; call webgpu() first.");
  const original = be.runWebGPUProgram;
  let count = 0;
  be.runWebGPUProgram = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  return {
    get count() {
      return count;
    },
    reset: () => {
      count = 0;
    },
    stop: () => {
      be.runWebGPUProgram = original;
    },
  };
}
