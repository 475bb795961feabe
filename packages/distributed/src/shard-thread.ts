/**
 * Entry of the worker thread that samples one shard (started by `startWorker`'s job processor): the thread
 * imports the model module, builds the shard's model arguments and runs NUTS on the sub-posterior, so the
 * worker's event loop stays free to renew BullMQ's job lock while it computes.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { type DataArray, type ModelKernelOptions, sampleSubposterior } from "@phlox/mcmc";
import { type Tensor, tensor } from "@phlox/tensor";
import type { StoredArray } from "./internal/store.js";
import type { ShardSamplerOptions } from "./job.js";

/** What the job processor hands the thread. */
export interface ThreadInput {
  module: string;
  exportName: string;
  shard: number;
  numShards: number;
  key: [number, number];
  sampler: ShardSamplerOptions;
  arrays?: Record<string, StoredArray>;
  ref?: string;
}

/** Messages from the thread. */
export type ThreadMessage =
  | {
      type: "progress";
      phase: "warmup" | "sample";
      chain: number;
      iteration: number;
      total: number;
      numDivergences: number;
    }
  | {
      type: "done";
      draws: Record<string, StoredArray>;
      numDivergences: number;
      dataShapes: Record<string, number[]>;
    }
  | { type: "error"; code: string; message: string };

/** The exports a model module may have. */
interface ModelModule {
  [name: string]: unknown;
  modelArgs?: (data: Record<string, Tensor>, shard: number) => unknown[] | Promise<unknown[]>;
  loadShard?: (ref: string, shard: number) => Record<string, DataArray> | Promise<Record<string, DataArray>>;
}

class ThreadFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function toStored(name: string, a: DataArray, shard: number): StoredArray {
  if (typeof (a as Tensor).dataSync === "function") {
    const t = a as Tensor;
    return { data: t.dataSync() as Float64Array, shape: [...t.shape] };
  }
  const s = a as { data: StoredArray["data"]; shape: readonly number[] };
  if (!ArrayBuffer.isView(s.data) || !Array.isArray(s.shape)) {
    throw new ThreadFailure(
      "bad-data",
      `shard ${shard}: loadShard returned "${name}" that is neither a tensor nor { data: TypedArray, shape }.`,
    );
  }
  return { data: s.data, shape: [...s.shape] };
}

async function run(input: ThreadInput): Promise<ThreadMessage> {
  const { shard } = input;
  const spec = isAbsolute(input.module) ? pathToFileURL(input.module).href : input.module;
  let mod: ModelModule;
  try {
    mod = (await import(spec)) as ModelModule;
  } catch (e) {
    throw new ThreadFailure(
      "model-module",
      `shard ${shard}: cannot load the model module "${input.module}" on this worker: ${(e as Error).message}`,
    );
  }
  const model = mod[input.exportName];
  if (typeof model !== "function") {
    throw new ThreadFailure(
      "model-module",
      `shard ${shard}: the model module "${input.module}" has no function export "${input.exportName}" ` +
        `(exports: ${Object.keys(mod).join(", ") || "none"}).`,
    );
  }
  let arrays = input.arrays;
  if (arrays === undefined) {
    if (typeof mod.loadShard !== "function") {
      throw new ThreadFailure(
        "model-module",
        `shard ${shard}: the run passes data references, but the model module "${input.module}" exports no ` +
          "loadShard(ref, shard) to read them.",
      );
    }
    const loaded = await mod.loadShard(input.ref ?? "", shard);
    arrays = {};
    for (const [name, a] of Object.entries(loaded)) arrays[name] = toStored(name, a, shard);
  }
  const tensors: Record<string, Tensor> = {};
  const dataShapes: Record<string, number[]> = {};
  for (const [name, a] of Object.entries(arrays)) {
    tensors[name] = tensor(a.data, { shape: a.shape });
    dataShapes[name] = a.shape;
  }
  const args = mod.modelArgs ? await mod.modelArgs(tensors, shard) : Object.values(tensors);
  let last = 0;
  const result = await sampleSubposterior(
    model as (...a: never[]) => unknown,
    args,
    { numShards: input.numShards, shard, key: input.key },
    {
      numWarmup: input.sampler.numWarmup,
      numSamples: input.sampler.numSamples,
      numChains: input.sampler.numChains ?? 1,
      nuts: input.sampler.nuts as ModelKernelOptions | undefined,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < 200 && p.iteration < p.total) return;
        last = now;
        parentPort?.postMessage({
          type: "progress",
          phase: p.phase,
          chain: p.chain,
          iteration: p.iteration,
          total: p.total,
          numDivergences: p.numDivergences,
        } satisfies ThreadMessage);
      },
    },
  );
  const draws: Record<string, StoredArray> = {};
  for (const [n, t] of Object.entries(result.draws))
    draws[n] = { data: Float64Array.from(t.dataSync()), shape: [...t.shape] };
  return { type: "done", draws, numDivergences: result.numDivergences, dataShapes };
}

if (parentPort && workerData) {
  run(workerData as ThreadInput).then(
    (msg) => {
      const transfer =
        msg.type === "done" ? Object.values(msg.draws).map((d) => d.data.buffer as ArrayBuffer) : [];
      parentPort?.postMessage(msg, transfer);
    },
    (e: unknown) => {
      const code = e instanceof ThreadFailure ? e.code : "shard-failed";
      const message =
        e instanceof ThreadFailure
          ? e.message
          : `shard ${(workerData as ThreadInput).shard}: sampling failed: ${e instanceof Error ? e.message : String(e)}`;
      parentPort?.postMessage({ type: "error", code, message } satisfies ThreadMessage);
    },
  );
}
