/** Runs a job in a fresh `worker_threads` Worker (TypeScript source through tsx) and resolves its reply. */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** Posts `job` to a new worker running `worker-entry.ts` and resolves with the first message. */
export function runInWorker<T>(job: unknown): Promise<T> {
  const entry = fileURLToPath(new URL("./worker-boot.mjs", import.meta.url));
  const w = new Worker(entry, { execArgv: ["--conditions=@phlox/source"] });
  return new Promise<T>((resolve, reject) => {
    w.once("message", (m: T) => {
      void w.terminate();
      resolve(m);
    });
    w.once("error", (e) => {
      void w.terminate();
      reject(e);
    });
    w.postMessage(job);
  });
}
