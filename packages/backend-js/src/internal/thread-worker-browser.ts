/**
 * The entry of a browser pool's module Web Worker (`browser-thread-pool.ts` starts it as
 * `new Worker(new URL("./thread-worker-browser.js", import.meta.url), { type: "module" })`). Its first message
 * is `{ index, threads, control }`; later ones are the pool's {@link PoolMessage}s, queued here and read by
 * the loop of `thread-worker.ts`.
 */
import type { PoolMessage, WorkerReport } from "./thread-protocol.js";
import { threadWorkerLoopAsync } from "./thread-worker.js";

interface Start {
  readonly index: number;
  readonly threads: number;
  readonly control: SharedArrayBuffer;
}

interface WorkerScope {
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(m: unknown): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
const queue: PoolMessage[] = [];
let started = false;

scope.onmessage = (e) => {
  if (started) {
    queue.push(e.data as PoolMessage);
    return;
  }
  started = true;
  const { index, threads, control } = e.data as Start;
  const report = (r: WorkerReport): void => scope.postMessage(r);
  threadWorkerLoopAsync({
    index,
    threads,
    control,
    receive: () => queue.shift(),
    report,
    exit: () => scope.close(),
    idle: () => new Promise((resolve) => setTimeout(resolve, 0)),
  }).then(
    () => scope.close(),
    (err: unknown) => report({ type: "failed", worker: index, message: String(err) }),
  );
};
