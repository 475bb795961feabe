/**
 * What `#node-threads` names in neutral builds (neither Node nor browser; browsers get
 * `browser-thread-pool.ts`): no workers there, so shared loops run on the calling thread alone (the
 * documented fallback; see `threads.ts`).
 */
import type { PoolWorkers } from "./node-thread-pool.js";

/** Logical processors (`navigator.hardwareConcurrency`), or 1 where unknown. */
export function hardwareThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? n : 1;
}

/**
 * Always null: this build starts no workers.
 * @returns null.
 */
export function startPoolWorkers(_threads: number, _control: SharedArrayBuffer): PoolWorkers | null {
  return null;
}
