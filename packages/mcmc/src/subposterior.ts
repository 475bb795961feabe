import type { Message } from "@phlox/handlers";
import { Scale } from "@phlox/handlers";
import { type KeyLike, type KeyPair, PhloxError, slice, splitKey, Tensor, toKeyPair } from "@phlox/tensor";
import type { Draws } from "./consensus.js";
import { type Model, type ModelKernelOptions, NUTS } from "./hmc-kernel.js";
import { type ChainProgress, MCMC } from "./mcmc.js";

/** Raised for data that cannot be sharded or shard runs that cannot start (the message names the array or shard). */
export class ShardError extends PhloxError {}

/** A data array to shard along its first axis: a tensor or a row-major typed array with its shape. */
export type DataArray =
  | Tensor
  | { data: Float64Array | Float32Array | Int32Array | Uint8Array; shape: readonly number[] };

/**
 * The `scale` handler restricted to latent sites: multiplies the log density of every unobserved `sample` site
 * by `factor`, leaving the likelihood untouched. With factor 1/K it turns a model on one of K data shards
 * into its sub-posterior p(θ)^{1/K} p(x_k | θ).
 */
export class PriorScale extends Scale {
  override processMessage(msg: Message): void {
    if (msg.type === "sample" && !msg.isObserved) super.processMessage(msg);
  }
}

/**
 * The sub-posterior model for one of `numShards` data shards (consensus Monte Carlo): the model with its prior
 * tempered by 1/K, i.e. every latent site's log density scaled by `1 / numShards` (the `scale` handler applied
 * to unobserved sites only). Run it on a shard's data; combine the shards' draws with {@link consensus}.
 * @param model - the full-data model; it is called with the shard's data in place of the full data.
 * @param numShards - K, the number of shards the data are split into.
 * @returns a model with the same signature.
 * @throws ShardError when numShards is not a positive integer.
 * @example
 * const model = (y: Tensor) => {
 *   const mu = sample("mu", new Normal(0, 1));
 *   plate("N", y.shape[0], () => sample("y", new Normal(mu, 1), { obs: y }));
 * };
 * const sub = subposteriorModel(model, 4);
 * trace(seed(sub, 0)).getTrace(tensor([1, 2])).get("mu")?.scale; // → 0.25
 */
export function subposteriorModel<A extends unknown[], R>(
  model: (...args: A) => R,
  numShards: number,
): (...args: A) => R {
  if (!Number.isInteger(numShards) || numShards < 1) {
    throw new ShardError(
      "shard-count",
      `subposteriorModel: numShards must be a positive integer, got ${numShards}.`,
    );
  }
  const tempered = (...args: A): R => new PriorScale(1 / numShards).run(() => model(...args));
  Object.defineProperty(tempered, "name", { value: `subposterior(${model.name || "model"}, ${numShards})` });
  return tempered;
}

function rowsOf(name: string, a: DataArray): number {
  const shape = a.shape;
  if (shape.length === 0) {
    throw new ShardError(
      "shard-scalar",
      `shardData: "${name}" is a scalar; only arrays with a leading data axis can be sharded (pass scalars to the model separately).`,
    );
  }
  return shape[0];
}

function sliceRows<T extends DataArray>(a: T, start: number, end: number): T {
  if (a instanceof Tensor) {
    const s = a.shape.map(() => 0);
    const e = [...a.shape];
    s[0] = start;
    e[0] = end;
    return slice(a, s, e) as T;
  }
  const row = a.shape.slice(1).reduce((x, y) => x * y, 1);
  return {
    data: a.data.slice(start * row, end * row),
    shape: [end - start, ...a.shape.slice(1)],
  } as unknown as T;
}

/**
 * Splits data arrays along their first axis into `numShards` contiguous shards (the first `n mod K` shards get
 * one row more), keeping rows of different arrays together.
 * @param data - named arrays with the same number of rows.
 * @param numShards - K.
 * @returns K objects with the same keys, each holding that shard's rows.
 * @throws ShardError when arrays have different row counts, an array is a scalar, or K exceeds the row count.
 * @example
 * const shards = shardData({ y: tensor([1, 2, 3, 4, 5]) }, 2);
 * shards.map((s) => s.y.shape[0]); // → [3, 2]
 */
export function shardData<T extends Record<string, DataArray>>(data: T, numShards: number): T[] {
  const names = Object.keys(data);
  if (names.length === 0) throw new ShardError("shard-no-data", "shardData: no arrays given.");
  if (!Number.isInteger(numShards) || numShards < 1) {
    throw new ShardError("shard-count", `shardData: numShards must be a positive integer, got ${numShards}.`);
  }
  const n = rowsOf(names[0], data[names[0]]);
  for (const name of names.slice(1)) {
    const m = rowsOf(name, data[name]);
    if (m !== n) {
      throw new ShardError(
        "shard-rows-mismatch",
        `shardData: "${name}" has ${m} rows but "${names[0]}" has ${n}; every array must have one row per observation.`,
      );
    }
  }
  if (numShards > n) {
    throw new ShardError("shard-count", `shardData: ${numShards} shards requested for ${n} rows.`);
  }
  const base = Math.floor(n / numShards);
  const extra = n % numShards;
  const out: T[] = [];
  let start = 0;
  for (let k = 0; k < numShards; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    const shard: Record<string, DataArray> = {};
    for (const name of names) shard[name] = sliceRows(data[name], start, end);
    out.push(shard as T);
    start = end;
  }
  return out;
}

/**
 * The PRNG key of shard `shard` of `numShards` for a run seeded with `key`: a function of the seed and the shard
 * index only, so a shard's draws do not depend on which process or machine runs it.
 */
export function shardKey(key: KeyLike, numShards: number, shard: number): KeyPair {
  if (!Number.isInteger(shard) || shard < 0 || shard >= numShards) {
    throw new ShardError("shard-index", `shardKey: shard ${shard} is outside [0, ${numShards}).`);
  }
  return splitKey(toKeyPair(key, "shardKey key"), numShards)[shard];
}

/** Options of {@link sampleSubposterior} and {@link sampleSubposteriors}. */
export interface SubposteriorOptions {
  numWarmup: number;
  numSamples: number;
  /** Chains per shard (run sequentially). Default 1. */
  numChains?: number;
  /** Options of each shard's NUTS kernel (target acceptance, tree depth, init strategy, ...). */
  nuts?: ModelKernelOptions;
  /** Progress of the shard's chains. */
  onProgress?: (p: ChainProgress) => void;
  /** Progress bar on stderr (default false). */
  progressBar?: boolean;
}

/** One shard's result: its draws and its number of divergent transitions. */
export interface SubposteriorResult {
  shard: number;
  draws: Draws;
  numDivergences: number;
}

/**
 * Runs NUTS on one shard's sub-posterior (the model with its prior tempered by 1/K, {@link subposteriorModel}),
 * keyed by {@link shardKey}; the same seed and shard give the same draws wherever this runs.
 * @param model - the full-data model.
 * @param args - the model's arguments for this shard (its data).
 * @param where - `{ numShards, shard, key }`.
 * @param options - sampling options.
 * @returns the shard's draws (`MCMC.getSamples()`) and divergence count.
 */
export async function sampleSubposterior(
  model: Model,
  args: readonly unknown[],
  where: { numShards: number; shard: number; key: KeyLike },
  options: SubposteriorOptions,
): Promise<SubposteriorResult> {
  const sub = subposteriorModel(model as (...a: unknown[]) => unknown, where.numShards);
  const mcmc = new MCMC(new NUTS(sub as Model, options.nuts), {
    numWarmup: options.numWarmup,
    numSamples: options.numSamples,
    numChains: options.numChains ?? 1,
    progressBar: options.progressBar ?? false,
    onProgress: options.onProgress,
  });
  await mcmc.run(shardKey(where.key, where.numShards, where.shard), ...args);
  return {
    shard: where.shard,
    draws: mcmc.getSamples(),
    numDivergences: mcmc.numDivergences.reduce((a, b) => a + b, 0),
  };
}

/**
 * Runs every shard's sub-posterior in this process, one after another ({@link sampleSubposterior}); combine
 * the `draws` with {@link consensus} or {@link parametricDraws}. For shards on other processes or machines,
 * see `@phlox/distributed`.
 * @param model - the full-data model.
 * @param shardArgs - the model's arguments for each shard, e.g. from {@link shardData}.
 * @param key - the run's seed; shard k samples with `shardKey(key, K, k)`.
 * @param options - sampling options, per shard.
 * @returns one result per shard, in shard order.
 */
export async function sampleSubposteriors(
  model: Model,
  shardArgs: readonly (readonly unknown[])[],
  key: KeyLike,
  options: SubposteriorOptions,
): Promise<SubposteriorResult[]> {
  const out: SubposteriorResult[] = [];
  for (let k = 0; k < shardArgs.length; k++) {
    out.push(
      await sampleSubposterior(model, shardArgs[k], { numShards: shardArgs.length, shard: k, key }, options),
    );
  }
  return out;
}
