/** What travels in a shard job (BullMQ job data) and what a finished job returns. */

/** Sampler settings of every shard (JSON-able: NUTS options such as `targetAcceptProb`, `maxTreeDepth`, `denseMass`). */
export interface ShardSamplerOptions {
  numWarmup: number;
  numSamples: number;
  /** Chains per shard, run one after another in the worker. Default 1. */
  numChains?: number;
  /** NUTS options (JSON values only: functions such as init strategies cannot travel to other machines). */
  nuts?: Record<string, number | boolean | string | number[]>;
}

/** Where a worker finds its shard's data. */
export type ShardDataSource =
  /** Arrays the driver wrote to Redis under `key`. */
  | { kind: "redis"; key: string }
  /** An opaque reference (a path, a URL, a table name) passed to the model module's `loadShard(ref, shard)`. */
  | { kind: "ref"; ref: string };

/** The data of one shard job. */
export interface ShardJobData {
  /** Format version. */
  v: 1;
  runId: string;
  shard: number;
  numShards: number;
  /** The run's key as a [hi, lo] pair; the shard samples with `shardKey(key, numShards, shard)`. */
  key: [number, number];
  /** The model module: an absolute path, a file: URL or a package specifier the workers can import. */
  module: string;
  /** The model's export name in that module. */
  exportName: string;
  data: ShardDataSource;
  /** Hash the worker writes the draws to. */
  resultKey: string;
  resultTtlSeconds: number;
  sampler: ShardSamplerOptions;
  /** Fail the shard after this long (ms); null for no limit. */
  timeoutMs: number | null;
}

/** Progress a worker reports for a shard (BullMQ job progress). */
export interface ShardProgress {
  shard: number;
  /** The worker's name (host:pid by default). */
  worker: string;
  phase: "loading" | "warmup" | "sample" | "storing";
  chain: number;
  iteration: number;
  total: number;
  numDivergences: number;
}

/** What a completed shard job returns (its draws are in Redis under `resultKey`). */
export interface ShardJobResult {
  shard: number;
  worker: string;
  numDivergences: number;
  /** Shape of each data array the shard's model ran on. */
  dataShapes: Record<string, number[]>;
  /** Sampling time on the worker. */
  seconds: number;
}
