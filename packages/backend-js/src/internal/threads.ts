/**
 * Data-parallel compiled programs: the runtime behind `rt.__threads` (see `share-loops.ts`).
 *
 * A program compiled with `threads: T > 1` registers its shared loops here. At a call, a shared loop of at
 * least `minRows` rows is cut into T contiguous runs of whole row blocks: the calling thread copies the
 * loop's inputs (z, extra inputs, the factory arrays it reads and the values of its scratch slots) into the
 * program's SharedArrayBuffers, bumps the pool's generation word and wakes the T − 1 workers with
 * `Atomics.notify`, runs the first run itself, and waits (`Atomics.wait`, in slices) until every worker has
 * written its partial sums; it then adds them to its own in worker order. The data (the program's constant
 * arrays) lives once in SharedArrayBuffers that every thread reads. The result depends on T only: repeated
 * calls and runs give bit-identical values, and they agree with one thread to rounding (the sums are
 * associated differently).
 *
 * One pool of T − 1 workers serves every program with that T (`poolFor`), started at the first threaded call
 * (which waits for the workers to load). Workers are `unref`'d, so they never keep a Node process alive;
 * {@link disposeThreads} ends them. A worker that fails or exits makes the call throw a PhloxError
 * (`threads-worker-failed`), never hang: the wait runs in slices that check the failure word (set by a
 * worker's exit handler), the workers' 'exit'/'error' events, and a deadline.
 *
 * Browser builds name `browser-thread-pool.ts` (module Web Workers, where the context is cross-origin
 * isolated). Those workers start only while the starting thread returns to its event loop, so a call never
 * blocks for them (`startsAsync`): it runs alone until they are ready ({@link threadsReady} awaits them).
 * Where no worker can start (a page that is not cross-origin isolated, neutral builds naming
 * `node-thread-pool-unavailable.ts`, a browser's main thread, where `Atomics.wait` is not allowed: we keep one
 * thread there rather than spin on `Atomics.load` and freeze the page) the calling thread runs every loop
 * alone: the same code, so results equal those of `threads: 1`... to rounding only when T > 1 was asked for,
 * since the rows then run in one piece.
 */
import { PhloxError } from "@phlox/tensor";
import { hardwareThreads, type PoolWorkers, startPoolWorkers } from "#node-threads";
import {
  ARRAY_CTORS,
  type ArrayDtype,
  CTL,
  dtypeOf,
  type LoopEntry,
  type ProgramMessage,
  runBlocks,
  shareOf,
  viewOf,
} from "./thread-protocol.js";

/**
 * Shared loops shorter than this many rows run on the calling thread alone (the default of `minRows`);
 * measured in `bench/src/threads.bench.ts`.
 */
export const THREAD_MIN_ROWS = 32_768;

/** Slice of a wait for workers, in ms. */
const WAIT_SLICE_MS = 50;
/** The least time a job may take before a missing worker is declared lost, in ms. */
const JOB_DEADLINE_MS = 60_000;
/** Longest wait for the workers to load, in ms (from source they transpile the package first). */
const READY_DEADLINE_MS = 180_000;

let defaultThreads = 1;
let defaultMinRows = THREAD_MIN_ROWS;

/** Thread settings of programs compiled from now on. */
export interface ThreadSettings {
  /** Threads per call (the calling thread included); 1: no workers. */
  readonly threads: number;
  /** Shared loops of fewer rows run on the calling thread alone. */
  readonly minRows: number;
}

/** Logical processors available (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` elsewhere). */
export function availableThreads(): number {
  return hardwareThreads();
}

/** `threads` as a count: "auto" is {@link availableThreads}. */
export function resolveThreads(threads: number | "auto", where: string): number {
  const n = threads === "auto" ? availableThreads() : threads;
  if (!Number.isInteger(n) || n < 1)
    throw new PhloxError(
      "threads-count",
      `${where}: threads must be a positive integer or "auto", got ${String(threads)}.`,
    );
  return n;
}

/**
 * Sets how many threads compiled programs use (`jit`, `initializeModel(...).potentialFn`, NUTS, SVI), for
 * programs compiled from now on. Long row loops whose results are sums (a log-likelihood over data rows and
 * its gradient) of at least `minRows` rows are then split across `threads` threads sharing the data through
 * SharedArrayBuffer: the calling thread and `threads − 1` worker threads. Results are deterministic for a
 * given thread count and agree with one thread to rounding. The default, 1, starts no thread.
 *
 * Threads start in Node (`worker_threads`) and inside Workers of cross-origin-isolated browser pages (module
 * Web Workers; await {@link threadsReady} before the first call there); elsewhere (a page's main thread, pages
 * that are not isolated) programs run on the calling thread alone.
 * @param threads - a positive integer, or "auto" for {@link availableThreads}.
 * @param options - `minRows`: loops of fewer rows stay on the calling thread (default {@link THREAD_MIN_ROWS}).
 * @throws PhloxError (`threads-count`) when `threads` or `minRows` is not a positive integer.
 * @example
 * setThreads("auto");
 * const info = initializeModel(key, logistic, [X, y]); // potentialFn splits the rows across the cores
 */
export function setThreads(threads: number | "auto", options: { readonly minRows?: number } = {}): void {
  const n = resolveThreads(threads, "setThreads");
  const minRows = options.minRows ?? THREAD_MIN_ROWS;
  if (!Number.isInteger(minRows) || minRows < 1)
    throw new PhloxError("threads-count", `setThreads: minRows must be a positive integer, got ${minRows}.`);
  defaultThreads = n;
  defaultMinRows = minRows;
}

/** The thread settings {@link setThreads} set (what programs compiled now use). */
export function getThreads(): ThreadSettings {
  return { threads: defaultThreads, minRows: defaultMinRows };
}

/** A pool of workers for programs of one thread count. */
interface Pool {
  readonly threads: number;
  readonly control: Int32Array;
  readonly workers: PoolWorkers;
  ready: boolean;
  failure: string | null;
}

const pools = new Map<number, Pool>();
/**
 * Thread counts of the programs built in this thread that have a loop long enough to share: the counts that
 * {@link threadsReady} awaits when given none (a chain worker loads programs compiled elsewhere).
 */
const loaded = new Set<number>();
/** True once no worker could start here (a non-Node build): every loop then runs on the calling thread. */
let noWorkers = false;
let nextProgramId = 1;

/** True on a browser's main thread, where `Atomics.wait` throws. */
function cannotWait(): boolean {
  const g = globalThis as { window?: unknown; document?: unknown };
  return g.window !== undefined && g.document !== undefined;
}

/** The live pool for `threads`, started when there is none; null where no worker can start. */
function poolFor(threads: number): Pool | null {
  let p = pools.get(threads);
  if (p !== undefined) return p;
  if (noWorkers || typeof SharedArrayBuffer === "undefined" || cannotWait()) return null;
  const control = new SharedArrayBuffer(CTL.length * 4);
  const workers = startPoolWorkers(threads, control);
  if (workers === null) {
    noWorkers = true;
    return null;
  }
  p = { threads, control: new Int32Array(control), workers, ready: false, failure: null };
  pools.set(threads, p);
  return p;
}

/**
 * Ends every worker thread of every pool. Programs compiled with threads start a fresh pool at their next
 * threaded call. Not needed for a Node process to exit (workers are `unref`'d).
 * @example
 * await disposeThreads();
 */
export async function disposeThreads(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  for (const p of all) {
    Atomics.store(p.control, CTL.stop, 1);
    Atomics.add(p.control, CTL.gen, 1);
    Atomics.notify(p.control, CTL.gen);
  }
  await Promise.all(all.map((p) => p.workers.terminate()));
}

/** Testing: the pool of `threads` threads, if started. */
export function poolOf(
  threads: number,
): { terminateWorker(k: number): Promise<void>; exitOnNextJob(k: number): void; jobs(): number } | null {
  const p = pools.get(threads);
  if (p === undefined) return null;
  return {
    jobs: () => Atomics.load(p.control, CTL.gen),
    terminateWorker: (k) => p.workers.terminateWorker(k),
    exitOnNextJob: (k) => Atomics.store(p.control, CTL.exitOnNextJob, k + 1),
  };
}

function fail(p: Pool, why: string): never {
  p.failure ??= why;
  throw new PhloxError(
    "threads-worker-failed",
    `A worker thread of a compiled program failed (${p.failure}); the call's result is lost. Call ` +
      "disposeThreads() to start fresh workers at the next call, or compile with threads: 1.",
  );
}

function why(p: Pool): string | null {
  const reports = p.workers.reports();
  if (reports.length > 0) return `worker ${(reports[0]?.worker ?? 0) + 1}: ${reports[0]?.message}`;
  const failed = Atomics.load(p.control, CTL.failed);
  if (failed !== 0) return `worker ${failed} exited`;
  return p.workers.lost();
}

function waitReady(p: Pool): void {
  const start = Date.now();
  const want = p.threads - 1;
  for (;;) {
    const r = Atomics.load(p.control, CTL.ready);
    if (Atomics.load(p.control, CTL.failed) !== 0) fail(p, why(p) ?? "a worker did not start");
    if (r >= want) break;
    if (Date.now() - start > READY_DEADLINE_MS)
      fail(p, `workers did not start within ${READY_DEADLINE_MS / 1000} s`);
    Atomics.wait(p.control, CTL.ready, r, WAIT_SLICE_MS);
  }
  p.ready = true;
}

/** True (and the pool marked ready) when every worker of `p` waits for jobs; throws if one failed. */
function readyNow(p: Pool): boolean {
  if (Atomics.load(p.control, CTL.failed) !== 0) fail(p, why(p) ?? "a worker did not start");
  if (Atomics.load(p.control, CTL.ready) < p.threads - 1) {
    const lost = p.workers.lost();
    if (lost !== null) fail(p, lost);
    return false;
  }
  p.ready = true;
  return true;
}

/**
 * Starts the worker threads of `threads` threads (default: what {@link setThreads} set) and resolves when they
 * wait for jobs. Needed only in browsers, where workers start while the calling thread returns to its event
 * loop: until then threaded programs run on the calling thread alone (the same result to rounding, not the
 * same bits), so await this before the first call for results that depend on the thread count only. In Node
 * the first threaded call waits for the workers itself. Resolves at once where no worker can start (one thread).
 *
 * Without an argument it awaits the workers of {@link setThreads}'s count and of every program built or
 * loaded in this thread (`loadPotential`, `loadCompiled`) whose loops are long enough to share, so a Web
 * Worker that loads a program compiled elsewhere (a parallel MCMC chain) can await the program's own count.
 * @param threads - a positive integer, or "auto" for {@link availableThreads}; default: see above.
 * @throws PhloxError (`threads-worker-failed`) when a worker fails to start.
 * @example
 * setThreads("auto");
 * await threadsReady();
 */
export async function threadsReady(threads?: number | "auto"): Promise<void> {
  if (threads === undefined) {
    for (const n of new Set([defaultThreads, ...loaded])) await poolReady(n);
    return;
  }
  await poolReady(resolveThreads(threads, "threadsReady"));
}

async function poolReady(n: number): Promise<void> {
  if (n <= 1) return;
  const p = poolFor(n);
  if (p === null) return;
  const start = Date.now();
  while (!p.ready && !readyNow(p)) {
    if (Date.now() - start > READY_DEADLINE_MS)
      fail(p, `workers did not start within ${READY_DEADLINE_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Areas {
  pool: Pool;
  id: number;
  state: Float64Array;
  stride: number;
  inputs: (ArrayLike<number> & { set(a: ArrayLike<number>): void })[] | null[];
  synced: (Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array)[][];
  summed: (Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array)[][];
}

/** What a threaded program needs besides its loops: built by `compile.ts`. */
export interface ThreadedBuild {
  readonly source: string;
  readonly constants: readonly ArrayLike<number>[];
  /** `run`'s parameters in order: "in" (an input, with its element count) or "out". */
  readonly args: readonly {
    readonly kind: "in" | "out";
    readonly dtype: ArrayDtype;
    readonly size: number;
  }[];
  readonly threads: number;
  readonly minRows: number;
}

const registry =
  typeof FinalizationRegistry === "undefined"
    ? null
    : new FinalizationRegistry<{ pool: Pool; id: number }>(({ pool, id }) => {
        if (pools.get(pool.threads) === pool) pool.workers.send({ type: "drop", id });
      });

/**
 * The `rt.__threads` of a program: given the program's shared loops (from its factory), the object whose
 * `run(j, lo, hi, ...args)` runs loop j over rows [lo, hi).
 */
export function threadedLoops(b: ThreadedBuild): (loops: readonly LoopEntry[]) => {
  run(j: number, lo: number, hi: number, ...args: unknown[]): void;
} {
  // `__par.run(j, lo, hi` in the source: a loop that may run on the pool makes threadsReady() await it
  if (b.threads > 1)
    for (const m of b.source.matchAll(/__par\.run\(\d+, (\d+), (\d+)/g)) {
      const rows = Number(m[2]) - Number(m[1]);
      if (rows >= b.minRows && rows > 2048) loaded.add(b.threads);
    }
  return (loops) => {
    const T = b.threads;
    const stride = Math.max(1, ...loops.map((l) => l.scratch.length));
    let areas: Areas | null = null;
    const attach = (pool: Pool): Areas => {
      const id = nextProgramId++;
      const state = new SharedArrayBuffer(8 * stride * T);
      const args = b.args.map((a) =>
        a.kind === "in"
          ? {
              kind: "in" as const,
              dtype: a.dtype,
              buffer: new SharedArrayBuffer(a.size * viewOf(a.dtype, new ArrayBuffer(0)).BYTES_PER_ELEMENT),
            }
          : { kind: "out" as const, dtype: a.dtype, size: a.size },
      );
      const synced = loops.map((l) =>
        l.synced.map((arr) => {
          const dtype = dtypeOf(arr);
          const bytes = (arr as Float64Array).byteLength;
          return { dtype, buffer: new SharedArrayBuffer(bytes) };
        }),
      );
      const bytesOf = (dtype: ArrayDtype, n: number): number => n * ARRAY_CTORS[dtype].BYTES_PER_ELEMENT;
      const summed = loops.map((l) => [
        ...l.summedArgs.map((k) => {
          const a = b.args[k] as ThreadedBuild["args"][number];
          return { dtype: a.dtype, buffer: new SharedArrayBuffer(bytesOf(a.dtype, a.size * T)) };
        }),
        ...l.summed.map((arr) => {
          const dtype = dtypeOf(arr);
          return { dtype, buffer: new SharedArrayBuffer(bytesOf(dtype, arr.length * T)) };
        }),
      ]);
      const constants = b.constants.map((c) => {
        const buffer = (c as Float64Array).buffer;
        if (!(buffer instanceof SharedArrayBuffer))
          throw new PhloxError(
            "threads-internal",
            "threaded program: constants must live in SharedArrayBuffers.",
          );
        return { dtype: dtypeOf(c), buffer };
      });
      const msg: ProgramMessage = {
        type: "program",
        id,
        source: b.source,
        constants,
        args,
        state,
        stride,
        synced,
        summed,
      };
      pool.workers.send(msg);
      const a: Areas = {
        pool,
        id,
        state: new Float64Array(state),
        stride,
        inputs: args.map((x) => (x.kind === "in" ? viewOf(x.dtype, x.buffer) : null)) as Areas["inputs"],
        synced: synced.map((s) => s.map((x) => viewOf(x.dtype, x.buffer))),
        summed: summed.map((s) => s.map((x) => viewOf(x.dtype, x.buffer))),
      };
      registry?.register(handle, { pool, id });
      return a;
    };
    const handle = {
      run(j: number, lo: number, hi: number, ...args: unknown[]): void {
        const entry = loops[j] as LoopEntry;
        const pool = T > 1 && hi - lo >= b.minRows && hi - lo > 2048 ? poolFor(T) : null;
        if (pool === null) {
          runBlocks(entry, lo, hi, args);
          return;
        }
        if (pool.failure !== null) fail(pool, pool.failure);
        if (!pool.ready) {
          if (pool.workers.startsAsync === true && !readyNow(pool)) {
            // browser workers start only once this thread returns to its event loop: run alone meanwhile
            runBlocks(entry, lo, hi, args);
            return;
          }
          waitReady(pool);
        }
        if (areas === null || areas.pool !== pool) areas = attach(pool);
        const a = areas;
        const ctl = pool.control;
        // the call's inputs, scratch values and read factory arrays, for the workers
        const scratch = entry.scratch;
        a.state.set(scratch);
        for (let k = 0; k < args.length; k++) {
          const dst = a.inputs[k];
          if (dst === null || dst === undefined) continue;
          const src = args[k] as Float64Array;
          // a caller may pass a longer array than the program reads (its first elements are the input)
          dst.set(src.length > dst.length ? src.subarray(0, dst.length) : src);
        }
        const syncedDst = a.synced[j] as Float64Array[];
        for (let k = 0; k < entry.synced.length; k++)
          (syncedDst[k] as Float64Array).set(entry.synced[k] as Float64Array);
        Atomics.store(ctl, CTL.program, a.id);
        Atomics.store(ctl, CTL.loop, j);
        Atomics.store(ctl, CTL.lo, lo);
        Atomics.store(ctl, CTL.hi, hi);
        Atomics.store(ctl, CTL.done, 0);
        Atomics.add(ctl, CTL.gen, 1);
        Atomics.notify(ctl, CTL.gen);
        const [mlo, mhi] = shareOf(lo, hi, T, 0);
        const t0 = Date.now();
        // the workers are running: wait for them even when this thread's share throws
        let own: unknown = null;
        try {
          runBlocks(entry, mlo, mhi, args);
        } catch (e) {
          own = e;
        }
        const deadline = Math.max(JOB_DEADLINE_MS, 1000 * (Date.now() - t0));
        for (;;) {
          const d = Atomics.load(ctl, CTL.done);
          if (Atomics.load(ctl, CTL.failed) !== 0) fail(pool, why(pool) ?? "a worker exited");
          if (d >= T - 1) break;
          const lost = pool.workers.lost();
          if (lost !== null) fail(pool, lost);
          if (Date.now() - t0 > deadline)
            fail(pool, `no answer from a worker within ${Math.round(deadline / 1000)} s`);
          Atomics.wait(ctl, CTL.done, d, WAIT_SLICE_MS);
        }
        if (own !== null) throw own;
        const sums = entry.sums;
        const st = a.state;
        for (let t = 1; t < T; t++) {
          const at = t * a.stride;
          for (let k = 0; k < sums.length; k++) {
            const s = sums[k] as number;
            scratch[s] = (scratch[s] as number) + (st[at + s] as number);
          }
        }
        // scatter-added arrays: each worker's partial array, added in thread order
        const partials = a.summed[j] as Float64Array[];
        const nArgs = entry.summedArgs.length;
        for (let k = 0; k < partials.length; k++) {
          const dst = (
            k < nArgs ? args[entry.summedArgs[k] as number] : entry.summed[k - nArgs]
          ) as Float64Array;
          const part = partials[k] as Float64Array;
          const len = dst.length;
          for (let t = 1; t < T; t++) {
            const at = t * len;
            for (let e = 0; e < len; e++) dst[e] = (dst[e] as number) + (part[at + e] as number);
          }
        }
      },
    };
    return handle;
  };
}
