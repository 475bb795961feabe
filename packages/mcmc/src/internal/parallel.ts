import { PhloxError } from "@phlox/tensor";
/**
 * `chainMethod: "parallel"`: one worker per chain. In browsers, a module Web Worker (`../web-worker.ts`, entry
 * `../worker-browser.ts`). In Node, a `worker_threads` Worker (`node-threads.ts`, reached through the
 * package's `#node-threads` import so that browser bundles never see Node-only code).
 */
import { runInThreads } from "#node-threads";
import { startChainWebWorker } from "../web-worker.js";
import {
  type ErrorMessage,
  guard,
  onWorkerMessage,
  type ParallelControl,
  type ParallelResult,
} from "./chain-workers.js";
import type { ChainProgress } from "./run-chain.js";
import type { WorkerJob, WorkerMessage } from "./worker-main.js";

export type { ParallelControl, ParallelResult } from "./chain-workers.js";

/**
 * Why a Web Worker failed before its first message: its script (`worker-browser.js`, beside the module that
 * starts it) did not load. Vite and webpack emit it from the `new Worker(new URL(...))` pattern; esbuild and
 * Rollup do not, and need it as a second entry point.
 */
function notLoaded(detail: string | undefined): string {
  return (
    `its script did not load${detail ? ` (${detail})` : ""}. The chain worker is @phlox/mcmc's ` +
    'dist/worker-browser.js, started as new Worker(new URL("./worker-browser.js", import.meta.url)). ' +
    "Vite and webpack emit it; with esbuild or Rollup add node_modules/@phlox/mcmc/dist/worker-browser.js " +
    "as a second entry point written as worker-browser.js beside your bundle (esbuild: --entry-names=[name]), " +
    'or use chainMethod "sequential"'
  );
}

/** One chain per browser Web Worker (module workers; the same `workerMain` as in Node). */
function runInWebWorkers(
  jobs: WorkerJob[],
  onProgress: (p: ChainProgress) => void,
  control: ParallelControl,
): Promise<ParallelResult[]> {
  return Promise.all(
    jobs.map(
      (job) =>
        new Promise<ParallelResult>((resolve) => {
          const worker = startChainWebWorker();
          let settled = false;
          let disarm = () => {};
          const finish = (r: ParallelResult) => {
            if (settled) return;
            settled = true;
            disarm();
            resolve(r);
            worker.terminate();
          };
          const fail = (why: string) =>
            finish({
              ok: false,
              error: new PhloxError(
                "mcmc-chain-failed",
                `MCMC chain ${job.chain} failed in its Web Worker: ${why}`,
              ),
            });
          disarm = guard(job.chain, control, fail);
          let heard = false;
          worker.onmessage = (e) => {
            heard = true;
            onWorkerMessage(e.data as WorkerMessage | ErrorMessage, onProgress, finish, fail);
          };
          worker.onerror = (e) => fail(heard ? (e.message ?? "worker error") : notLoaded(e.message));
          worker.postMessage({ job });
        }),
    ),
  );
}

/**
 * Runs each job in its own worker: `worker_threads` in Node, module Web Workers elsewhere (browsers). Never
 * rejects: results come back in job order, a failed chain as `{ ok: false, error }` naming the chain and why.
 */
export async function runParallel(
  jobs: WorkerJob[],
  onProgress: (p: ChainProgress) => void,
  control: ParallelControl = {},
): Promise<ParallelResult[]> {
  if (!(typeof process !== "undefined" && typeof process.versions?.node === "string")) {
    return runInWebWorkers(jobs, onProgress, control);
  }
  return runInThreads(jobs, onProgress, control);
}
