import { createRequire } from "node:module";
import { hostname } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker as ThreadWorker } from "node:worker_threads";
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import {
  defaultConnection,
  describeConnection,
  probeRedis,
  type RedisConnection,
  redisOptions,
} from "./connection.js";
import { DistributedError } from "./errors.js";
import { readArrays, writeArrays } from "./internal/store.js";
import type { ShardJobData, ShardJobResult, ShardProgress } from "./job.js";
import type { ThreadInput, ThreadMessage } from "./shard-thread.js";

/** Default BullMQ queue name of driver and workers. */
export const DEFAULT_QUEUE = "phlox";

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Redis to take shard jobs from. Default `$PHLOX_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /** BullMQ queue name; the driver's `queueName`. Default `"phlox"`. */
  queueName?: string;
  /** Shards sampled at once by this process (one worker thread each). Default 1. */
  concurrency?: number;
  /** Name in progress reports and logs. Default `host:pid`. */
  name?: string;
  /**
   * BullMQ lock duration (ms): a shard whose worker stops renewing its lock (killed, machine lost) is
   * re-queued after about this long plus `stalledIntervalMs`. Default 30 000.
   */
  lockDurationMs?: number;
  /** How often (ms) this worker looks for stalled shards of dead workers. Default 30 000. */
  stalledIntervalMs?: number;
  /** Times a shard may stall (its worker die) before it fails. Default 2. */
  maxStalledCount?: number;
  /** Give up connecting to Redis after this long (ms), with a clear error. Default 5000. */
  connectTimeoutMs?: number;
  /** Called for each shard this worker starts, completes or fails. */
  onEvent?: (e: WorkerEvent) => void;
}

/** A shard's life on one worker. */
export type WorkerEvent =
  | { type: "started"; worker: string; runId: string; shard: number; attempt: number }
  | { type: "completed"; worker: string; runId: string; shard: number; seconds: number }
  | { type: "failed"; worker: string; runId: string; shard: number; message: string };

/** A running worker ({@link startWorker}). */
export interface DistributedWorker {
  readonly name: string;
  /** The underlying BullMQ worker. */
  readonly worker: Worker<ShardJobData, ShardJobResult>;
  /**
   * Stops taking shards. Waits for running shards to finish, or with `force` terminates their threads (their
   * jobs are re-queued by BullMQ's stalled-job check, as if this process had died).
   */
  close(force?: boolean): Promise<void>;
}

const fromSource = import.meta.url.endsWith(".ts");

/**
 * Starts the shard thread. From the built package: `dist/shard-thread.js`. From source (tests, `--import tsx`):
 * Node 20 does not carry tsx's loader into worker threads, so a two-line entry registers tsx there first.
 */
function startThread(input: ThreadInput, transferList: ArrayBuffer[]): ThreadWorker {
  if (!fromSource) {
    // The bundle puts this code in a chunk; the package's own export map finds the thread entry.
    const entry = new URL(import.meta.resolve("@phlox/distributed/shard-thread"));
    return new ThreadWorker(entry, { workerData: input, transferList });
  }
  // tsx/esm/api resolves to its CommonJS build under require; its ES module build sits beside it.
  const tsxApi = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const tsx = pathToFileURL(tsxApi).href;
  const entry = new URL("./shard-thread.ts", import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new ThreadWorker(code, {
    eval: true,
    workerData: input,
    transferList,
    execArgv: ["--conditions=@phlox/source"],
  });
}

function validNumber(who: string, name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= min)) {
    throw new DistributedError("bad-options", `${who}: ${name} must be a number ≥ ${min}, got ${v}.`);
  }
}

/**
 * Starts a worker that takes shard jobs from the queue, samples each shard's sub-posterior with NUTS in a
 * worker thread and stores its draws in Redis. Run as many as you like, on any machine that reaches Redis
 * (the `phlox-distributed-worker` command runs one). The model module named by each job must be importable
 * on the worker.
 * @param options - connection, queue, concurrency, lock and stall settings.
 * @returns the running worker.
 * @throws DistributedError `"redis-unreachable"` when Redis does not answer within `connectTimeoutMs`.
 */
export async function startWorker(options: WorkerOptions = {}): Promise<DistributedWorker> {
  const who = "startWorker";
  const connection = options.connection ?? defaultConnection();
  const queueName = options.queueName ?? DEFAULT_QUEUE;
  const concurrency = options.concurrency ?? 1;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  validNumber(who, "concurrency", concurrency, 1);
  validNumber(who, "lockDurationMs", options.lockDurationMs, 100);
  validNumber(who, "stalledIntervalMs", options.stalledIntervalMs, 100);
  validNumber(who, "maxStalledCount", options.maxStalledCount, 0);
  validNumber(who, "connectTimeoutMs", connectTimeoutMs, 1);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  await probeRedis(connection, connectTimeoutMs);
  const redis = new Redis(redisOptions(connection, connectTimeoutMs));
  redis.on("error", () => {}); // reconnects; commands wait (BullMQ reports lost connections itself)
  const threads = new Set<ThreadWorker>();
  const emit = (e: WorkerEvent) => options.onEvent?.(e);

  const processor = async (job: Job<ShardJobData, ShardJobResult>): Promise<ShardJobResult> => {
    const d = job.data;
    if (d?.v !== 1) {
      throw new UnrecoverableError(`job ${job.id}: not a Phlox shard job (format ${String(d?.v)}).`);
    }
    const started = Date.now();
    emit({ type: "started", worker: name, runId: d.runId, shard: d.shard, attempt: job.attemptsStarted });
    const progress = (p: Omit<ShardProgress, "shard" | "worker">) =>
      job.updateProgress({ shard: d.shard, worker: name, ...p } satisfies ShardProgress).catch(() => {});
    await progress({ phase: "loading", chain: 0, iteration: 0, total: 0, numDivergences: 0 });
    const input: ThreadInput = {
      module: d.module,
      exportName: d.exportName,
      shard: d.shard,
      numShards: d.numShards,
      key: d.key,
      sampler: d.sampler,
    };
    if (d.data.kind === "redis") {
      const stored = await readArrays(redis, d.data.key);
      if (!stored) {
        throw new UnrecoverableError(
          `shard ${d.shard}: its data (${d.data.key}) is not in Redis (expired or deleted); rerun the driver.`,
        );
      }
      input.arrays = stored.arrays;
    } else {
      input.ref = d.data.ref;
    }
    const msg = await new Promise<ThreadMessage>((resolve, reject) => {
      const t = startThread(
        input,
        input.arrays ? Object.values(input.arrays).map((a) => a.data.buffer as ArrayBuffer) : [],
      );
      threads.add(t);
      let settled = false;
      const timer =
        d.timeoutMs === null
          ? undefined
          : setTimeout(() => {
              settled = true;
              threads.delete(t);
              void t.terminate();
              reject(
                new UnrecoverableError(
                  `shard ${d.shard} exceeded its timeout of ${d.timeoutMs} ms on worker ${name}; raise shardTimeoutMs or use more shards.`,
                ),
              );
            }, d.timeoutMs);
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        threads.delete(t);
        f();
      };
      t.on("message", (m: ThreadMessage) => {
        if (m.type === "progress") {
          void progress({
            phase: m.phase,
            chain: m.chain,
            iteration: m.iteration,
            total: m.total,
            numDivergences: m.numDivergences,
          });
        } else {
          finish(() => resolve(m));
        }
      });
      t.on("error", (e) =>
        finish(() => reject(new Error(`shard ${d.shard}: worker thread crashed: ${e.message}`))),
      );
      t.on("exit", (code) =>
        finish(() =>
          reject(new Error(`shard ${d.shard}: worker thread exited (code ${code}) before finishing.`)),
        ),
      );
    });
    if (msg.type === "error") throw new UnrecoverableError(msg.message);
    if (msg.type !== "done") throw new Error(`shard ${d.shard}: unexpected message from the shard thread.`);
    await progress({
      phase: "storing",
      chain: 0,
      iteration: 0,
      total: 0,
      numDivergences: msg.numDivergences,
    });
    const seconds = (Date.now() - started) / 1000;
    const result: ShardJobResult = {
      shard: d.shard,
      worker: name,
      numDivergences: msg.numDivergences,
      dataShapes: msg.dataShapes,
      seconds,
    };
    await writeArrays(redis, d.resultKey, msg.draws, d.resultTtlSeconds, result);
    return result;
  };

  const worker = new Worker<ShardJobData, ShardJobResult>(queueName, processor, {
    connection: redisOptions(connection, connectTimeoutMs) as ConnectionOptions,
    concurrency,
    name,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 2,
  });
  worker.on("error", () => {}); // connection hiccups; BullMQ reconnects
  // Reported once BullMQ has recorded the outcome (a worker that lost its lock cannot complete the job).
  worker.on("completed", (job, r) => {
    emit({
      type: "completed",
      worker: name,
      runId: job.data.runId,
      shard: job.data.shard,
      seconds: r.seconds,
    });
  });
  worker.on("failed", (job, err) => {
    if (job)
      emit({
        type: "failed",
        worker: name,
        runId: job.data.runId,
        shard: job.data.shard,
        message: err.message,
      });
  });
  await worker.waitUntilReady();
  return {
    name,
    worker,
    async close(force = false) {
      if (force) for (const t of threads) await t.terminate();
      await worker.close(force);
      redis.disconnect();
    },
  };
}

/** `host:port` of the worker's Redis, for logs. */
export function workerConnectionLabel(options: WorkerOptions): string {
  return describeConnection(options.connection ?? defaultConnection());
}
