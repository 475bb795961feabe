/**
 * The body of a pool worker thread: it rebuilds each registered program from its source and shared
 * constants, then waits on the control array for jobs (one shared loop's rows) and runs its share of each,
 * writing its partial sums into the program's shared state. Loaded by URL by the Node pool
 * (`node-thread-pool.ts`) and by the browser pool's Web Workers (`thread-worker-browser.ts`), never imported
 * by the package's entry.
 */
import {
  exp,
  expm1,
  log,
  log1p,
  cos as pcos,
  sin as psin,
  tan as ptan,
  tanh as ptanh,
} from "../portable-math.js";
import { defaultRuntime } from "./default-runtime.js";
import {
  ARRAY_CTORS,
  type ArrayDtype,
  CTL,
  type LoopEntry,
  type PoolMessage,
  type ProgramMessage,
  runBlocks,
  shareOf,
  viewOf,
  type WorkerReport,
} from "./thread-protocol.js";

interface Built {
  loops: readonly LoopEntry[];
  args: unknown[];
  state: Float64Array;
  stride: number;
  synced: (Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array)[][];
  summed: (Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array)[][];
}

/** What a worker gets from its host. */
export interface WorkerHost {
  /** This worker's index (0 for the first worker; the main thread is thread 0 of the pool, this one 1 + index). */
  readonly index: number;
  /** Threads of the pool, the main thread included. */
  readonly threads: number;
  readonly control: SharedArrayBuffer;
  /** The next message from the main thread, or undefined; never blocks. */
  receive(): PoolMessage | undefined;
  /** Posts a report to the main thread. */
  report(r: WorkerReport): void;
  /** Ends this thread now (testing). */
  exit(): void;
}

const RUNTIME_EXTRA = {
  pexp: exp,
  plog: log,
  plog1p: log1p,
  pexpm1: expm1,
  psin,
  pcos,
  ptan,
  ptanh,
};

function build(m: ProgramMessage): Built {
  let loops: readonly LoopEntry[] = [];
  const rt = {
    ...defaultRuntime(),
    ...RUNTIME_EXTRA,
    __threads: (l: readonly LoopEntry[]) => {
      loops = l;
      return { run: () => undefined };
    },
  };
  const consts = m.constants.map((c) => viewOf(c.dtype, c.buffer));
  const params = ["rt", ...consts.map((_, k) => `c${k}`)];
  const factory = new Function(...params, m.source) as (...a: unknown[]) => unknown;
  factory(rt, ...consts);
  // outputs: this thread's own arrays (a shared loop only scatter-adds into them; see `summed`)
  const args = m.args.map((a) =>
    a.kind === "in"
      ? viewOf(a.dtype, a.buffer)
      : viewOf(a.dtype, new ArrayBuffer(a.size * ARRAY_CTORS[a.dtype].BYTES_PER_ELEMENT)),
  );
  return {
    loops,
    args,
    state: new Float64Array(m.state),
    stride: m.stride,
    synced: m.synced.map((arrs) => arrs.map((a) => viewOf(a.dtype as ArrayDtype, a.buffer))),
    summed: m.summed.map((arrs) => arrs.map((a) => viewOf(a.dtype as ArrayDtype, a.buffer))),
  };
}

/** Runs this worker's share of the current job of `p`, writing its partial sums (`me`: 1 + the worker's index). */
function runJob(p: Built, ctl: Int32Array, threads: number, me: number): void {
  const j = Atomics.load(ctl, CTL.loop);
  const entry = p.loops[j] as LoopEntry;
  const scratch = entry.scratch;
  for (let s = 0; s < scratch.length; s++) scratch[s] = p.state[s] as number;
  for (const s of entry.sums) scratch[s] = 0;
  const synced = p.synced[j] ?? [];
  for (let k = 0; k < entry.synced.length; k++)
    (entry.synced[k] as Float64Array).set(synced[k] as Float64Array);
  const targets = [...entry.summedArgs.map((k) => p.args[k]), ...entry.summed] as Float64Array[];
  for (const t of targets) t.fill(0);
  const [lo, hi] = shareOf(Atomics.load(ctl, CTL.lo), Atomics.load(ctl, CTL.hi), threads, me);
  runBlocks(entry, lo, hi, p.args);
  const at = me * p.stride;
  for (const s of entry.sums) p.state[at + s] = scratch[s] as number;
  const partials = p.summed[j] ?? [];
  for (let k = 0; k < targets.length; k++) {
    const t = targets[k] as Float64Array;
    (partials[k] as Float64Array).set(t, me * t.length);
  }
}

/** A worker's registered programs and its side of the control array. */
function workerState(host: WorkerHost) {
  const ctl = new Int32Array(host.control);
  const programs = new Map<number, Built>();
  const drain = (): void => {
    for (let m = host.receive(); m !== undefined; m = host.receive()) {
      if (m.type === "program") programs.set(m.id, build(m));
      else programs.delete(m.id);
    }
  };
  const failed = (e: unknown): void => {
    host.report({ type: "failed", worker: host.index, message: String((e as Error)?.message ?? e) });
    Atomics.store(ctl, CTL.failed, host.index + 1);
  };
  const finish = (): void => {
    if (Atomics.add(ctl, CTL.done, 1) === host.threads - 2) Atomics.notify(ctl, CTL.done);
  };
  return { ctl, programs, drain, failed, finish, me: host.index + 1 };
}

/**
 * Runs jobs until the control array's stop word is set.
 * @param host - the worker's environment.
 */
export function threadWorkerLoop(host: WorkerHost): void {
  const { ctl, programs, drain, failed, finish, me } = workerState(host);
  // the generation before saying ready: the first job bumps it only after every worker is ready
  let gen = Atomics.load(ctl, CTL.gen);
  Atomics.add(ctl, CTL.ready, 1);
  Atomics.notify(ctl, CTL.ready);
  for (;;) {
    Atomics.wait(ctl, CTL.gen, gen, 1000);
    if (Atomics.load(ctl, CTL.stop) === 1) return;
    const g = Atomics.load(ctl, CTL.gen);
    if (g === gen) continue;
    gen = g;
    if (Atomics.load(ctl, CTL.exitOnNextJob) === me) host.exit();
    try {
      drain();
      const p = programs.get(Atomics.load(ctl, CTL.program));
      if (p === undefined) throw new Error("program not registered with this worker");
      runJob(p, ctl, host.threads, me);
    } catch (e) {
      failed(e);
    }
    finish();
  }
}

/** Longest wait of a browser worker for a program's registration message, in ms. */
const PROGRAM_DEADLINE_MS = 60_000;

/**
 * The loop of a browser Web Worker (`thread-worker-browser.ts`): as {@link threadWorkerLoop}, blocking in
 * `Atomics.wait` between jobs, but a Web Worker has no synchronous read of its messages, so a job of a
 * program not yet registered returns to the event loop (`host.idle`) until the program's message arrives.
 * @param host - the worker's environment, with `idle` (resolves after the event loop ran its queued tasks).
 */
export async function threadWorkerLoopAsync(host: WorkerHost & { idle(): Promise<void> }): Promise<void> {
  const { ctl, programs, drain, failed, finish, me } = workerState(host);
  let gen = Atomics.load(ctl, CTL.gen);
  Atomics.add(ctl, CTL.ready, 1);
  Atomics.notify(ctl, CTL.ready);
  for (;;) {
    Atomics.wait(ctl, CTL.gen, gen, 1000);
    if (Atomics.load(ctl, CTL.stop) === 1) return;
    const g = Atomics.load(ctl, CTL.gen);
    if (g === gen) continue;
    gen = g;
    if (Atomics.load(ctl, CTL.exitOnNextJob) === me) host.exit();
    try {
      const id = Atomics.load(ctl, CTL.program);
      drain();
      const t0 = Date.now();
      while (!programs.has(id) && Date.now() - t0 < PROGRAM_DEADLINE_MS) {
        await host.idle();
        drain();
      }
      const p = programs.get(id);
      if (p === undefined) throw new Error("program not registered with this worker");
      runJob(p, ctl, host.threads, me);
    } catch (e) {
      failed(e);
    }
    finish();
  }
}
