/**
 * What the main thread and the worker threads of a pool share: the control words (an Int32Array over a
 * SharedArrayBuffer), the messages that register programs, and how a loop's rows are shared out.
 */
import { BLOCK_ROWS } from "./blocks.js";

/** Indices into the control array. */
export const CTL = {
  /** Bumped by the main thread for each job; workers wait on it. */
  gen: 0,
  /** Workers done with the current job; the main thread waits on it. */
  done: 1,
  /** The job: program id, loop index, rows [lo, hi). */
  program: 2,
  loop: 3,
  lo: 4,
  hi: 5,
  /** 1 + the index of a worker that failed or exited (0: none). */
  failed: 6,
  /** 1: workers return. */
  stop: 7,
  /** Workers that have loaded and wait for jobs. */
  ready: 8,
  /** Testing: 1 + the index of a worker that exits (process.exit) on its next job. */
  exitOnNextJob: 9,
  /** Length of the control array. */
  length: 10,
} as const;

/** One loop as the generated factory registers it (`rt.__threads([...])`). */
export interface LoopEntry {
  readonly block: (lo: number, hi: number, ...args: unknown[]) => void;
  readonly scratch: Float64Array;
  readonly sums: readonly number[];
  readonly synced: readonly ArrayLike<number>[];
  /** Outputs (by index among `run`'s parameters) and factory arrays the loop only scatter-adds into. */
  readonly summedArgs: readonly number[];
  readonly summed: readonly ArrayLike<number>[];
}

/** A typed array's dtype name as the serialised program forms use it. */
export type ArrayDtype = "float64" | "float32" | "int32" | "uint32" | "bool";

/** A program sent to the workers: its source and the shared buffers it reads and writes. */
export interface ProgramMessage {
  readonly type: "program";
  readonly id: number;
  readonly source: string;
  readonly constants: readonly { readonly dtype: ArrayDtype; readonly buffer: SharedArrayBuffer }[];
  /** `run`'s parameters: inputs (a shared copy each call) and outputs (never written by a shared loop). */
  readonly args: readonly (
    | { readonly kind: "in"; readonly dtype: ArrayDtype; readonly buffer: SharedArrayBuffer }
    | { readonly kind: "out"; readonly dtype: ArrayDtype; readonly size: number }
  )[];
  /** Float64: the scratch slots' values at the call (`stride`), then each worker's partial sums. */
  readonly state: SharedArrayBuffer;
  readonly stride: number;
  /** Per shared loop, a shared copy of each factory array it reads. */
  readonly synced: readonly (readonly { readonly dtype: ArrayDtype; readonly buffer: SharedArrayBuffer }[])[];
  /**
   * Per shared loop, for each summed output then each summed factory array (see {@link LoopEntry}), room
   * for every thread's partial array (thread t at t × length).
   */
  readonly summed: readonly (readonly { readonly dtype: ArrayDtype; readonly buffer: SharedArrayBuffer }[])[];
}

/** Messages on a worker's port. */
export type PoolMessage = ProgramMessage | { readonly type: "drop"; readonly id: number };

/** Messages a worker posts back (read synchronously by the main thread). */
export interface WorkerReport {
  readonly type: "failed";
  readonly worker: number;
  readonly message: string;
}

export const ARRAY_CTORS = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bool: Uint8Array,
} as const;

/** A typed array of `dtype` over `buffer`. */
export function viewOf(
  dtype: ArrayDtype,
  buffer: SharedArrayBuffer | ArrayBuffer,
): Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array {
  return new ARRAY_CTORS[dtype](buffer as ArrayBuffer);
}

/** The dtype name of a typed array. */
export function dtypeOf(a: ArrayLike<number>): ArrayDtype {
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  return "bool";
}

/**
 * Rows [lo, hi) of thread `t` of `threads` for a loop over [start, end): contiguous runs of whole blocks of
 * {@link BLOCK_ROWS} rows (thread 0, the calling thread, takes the first).
 */
export function shareOf(start: number, end: number, threads: number, t: number): [number, number] {
  const blocks = Math.ceil((end - start) / BLOCK_ROWS);
  const b0 = Math.floor((t * blocks) / threads);
  const b1 = Math.floor(((t + 1) * blocks) / threads);
  return [Math.min(end, start + b0 * BLOCK_ROWS), Math.min(end, start + b1 * BLOCK_ROWS)];
}

/** Runs `block` over rows [lo, hi) in blocks of {@link BLOCK_ROWS} rows, as one loop would. */
export function runBlocks(entry: LoopEntry, lo: number, hi: number, args: readonly unknown[]): void {
  const block = entry.block;
  for (let b = lo; b < hi; b += BLOCK_ROWS) block(b, Math.min(b + BLOCK_ROWS, hi), ...args);
}
