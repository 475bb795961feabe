import { fileURLToPath } from "node:url";
import { consensus, sampleSubposteriors, shardData } from "@phlox/mcmc";
import { tensor } from "@phlox/tensor";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runDistributed } from "./driver.js";
import { DistributedError } from "./errors.js";
import type { ShardProgress } from "./job.js";
import { model, simulate } from "./testing/logistic-model.js";
import {
  freePort,
  spawnWorker,
  startRedis,
  type TestRedis,
  type WorkerProcess,
} from "./testing/redis-server.js";
import { startWorker } from "./worker.js";

const MODULE = fileURLToPath(new URL("./testing/logistic-model.ts", import.meta.url));
const LONG = 300_000;

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

/** The reference: every shard sampled in this process, then combined. */
async function reference(
  n: number,
  d: number,
  seed: number,
  k: number,
  key: number,
  numWarmup: number,
  numSamples: number,
) {
  const { X, y } = simulate(n, d, seed);
  const shards = shardData({ X: tensor(X, { shape: [n, d] }), y: tensor(y, { shape: [n] }) }, k);
  const subs = await sampleSubposteriors(
    model,
    shards.map((s) => [s.X, s.y]),
    key,
    { numWarmup, numSamples },
  );
  return { subs, combined: consensus(subs.map((s) => s.draws)) };
}

describe("fault tolerance: 3 worker processes, one killed with SIGKILL mid-shard", () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    for (const w of workers) await w.stop("SIGKILL");
  });

  test(
    "every shard completes exactly once, and the combined draws equal an in-process reference run",
    async () => {
      const [n, d, seed, K, key, numWarmup, numSamples] = [1200, 3, 11, 6, 7, 300, 600];
      const flags = [
        "--redis",
        redis.url,
        "--queue",
        "fault",
        "--lock-duration",
        "4000",
        "--stalled-interval",
        "1000",
      ];
      for (const name of ["w0", "w1", "w2"]) workers.push(spawnWorker([...flags, "--name", name]));
      await Promise.all(workers.map((w) => w.waitFor(/^ready /)));
      const { X, y } = simulate(n, d, seed);
      const progress: ShardProgress[] = [];
      const run = runDistributed({
        connection: redis.url,
        queueName: "fault",
        module: MODULE,
        data: { X: { data: X, shape: [n, d] }, y: { data: y, shape: [n] } },
        numShards: K,
        key,
        numWarmup,
        numSamples,
        onProgress: (p) => progress.push(p),
        runTimeoutMs: 280_000,
      });
      const victim = workers[0];
      const started = await victim.waitFor(/^started /);
      victim.proc.kill("SIGKILL");
      const killedShard = Number(/shard=(\d+)/.exec(started)?.[1]);
      const result = await run;

      // Every shard completed exactly once (BullMQ's completion events across all workers), none by the victim.
      const completed = workers.flatMap((w) => w.lines.filter((l) => l.startsWith("completed ")));
      const shardsDone = completed.map((l) => Number(/shard=(\d+)/.exec(l)?.[1])).sort((a, b) => a - b);
      expect(shardsDone).toEqual([0, 1, 2, 3, 4, 5]);
      expect(victim.lines.some((l) => l.startsWith("completed "))).toBe(false);
      const redone = result.subposteriors[killedShard];
      expect(redone.worker).not.toBe("w0");
      expect(redone.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(redone.stalledCount).toBeGreaterThanOrEqual(1);
      // Progress came from the surviving workers (and the victim before it died).
      expect(new Set(progress.map((p) => p.worker)).size).toBeGreaterThanOrEqual(2);
      expect(new Set(progress.map((p) => p.shard))).toEqual(new Set([0, 1, 2, 3, 4, 5]));

      const ref = await reference(n, d, seed, K, key, numWarmup, numSamples);
      result.subposteriors.forEach((s, k) => {
        expect(s.draws.beta.dataSync()).toEqual(ref.subs[k].draws.beta.dataSync());
      });
      expect(result.draws.beta.shape).toEqual([numSamples, d]);
      expect(result.draws.beta.dataSync()).toEqual(ref.combined.beta.dataSync());
    },
    LONG,
  );
});

describe("bad input and failures name the shard", () => {
  let worker: WorkerProcess;
  const base = () => {
    const { X, y } = simulate(200, 2, 3);
    return {
      connection: redis.url,
      queueName: "bad",
      module: MODULE,
      data: { X: { data: X, shape: [200, 2] }, y: { data: y, shape: [200] } },
      numShards: 2,
      key: 1,
      numWarmup: 100,
      numSamples: 100,
      runTimeoutMs: 120_000,
    };
  };
  beforeAll(async () => {
    worker = spawnWorker(["--redis", redis.url, "--queue", "bad", "--name", "solo"]);
    await worker.waitFor(/^ready /);
  }, 120_000);
  afterAll(async () => {
    await worker?.stop("SIGKILL");
  });

  test(
    "a model module that cannot be loaded, or lacks the export",
    async () => {
      const missing = runDistributed({ ...base(), module: "/nonexistent/phlox-model.mjs" });
      await expect(missing).rejects.toThrow(
        /shard \d: cannot load the model module "\/nonexistent\/phlox-model.mjs"/,
      );
      await expect(missing).rejects.toMatchObject({ code: "shard-failed" });
      await expect(runDistributed({ ...base(), exportName: "nope" })).rejects.toThrow(
        /shard \d: the model module ".*logistic-model.ts" has no function export "nope" \(exports: .*model/,
      );
    },
    LONG,
  );

  test(
    "a sub-posterior with divergences warns naming the shard; a shard over its timeout fails naming it",
    async () => {
      const warnings: string[] = [];
      const r = await runDistributed({
        ...base(),
        exportName: "funnel",
        nuts: { targetAcceptProb: 0.5 },
        combine: "none",
        onWarning: (m) => warnings.push(m),
      });
      expect(r.subposteriors.every((s) => s.numDivergences > 0)).toBe(true);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/^shard 0: \d+ divergent transitions in its sub-posterior \(worker solo\)/);
      expect(warnings[1]).toMatch(/^shard 1: /);
      await expect(runDistributed({ ...base(), numWarmup: 100_000, shardTimeoutMs: 300 })).rejects.toThrow(
        /shard 0 exceeded its timeout of 300 ms on worker solo/,
      );
    },
    LONG,
  );

  test(
    "data references: the module's loadShard reads each shard, with the same draws as data sent through Redis",
    async () => {
      const viaRedis = await runDistributed(base());
      const { data: _data, ...rest } = base();
      const viaRefs = await runDistributed({ ...rest, dataRefs: ["200,2,3,2", "200,2,3,2"] });
      expect(viaRefs.draws.beta.dataSync()).toEqual(viaRedis.draws.beta.dataSync());
    },
    LONG,
  );

  test("shards of unequal columns are refused before anything is enqueued", async () => {
    const X0 = { data: new Float64Array(20), shape: [10, 2] };
    const X1 = { data: new Float64Array(30), shape: [10, 3] };
    const y = { data: new Float64Array(10), shape: [10] };
    const bad = runDistributed({
      ...base(),
      numShards: undefined,
      data: [
        { X: X0, y },
        { X: X1, y },
      ],
    });
    await expect(bad).rejects.toThrow(
      /shard 1: "X" has shape \[10, 3\], but shard 0's rows have shape \[2\]/,
    );
    await expect(bad).rejects.toMatchObject({ code: "shard-columns", shard: 1 });
  });

  test(
    "no worker on the queue: the run timeout names the shards nobody started",
    async () => {
      await expect(runDistributed({ ...base(), queueName: "idle", runTimeoutMs: 1500 })).rejects.toThrow(
        /no worker has started shard\(s\) 0, 1 — are workers running on queue "idle"/,
      );
    },
    LONG,
  );
});

describe("Redis unreachable: a clear error within the connect timeout, no hang", () => {
  test("Redis going away mid-run fails the run naming the unfinished shards", async () => {
    const own = await startRedis();
    try {
      const run = runDistributed({
        connection: own.url,
        queueName: "outage",
        module: MODULE,
        data: { y: { data: new Float64Array(4), shape: [4] } },
        numShards: 2,
        key: 0,
        numWarmup: 10,
        numSamples: 10,
        connectTimeoutMs: 1000,
        pollIntervalMs: 50,
        runId: "outage-run",
      });
      const outcome = run.then(
        () => "resolved",
        (e: Error) => e,
      );
      // Wait until both shards are enqueued (no worker takes them), then stop Redis.
      const probe = new Redis(own.url);
      while ((await probe.exists("bull:outage:outage-run-shard-1")) === 0) {
        await new Promise((r) => setTimeout(r, 50));
      }
      probe.disconnect();
      await own.stop();
      const e = await outcome;
      expect(e).toBeInstanceOf(DistributedError);
      expect((e as DistributedError).code).toBe("redis-unreachable");
      expect((e as Error).message).toMatch(/lost Redis at 127\.0\.0\.1:\d+ .*unfinished shards: 0, 1/);
    } finally {
      await own.stop();
    }
  }, 60_000);

  test("driver and worker", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const t0 = Date.now();
    const run = runDistributed({
      connection: url,
      module: MODULE,
      data: { y: { data: new Float64Array(4), shape: [4] } },
      numShards: 2,
      key: 0,
      numWarmup: 10,
      numSamples: 10,
      connectTimeoutMs: 1000,
    });
    await expect(run).rejects.toThrow(new RegExp(`Cannot reach Redis at 127.0.0.1:${port}`));
    await expect(run).rejects.toBeInstanceOf(DistributedError);
    await expect(startWorker({ connection: url, connectTimeoutMs: 1000 })).rejects.toMatchObject({
      code: "redis-unreachable",
    });
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 60_000);
});
