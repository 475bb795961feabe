/**
 * Worker threads for shared loops in Node (`worker_threads`). Node-only: the package's `#node-threads`
 * import names this file under the `node` condition only, so browser bundles never see its `node:` imports
 * (they get `browser-thread-pool.ts`, neutral builds `node-thread-pool-unavailable.ts`).
 *
 * Each worker's entry is a small CommonJS string (`eval: true`, so no extra file has to ship) that imports
 * `thread-worker.js` beside this module (or, when this module was bundled into dist/index.node.js, tsc's
 * copy under dist/internal/). Running from source (vitest, tsx), the worker registers `ts-loader.mjs`
 * (module hooks that transpile the package's TypeScript) and resolves workspace packages with the
 * `@phlox/source` condition.
 */
import { createRequire } from "node:module";
import { CTL, type PoolMessage, type WorkerReport } from "./thread-protocol.js";

const ENTRY = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
(async () => {
  if (workerData.loader) require("node:module").register(workerData.loader);
  const { threadWorkerLoop } = await import(workerData.main);
  const port = workerData.port;
  const ctl = new Int32Array(workerData.control);
  process.on("exit", () => {
    Atomics.store(ctl, ${CTL.failed}, workerData.index + 1);
    Atomics.add(ctl, ${CTL.done}, 1);
    Atomics.notify(ctl, ${CTL.done});
  });
  threadWorkerLoop({
    index: workerData.index,
    threads: workerData.threads,
    control: workerData.control,
    receive: () => receiveMessageOnPort(port)?.message,
    report: (r) => port.postMessage(r),
    exit: () => process.exit(1),
  });
  port.close();
})().catch((e) => {
  const ctl = new Int32Array(workerData.control);
  workerData.port.postMessage({ type: "failed", worker: workerData.index, message: String((e && e.stack) || e) });
  Atomics.store(ctl, ${CTL.failed}, workerData.index + 1);
  Atomics.add(ctl, ${CTL.ready}, 1);
  Atomics.notify(ctl, ${CTL.ready});
});
`;

/** The workers of one pool, as `threads.ts` drives them. */
export interface PoolWorkers {
  /** Posts `m` to every worker (read by the worker at its next job). */
  send(m: PoolMessage, transfer?: readonly unknown[]): void;
  /** Reports workers posted back, read without waiting. */
  reports(): WorkerReport[];
  /** Why a worker is gone (its 'exit' or 'error' event was seen), or null. */
  lost(): string | null;
  /** Ends worker `k` (testing). */
  terminateWorker(k: number): Promise<void>;
  /** Ends every worker. */
  terminate(): Promise<void>;
  /**
   * True where workers start only while the starting thread returns to its event loop (browsers): a call
   * then never blocks for them but runs alone until they are ready (see `threadsReady`).
   */
  readonly startsAsync?: boolean;
}

/** Logical processors of this machine (`os.availableParallelism()`). */
export function hardwareThreads(): number {
  const os = createRequire(import.meta.url)("node:os") as {
    availableParallelism?: () => number;
    cpus: () => unknown[];
  };
  return os.availableParallelism?.() ?? os.cpus().length;
}

function workerMainUrl(): { main: string; loader: string | undefined; fromSource: boolean } {
  const fromSource = import.meta.url.endsWith(".ts");
  if (fromSource)
    return {
      main: new URL("./thread-worker.ts", import.meta.url).href,
      loader: new URL("./ts-loader.mjs", import.meta.url).href,
      fromSource,
    };
  const { existsSync } = createRequire(import.meta.url)("node:fs") as typeof import("node:fs");
  const here = new URL("./thread-worker.js", import.meta.url);
  const main = existsSync(here) ? here.href : new URL("./internal/thread-worker.js", import.meta.url).href;
  return { main, loader: undefined, fromSource };
}

/**
 * Starts `threads − 1` workers sharing `control`. They load asynchronously: each adds 1 to the control's
 * `ready` word when it waits for jobs.
 * @returns the workers, or null where `worker_threads` cannot start them.
 */
export function startPoolWorkers(threads: number, control: SharedArrayBuffer): PoolWorkers | null {
  const wt = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
  const { main, loader, fromSource } = workerMainUrl();
  const workers: import("node:worker_threads").Worker[] = [];
  const ports: import("node:worker_threads").MessagePort[] = [];
  let gone: string | null = null;
  for (let k = 0; k < threads - 1; k++) {
    const { port1, port2 } = new wt.MessageChannel();
    const w = new wt.Worker(ENTRY, {
      eval: true,
      workerData: { index: k, threads, control, port: port2, main, loader },
      transferList: [port2],
      execArgv: fromSource ? ["--conditions=@phlox/source"] : [],
    });
    w.on("error", (e) => {
      gone ??= `worker ${k + 1} failed: ${e.message}`;
    });
    w.on("exit", (code) => {
      gone ??= `worker ${k + 1} exited with code ${code}`;
    });
    w.unref();
    port1.unref();
    workers.push(w);
    ports.push(port1);
  }
  return {
    send(m, transfer) {
      for (const p of ports) p.postMessage(m, transfer as never);
    },
    reports() {
      const out: WorkerReport[] = [];
      for (const p of ports)
        for (let r = wt.receiveMessageOnPort(p); r !== undefined; r = wt.receiveMessageOnPort(p))
          out.push(r.message as WorkerReport);
      return out;
    },
    lost: () => gone,
    async terminateWorker(k) {
      await workers[k]?.terminate();
    },
    async terminate() {
      await Promise.all(workers.map((w) => w.terminate()));
      for (const p of ports) p.close();
    },
  };
}
