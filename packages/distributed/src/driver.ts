import { randomUUID } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import { consensus, type DataArray, type Draws, parametricDraws, shardData } from "@phlox/mcmc";
import { type KeyLike, tensor, toKeyPair } from "@phlox/tensor";
import { type ConnectionOptions, Queue } from "bullmq";
import { Redis } from "ioredis";
import {
  defaultConnection,
  describeConnection,
  probeRedis,
  type RedisConnection,
  redisOptions,
} from "./connection.js";
import { DistributedError } from "./errors.js";
import { dataKey, drawsKey, jobId } from "./internal/keys.js";
import { dtypeOf, readArrays, type StoredArray, writeArrays } from "./internal/store.js";
import type { ShardJobData, ShardJobResult, ShardProgress, ShardSamplerOptions } from "./job.js";
import { DEFAULT_QUEUE } from "./worker.js";

/** Options of {@link runDistributed}. */
export interface RunDistributedOptions extends ShardSamplerOptions {
  /** Redis the workers listen on. Default `$PHLOX_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /** BullMQ queue name (the workers' `queueName`). Default `"phlox"`. */
  queueName?: string;
  /**
   * The model module every worker imports: an absolute path (a relative one is resolved against this process's
   * working directory, so workers elsewhere need the same path), a file: URL or a package name. It exports the
   * model (`exportName`, default `"model"`) and optionally `modelArgs(data, shard)` (default: the data arrays as
   * tensors, in the order given) and `loadShard(ref, shard)` (for `dataRefs`).
   */
  module: string;
  /** The model's export name. Default `"model"`. */
  exportName?: string;
  /**
   * The data, written to Redis for the workers: the full data (split row-wise into `numShards` shards with
   * `shardData`), or a list of already split shards (same arrays, same columns, one entry per shard).
   */
  data?: Record<string, DataArray> | readonly Record<string, DataArray>[];
  /** Instead of `data`: one reference per shard for the module's `loadShard(ref, shard)` (files on shared storage, URLs). */
  dataRefs?: readonly string[];
  /** K, when `data` is the full data. */
  numShards?: number;
  /** The run's seed; shard k samples with `shardKey(key, K, k)` whichever worker runs it. */
  key: KeyLike;
  /** How to combine the sub-posteriors: `"consensus"` (default), `"parametric"` (draws from the Gaussian fit) or `"none"`. */
  combine?: "consensus" | "parametric" | "none";
  /** Combined draws to return (consensus: resample; parametric: required number of draws). Default: numSamples × numChains. */
  numDraws?: number;
  /** Weight coordinates by variances instead of full covariances. Default false. */
  diagonal?: boolean;
  /** A shard still running after this long (ms) fails, named. Default none. */
  shardTimeoutMs?: number;
  /** The whole run fails after this long (ms), naming the unfinished shards. Default none. */
  runTimeoutMs?: number;
  /** Fail if Redis does not answer within this long (ms), at the start or at any point of the run. Default 5000. */
  connectTimeoutMs?: number;
  /** How often (ms) the driver polls the shards' states. Default 250. */
  pollIntervalMs?: number;
  /** Called when any shard's progress changes (phase, iteration, worker). */
  onProgress?: (p: ShardProgress) => void;
  /** Called for shards whose sub-posterior had divergences (default: `process.emitWarning`). */
  onWarning?: (message: string, shard: number) => void;
  /** Leave the shards' data, draws and jobs in Redis (default: removed after a successful run). */
  keepResults?: boolean;
  /** Run id (default a random UUID); jobs are `<runId>-shard-<k>`, so resubmitting a run id never duplicates shards. */
  runId?: string;
  /** Time-to-live (s) of data and draws in Redis. Default 86 400. */
  ttlSeconds?: number;
}

/** One shard's outcome. */
export interface ShardOutcome {
  shard: number;
  draws: Draws;
  numDivergences: number;
  /** The worker that completed the shard. */
  worker: string;
  /** How many times a worker started it (above 1 after its worker died and BullMQ re-ran it). */
  attemptsStarted: number;
  /** How many times it stalled (its worker stopped renewing the lock). */
  stalledCount: number;
  /** Sampling time on the worker. */
  seconds: number;
}

/** What {@link runDistributed} returns. */
export interface DistributedResult {
  runId: string;
  /** Combined draws (empty with `combine: "none"`). */
  draws: Draws;
  /** Every shard's draws and bookkeeping, in shard order. */
  subposteriors: ShardOutcome[];
}

function toStored(a: DataArray): StoredArray {
  if ("dataSync" in a && typeof a.dataSync === "function") {
    const d = a.dataSync();
    const data = dtypeOf(d) ? (d as StoredArray["data"]) : Float64Array.from(d as ArrayLike<number>);
    return { data, shape: [...a.shape] };
  }
  const s = a as { data: StoredArray["data"]; shape: readonly number[] };
  return { data: s.data, shape: [...s.shape] };
}

/** Checks that pre-split shards have the same arrays with the same columns (trailing shape). */
function checkShards(shards: readonly Record<string, StoredArray>[]): void {
  const names = Object.keys(shards[0]);
  shards.forEach((s, k) => {
    const got = Object.keys(s);
    if (got.join(",") !== names.join(",")) {
      throw new DistributedError(
        "shard-columns",
        `shard ${k} has arrays [${got.join(", ")}] but shard 0 has [${names.join(", ")}].`,
        k,
      );
    }
    let rows = -1;
    for (const n of names) {
      const a = s[n];
      const want = shards[0][n].shape.slice(1);
      if (a.shape.length === 0 || a.shape.slice(1).join(",") !== want.join(",")) {
        throw new DistributedError(
          "shard-columns",
          `shard ${k}: "${n}" has shape [${a.shape.join(", ")}], but shard 0's rows have shape [${want.join(", ")}]; ` +
            "every shard must have the same columns.",
          k,
        );
      }
      if (a.data.length !== a.shape.reduce((x, y) => x * y, 1)) {
        throw new DistributedError(
          "shard-columns",
          `shard ${k}: "${n}" has ${a.data.length} values for shape [${a.shape.join(", ")}].`,
          k,
        );
      }
      if (rows === -1) rows = a.shape[0];
      else if (a.shape[0] !== rows) {
        throw new DistributedError(
          "shard-columns",
          `shard ${k}: "${n}" has ${a.shape[0]} rows but "${names[0]}" has ${rows}.`,
          k,
        );
      }
    }
  });
}

function checkDataShapes(results: readonly ShardJobResult[]): void {
  const first = results[0].dataShapes;
  for (const r of results) {
    for (const [n, shape] of Object.entries(r.dataShapes)) {
      const want = first[n];
      if (!want || want.slice(1).join(",") !== shape.slice(1).join(",")) {
        throw new DistributedError(
          "shard-columns",
          `shard ${r.shard}: its data "${n}" has shape [${shape.join(", ")}], unlike shard ${results[0].shard}'s ` +
            `[${(want ?? []).join(", ")}]; every shard must have the same columns.`,
          r.shard,
        );
      }
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `p`, or a rejection after `ms` (Redis commands wait while ioredis reconnects; the driver must not). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Consensus Monte Carlo over BullMQ: enqueues one job per shard (data reference, model module, seed), waits
 * for any number of workers ({@link startWorker}, `phlox-distributed-worker`) to sample the sub-posteriors,
 * reports their progress, and combines the draws with `consensus` or `parametricDraws`. A shard whose worker
 * dies is re-run by BullMQ's stalled-job check; the same key gives the same draws whichever worker ran which shard.
 * @param options - model module, data, sampler settings, combination, Redis connection.
 * @returns the combined draws and every shard's draws.
 * @throws DistributedError: `"redis-unreachable"`, `"shard-columns"` (shards with different arrays or columns),
 *   `"shard-failed"` (a shard failed on its worker: model module not loadable, sampling error, timeout; the message
 *   names the shard), `"run-timeout"`, `"bad-options"`.
 */
export async function runDistributed(options: RunDistributedOptions): Promise<DistributedResult> {
  const who = "runDistributed";
  const connection = options.connection ?? defaultConnection();
  const queueName = options.queueName ?? DEFAULT_QUEUE;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const ttlSeconds = options.ttlSeconds ?? 86_400;
  const runId = options.runId ?? randomUUID();
  const bad = (m: string) => new DistributedError("bad-options", `${who}: ${m}`);
  if (typeof options.module !== "string" || options.module === "")
    throw bad("module must name the model module.");
  if (!Number.isInteger(options.numWarmup) || options.numWarmup < 0)
    throw bad("numWarmup must be an integer ≥ 0.");
  if (!Number.isInteger(options.numSamples) || options.numSamples < 2)
    throw bad("numSamples must be an integer ≥ 2.");
  if ((options.data === undefined) === (options.dataRefs === undefined))
    throw bad("pass exactly one of data and dataRefs.");
  if (runId.includes(":")) throw bad(`runId may not contain ":" (BullMQ job ids), got "${runId}".`);
  const key = toKeyPair(options.key, `${who} key`);
  const module =
    options.module.startsWith("file:") || isAbsolute(options.module) || !options.module.startsWith(".")
      ? options.module
      : resolve(options.module);

  let shards: Record<string, StoredArray>[] | undefined;
  let numShards: number;
  if (options.dataRefs !== undefined) {
    numShards = options.dataRefs.length;
    if (numShards === 0) throw bad("dataRefs is empty.");
  } else if (Array.isArray(options.data)) {
    const list = options.data as readonly Record<string, DataArray>[];
    if (list.length === 0) throw bad("data is an empty list of shards.");
    shards = list.map((s) => Object.fromEntries(Object.entries(s).map(([n, a]) => [n, toStored(a)])));
    checkShards(shards);
    numShards = shards.length;
  } else {
    const k = options.numShards;
    if (k === undefined || !Number.isInteger(k) || k < 1)
      throw bad("numShards (a positive integer) is needed with the full data.");
    const full = Object.fromEntries(
      Object.entries(options.data as Record<string, DataArray>).map(([n, a]) => [n, toStored(a)]),
    );
    shards = shardData(full, k) as Record<string, StoredArray>[];
    numShards = k;
  }
  if (options.numShards !== undefined && options.numShards !== numShards) {
    throw bad(`numShards is ${options.numShards} but ${numShards} shards were given.`);
  }

  await probeRedis(connection, connectTimeoutMs);
  // The driver's commands fail after two reconnection attempts instead of waiting for Redis forever.
  const redisOpts = { ...redisOptions(connection, connectTimeoutMs), maxRetriesPerRequest: 2 };
  const redis = new Redis(redisOpts);
  redis.on("error", () => {});
  const queue = new Queue<ShardJobData, ShardJobResult, string>(queueName, {
    connection: redisOpts as ConnectionOptions,
  });
  queue.on("error", () => {});
  const ids = Array.from({ length: numShards }, (_, k) => jobId(runId, k));
  const enqueue = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      throw new DistributedError(
        "redis-unreachable",
        `${who}: could not write run ${runId} to Redis at ${describeConnection(connection)}: ${(e as Error).message}.`,
      );
    }
  };
  let succeeded = false;
  try {
    const jobs: ShardJobData[] = [];
    for (let k = 0; k < numShards; k++) {
      let data: ShardJobData["data"];
      if (shards) {
        const dk = dataKey(queueName, runId, k);
        await enqueue(writeArrays(redis, dk, shards[k], ttlSeconds));
        data = { kind: "redis", key: dk };
      } else {
        data = { kind: "ref", ref: (options.dataRefs as readonly string[])[k] };
      }
      jobs.push({
        v: 1,
        runId,
        shard: k,
        numShards,
        key,
        module,
        exportName: options.exportName ?? "model",
        data,
        resultKey: drawsKey(queueName, runId, k),
        resultTtlSeconds: ttlSeconds,
        sampler: {
          numWarmup: options.numWarmup,
          numSamples: options.numSamples,
          numChains: options.numChains ?? 1,
          ...(options.nuts ? { nuts: options.nuts } : {}),
        },
        timeoutMs: options.shardTimeoutMs ?? null,
      });
    }
    await enqueue(
      queue.addBulk(
        jobs.map((d, k) => ({
          name: `shard-${k}` as string,
          data: d,
          opts: { jobId: ids[k], attempts: 1, removeOnComplete: false, removeOnFail: false },
        })),
      ),
    );

    // Poll the shards' states (robust to missed events); a Redis outage longer than connectTimeoutMs fails the run.
    const done = new Map<number, { result: ShardJobResult; attemptsStarted: number; stalledCount: number }>();
    const lastProgress = new Map<number, string>();
    const started = Date.now();
    let lastContact = Date.now();
    while (done.size < numShards) {
      try {
        for (let k = 0; k < numShards; k++) {
          if (done.has(k)) continue;
          const job = await within(queue.getJob(ids[k]), connectTimeoutMs, `reading shard ${k}`);
          if (!job) {
            throw new DistributedError(
              "shard-failed",
              `shard ${k}: its job ${ids[k]} disappeared from queue "${queueName}" (removed by someone else?).`,
              k,
            );
          }
          const p = job.progress as ShardProgress | number;
          if (typeof p === "object" && p !== null) {
            const s = JSON.stringify(p);
            if (lastProgress.get(k) !== s) {
              lastProgress.set(k, s);
              options.onProgress?.(p);
            }
          }
          if (job.finishedOn !== undefined && job.failedReason) {
            throw new DistributedError(
              "shard-failed",
              job.failedReason.includes(`shard ${k}`) ? job.failedReason : `shard ${k}: ${job.failedReason}`,
              k,
            );
          }
          if (job.finishedOn !== undefined && job.returnvalue?.worker !== undefined) {
            done.set(k, {
              result: job.returnvalue,
              attemptsStarted: job.attemptsStarted,
              stalledCount: job.stalledCounter,
            });
          }
        }
        lastContact = Date.now();
      } catch (e) {
        if (e instanceof DistributedError) throw e;
        if (Date.now() - lastContact > connectTimeoutMs) {
          throw new DistributedError(
            "redis-unreachable",
            `${who}: lost Redis at ${describeConnection(connection)} for over ${connectTimeoutMs} ms ` +
              `(${(e as Error).message}); unfinished shards: ${[...Array(numShards).keys()].filter((k) => !done.has(k)).join(", ")}.`,
          );
        }
      }
      if (options.runTimeoutMs !== undefined && Date.now() - started > options.runTimeoutMs) {
        const pending = [...Array(numShards).keys()].filter((k) => !done.has(k));
        const untouched = pending.filter((k) => !lastProgress.has(k));
        throw new DistributedError(
          "run-timeout",
          `${who}: run ${runId} did not finish within ${options.runTimeoutMs} ms; unfinished shards: ${pending.join(", ")}` +
            (untouched.length > 0
              ? `; no worker has started shard(s) ${untouched.join(", ")} — are workers running on queue "${queueName}" at ${describeConnection(connection)}?`
              : "."),
          pending[0],
        );
      }
      if (done.size < numShards) await sleep(pollIntervalMs);
    }

    const results = [...done.entries()].sort((a, b) => a[0] - b[0]);
    checkDataShapes(results.map(([, r]) => r.result));
    const subposteriors: ShardOutcome[] = [];
    for (const [k, r] of results) {
      const stored = await readArrays(redis, drawsKey(queueName, runId, k));
      if (!stored) {
        throw new DistributedError(
          "shard-failed",
          `shard ${k}: its draws are missing from Redis (expired or deleted) although the job completed.`,
          k,
        );
      }
      const draws: Draws = {};
      for (const [n, a] of Object.entries(stored.arrays))
        draws[n] = tensor(a.data, { shape: a.shape, dtype: "float64" });
      subposteriors.push({
        shard: k,
        draws,
        numDivergences: r.result.numDivergences,
        worker: r.result.worker,
        attemptsStarted: r.attemptsStarted,
        stalledCount: r.stalledCount,
        seconds: r.result.seconds,
      });
    }
    const warn =
      options.onWarning ??
      ((m: string) => {
        process.emitWarning(m, { code: "PHLOX_SHARD_DIVERGENCES" });
      });
    for (const s of subposteriors) {
      if (s.numDivergences > 0) {
        warn(
          `shard ${s.shard}: ${s.numDivergences} divergent transition${s.numDivergences === 1 ? "" : "s"} in its sub-posterior ` +
            `(worker ${s.worker}); its draws, and so the combined posterior, may be biased. Raise nuts.targetAcceptProb or reparameterise.`,
          s.shard,
        );
      }
    }
    const all = subposteriors.map((s) => s.draws);
    const numDraws = options.numDraws;
    const combine = options.combine ?? "consensus";
    let draws: Draws = {};
    if (combine === "consensus") draws = consensus(all, numDraws, { diagonal: options.diagonal, key });
    else if (combine === "parametric") {
      draws = parametricDraws(all, numDraws ?? options.numSamples * (options.numChains ?? 1), {
        diagonal: options.diagonal,
        key,
      });
    }
    succeeded = true;
    return { runId, draws, subposteriors };
  } finally {
    const cleanup = async () => {
      // On failure, withdraw the shards no worker has started; a successful run removes its keys and jobs.
      for (const id of ids) {
        const job = await queue.getJob(id);
        if (!job) continue;
        const state = await job.getState();
        if (
          succeeded
            ? !options.keepResults
            : state === "waiting" || state === "prioritized" || state === "delayed"
        ) {
          await job.remove().catch(() => {});
        }
      }
      if (succeeded && !options.keepResults) {
        const keys = ids.flatMap((_, k) => [dataKey(queueName, runId, k), drawsKey(queueName, runId, k)]);
        await redis.del(...keys);
      }
    };
    // Redis gone: nothing more to clean; keys expire after ttlSeconds.
    await within(cleanup(), connectTimeoutMs, "cleanup").catch(() => {});
    await within(queue.close(), connectTimeoutMs, "close").catch(() => {});
    redis.disconnect();
  }
}
