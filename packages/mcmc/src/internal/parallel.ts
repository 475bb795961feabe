/**
 * `chainMethod: "parallel"`: one `worker_threads` Worker per chain. The worker entry is a small CommonJS
 * string (eval: true, so no extra file has to ship) that imports `worker-main` — `dist/*.js` when built,
 * or the `.ts` sources through `ts-loader.mjs` (TypeScript's transpileModule) when the package runs from
 * source, as under vitest; Node 20 has no `--experimental-strip-types`.
 */
import type { ChainOutput, ChainProgress } from "./run-chain.js";
import type { WorkerJob, WorkerMessage } from "./worker-main.js";

/** Result of one worker chain. */
export type ParallelResult =
  | { ok: true; out: ChainOutput; last: unknown; postWarmup: unknown }
  | { ok: false; error: Error };

const ENTRY = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  try {
    if (workerData.loader) await require("node:module").register(workerData.loader);
    const { workerMain } = await import(workerData.main);
    await workerMain(workerData.job, (m) => parentPort.postMessage(m));
  } catch (e) {
    parentPort.postMessage({ type: "error", message: String(e && e.message || e), stack: e && e.stack });
  }
})();
`;

/** Runs `jobs` in parallel workers; never rejects: each chain reports success or its own error. */
export async function runParallel(
  jobs: WorkerJob[],
  onProgress: (p: ChainProgress) => void,
): Promise<ParallelResult[]> {
  const { Worker } = await import("node:worker_threads");
  const fromSource = import.meta.url.endsWith(".ts");
  const main = new URL(`./worker-main${fromSource ? ".ts" : ".js"}`, import.meta.url).href;
  const loader = fromSource ? new URL("./ts-loader.mjs", import.meta.url).href : undefined;
  return Promise.all(
    jobs.map(
      (job) =>
        new Promise<ParallelResult>((resolve) => {
          let settled = false;
          const finish = (r: ParallelResult) => {
            if (settled) return;
            settled = true;
            resolve(r);
            void worker.terminate();
          };
          const fail = (why: string) =>
            finish({ ok: false, error: new Error(`MCMC chain ${job.chain} failed in its worker: ${why}`) });
          const worker = new Worker(ENTRY, {
            eval: true,
            workerData: { job, main, loader },
            execArgv: fromSource ? ["--conditions=@phlox/source"] : [],
          });
          worker.on("message", (m: WorkerMessage | { type: "error"; message: string; stack?: string }) => {
            if (m.type === "progress") onProgress(m.progress);
            else if (m.type === "done")
              finish({ ok: true, out: m.out, last: m.last, postWarmup: m.postWarmup });
            else fail(m.message);
          });
          worker.on("error", (e) => fail(e.message));
          worker.on("exit", (code) => fail(`worker exited with code ${code} before finishing`));
        }),
    ),
  );
}
