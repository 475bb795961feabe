#!/usr/bin/env node
/**
 * `phlox-distributed-worker`: one worker process taking Phlox shard jobs from Redis.
 *
 *   phlox-distributed-worker [--redis redis://host:6379] [--queue phlox] [--concurrency 1] [--name NAME]
 *                            [--lock-duration MS] [--stalled-interval MS] [--max-stalled N] [--connect-timeout MS]
 *
 * Prints one line per event on stdout (`ready`, `started`, `completed`, `failed`); stops on SIGINT/SIGTERM
 * after the running shards finish (a second signal exits at once; BullMQ re-queues what was running).
 */
import { DistributedError } from "./errors.js";
import { startWorker, type WorkerOptions, workerConnectionLabel } from "./worker.js";

const USAGE =
  "usage: phlox-distributed-worker [--redis URL] [--queue NAME] [--concurrency N] [--name NAME] " +
  "[--lock-duration MS] [--stalled-interval MS] [--max-stalled N] [--connect-timeout MS]";

function parse(argv: readonly string[]): WorkerOptions {
  const o: WorkerOptions = {};
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n))
      throw new DistributedError("bad-options", `${flag} needs a number.\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = argv[i + 1];
    switch (flag) {
      case "--redis":
        o.connection = v;
        break;
      case "--queue":
        o.queueName = v;
        break;
      case "--name":
        o.name = v;
        break;
      case "--concurrency":
        o.concurrency = num(flag, v);
        break;
      case "--lock-duration":
        o.lockDurationMs = num(flag, v);
        break;
      case "--stalled-interval":
        o.stalledIntervalMs = num(flag, v);
        break;
      case "--max-stalled":
        o.maxStalledCount = num(flag, v);
        break;
      case "--connect-timeout":
        o.connectTimeoutMs = num(flag, v);
        break;
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new DistributedError("bad-options", `unknown argument "${flag}".\n${USAGE}`);
    }
    if (v === undefined || v.startsWith("--"))
      throw new DistributedError("bad-options", `${flag} needs a value.\n${USAGE}`);
    i++;
  }
  return o;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const w = await startWorker({
    ...options,
    onEvent: (e) => {
      if (e.type === "started")
        log(`started run=${e.runId} shard=${e.shard} attempt=${e.attempt} worker=${e.worker}`);
      else if (e.type === "completed")
        log(`completed run=${e.runId} shard=${e.shard} seconds=${e.seconds.toFixed(2)} worker=${e.worker}`);
      else log(`failed run=${e.runId} shard=${e.shard} worker=${e.worker}: ${e.message}`);
    },
  });
  log(`ready worker=${w.name} redis=${workerConnectionLabel(options)} queue=${options.queueName ?? "phlox"}`);
  let stopping = false;
  const stop = () => {
    // First signal: finish the running shards. Second: exit now (BullMQ re-queues what was running).
    if (stopping) process.exit(1);
    stopping = true;
    w.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`phlox-distributed-worker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
