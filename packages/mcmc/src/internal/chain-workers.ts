/** What the Node (`worker_threads`) and browser (Web Worker) paths of parallel chains share. */
import type { ChainOutput, ChainProgress } from "./run-chain.js";
import type { WorkerMessage } from "./worker-main.js";

/** Result of one worker chain. */
export type ParallelResult =
  | { ok: true; out: ChainOutput; last: unknown; postWarmup: unknown }
  | { ok: false; error: Error };

/** The message a worker posts when its chain throws. */
export type ErrorMessage = { type: "error"; message: string; stack?: string };

/** Routes one worker message: progress, the chain's result, or its error. */
export function onWorkerMessage(
  m: WorkerMessage | ErrorMessage,
  onProgress: (p: ChainProgress) => void,
  finish: (r: ParallelResult) => void,
  fail: (why: string) => void,
): void {
  if (m.type === "progress") onProgress(m.progress);
  else if (m.type === "done") finish({ ok: true, out: m.out, last: m.last, postWarmup: m.postWarmup });
  else fail(m.message);
}

/** How a parallel run can be stopped: an abort signal, and a wall-clock limit per chain. */
export interface ParallelControl {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Arms the chain's timeout and the abort listener; `stop(why)` is called at most once. Returns the disarm
 * function (call it when the chain settles).
 */
export function guard(chain: number, control: ParallelControl, stop: (why: string) => void): () => void {
  const { signal, timeoutMs } = control;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => stop(`timed out after ${timeoutMs} ms (chainTimeoutMs) and was terminated; it may be hung`),
          timeoutMs,
        );
  const onAbort = () => stop(`aborted (chain ${chain} was terminated)`);
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  };
}
