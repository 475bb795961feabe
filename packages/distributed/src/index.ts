export { probeRedis, type RedisConnection } from "./connection.js";
export {
  type DistributedResult,
  type RunDistributedOptions,
  runDistributed,
  type ShardOutcome,
} from "./driver.js";
export { DistributedError } from "./errors.js";
export type {
  ShardDataSource,
  ShardJobData,
  ShardJobResult,
  ShardProgress,
  ShardSamplerOptions,
} from "./job.js";
export {
  DEFAULT_QUEUE,
  type DistributedWorker,
  startWorker,
  type WorkerEvent,
  type WorkerOptions,
} from "./worker.js";
