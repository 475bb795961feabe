/**
 * The Web Worker entry of `chainMethod: "parallel"` in browsers (a module worker that bundlers such as Vite
 * follow from `new Worker(new URL("./worker-browser.js", import.meta.url), { type: "module" })`). It holds the
 * factories that parallel chains name — this package's `buildHMCWorkerKernel` and `@phlox/infer`'s
 * `loadPotential` — because a bundled worker cannot import modules by run-time URLs; any other potential
 * module must be an importable absolute URL.
 *
 * A compiled potential that splits its rows across threads (`setThreads`) starts its pool of Web Workers in
 * this worker, and they start only while this thread returns to its event loop; the chain runs without
 * yielding, so the worker awaits `threadsReady()` (every thread count of the programs it loaded) before the
 * first step, and every evaluation runs on the configured threads.
 */
import { loadPotential, threadsReady } from "@phlox/infer";
import { registerWorkerExports, type WorkerJob, workerMain } from "./internal/worker-main.js";
import { buildHMCWorkerKernel } from "./worker-kernel.js";
import { buildWorkerKernel } from "./worker-kernels.js";
import { buildModelWorkerKernel } from "./worker-model-kernel.js";

interface WorkerScope {
  onmessage: ((e: { data: { job: WorkerJob } }) => void) | null;
  postMessage(message: unknown): void;
}

registerWorkerExports({ buildHMCWorkerKernel, buildWorkerKernel, buildModelWorkerKernel, loadPotential });
const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  workerMain(
    e.data.job,
    (m) => scope.postMessage(m),
    () => threadsReady(),
  ).catch((err: unknown) => {
    const error = err as { message?: string; stack?: string };
    scope.postMessage({ type: "error", message: String(error?.message ?? err), stack: error?.stack });
  });
};
