/**
 * What `#node-threads` names in browser builds: module Web Workers sharing memory with the calling thread,
 * where the page is cross-origin isolated (`globalThis.crossOriginIsolated`, so SharedArrayBuffer can be
 * posted to workers). Elsewhere (not isolated, no `Worker`) it starts none and shared loops run on the
 * calling thread alone, silently (see `threads.ts`).
 *
 * The worker entry is `thread-worker-browser.js` beside this module in both layouts (src/ and the
 * module-preserving dist/), so `new Worker(new URL("./thread-worker-browser.js", import.meta.url))` names it;
 * Vite and webpack see that pattern and bundle the worker with its imports, esbuild and Rollup users add
 * `dist/internal/thread-worker-browser.js` as a second entry point (README).
 */
import type { PoolWorkers } from "./node-thread-pool.js";
import type { PoolMessage, WorkerReport } from "./thread-protocol.js";

/** The part of the DOM `Worker` the pool uses. */
interface PoolWebWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

/** Logical processors (`navigator.hardwareConcurrency`), or 1 where unknown. */
export function hardwareThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? n : 1;
}

/** True where workers can share memory with this thread: a cross-origin-isolated context with `Worker`. */
export function canShareMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  return g.crossOriginIsolated === true && typeof g.Worker === "function";
}

function startWorker(): PoolWebWorker {
  return new Worker(new URL("./thread-worker-browser.js", import.meta.url), {
    type: "module",
  }) as PoolWebWorker;
}

/**
 * Starts `threads − 1` module Web Workers sharing `control`; each adds 1 to the control's `ready` word when
 * it waits for jobs.
 * @returns the workers, or null where the context is not cross-origin isolated (or has no `Worker`).
 */
export function startPoolWorkers(threads: number, control: SharedArrayBuffer): PoolWorkers | null {
  if (!canShareMemory()) return null;
  const workers: PoolWebWorker[] = [];
  const received: WorkerReport[] = [];
  let gone: string | null = null;
  try {
    for (let k = 0; k < threads - 1; k++) {
      const w = startWorker();
      w.onmessage = (e) => received.push(e.data as WorkerReport);
      w.onerror = (e) => {
        gone ??=
          `worker ${k + 1} failed: ${e.message ?? "an error event"} (if it could not load, serve ` +
          "thread-worker-browser.js beside the bundle: see the Threads section of @phlox/backend-js's README)";
      };
      w.postMessage({ index: k, threads, control });
      workers.push(w);
    }
  } catch {
    for (const w of workers) w.terminate();
    return null;
  }
  return {
    startsAsync: true,
    send(m: PoolMessage) {
      for (const w of workers) w.postMessage(m);
    },
    reports: () => received.splice(0),
    lost: () => gone,
    async terminateWorker(k) {
      workers[k]?.terminate();
      gone ??= `worker ${k + 1} was terminated`;
    },
    async terminate() {
      for (const w of workers) w.terminate();
    },
  };
}
