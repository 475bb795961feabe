/** Body of a parallel-chain worker: rebuild the kernel from its spec, run the chain, post the results. */
import type { Kernel, WorkerPotentialSpec } from "../kernel.js";
import { type ChainOutput, type ChainProgress, ChainRunner, restore, snapshot } from "./run-chain.js";

/** `workerData` of a chain worker. */
export interface WorkerJob {
  chain: number;
  kernelSpec: WorkerPotentialSpec;
  state: unknown;
  numWarmup: number;
  numSamples: number;
  thinning: number;
  fields: string[];
  progressEvery: number;
}

/** Messages a chain worker posts. */
export type WorkerMessage =
  | { type: "progress"; progress: ChainProgress }
  | { type: "done"; out: ChainOutput; last: unknown; postWarmup: unknown };

/** Runs one chain job, posting progress and the result through `post`. */
export async function workerMain(job: WorkerJob, post: (m: WorkerMessage) => void): Promise<void> {
  const mod = (await import(job.kernelSpec.module)) as Record<string, unknown>;
  const build = mod[job.kernelSpec.exportName];
  if (typeof build !== "function") {
    throw new TypeError(`${job.kernelSpec.module} has no function export "${job.kernelSpec.exportName}".`);
  }
  const kernel = (await build(job.kernelSpec.payload)) as Kernel;
  const runner = new ChainRunner(
    kernel,
    restore(kernel, job.state),
    job.numWarmup,
    job.numSamples,
    job.thinning,
    job.fields,
    job.chain,
  );
  while (!runner.done) {
    runner.advance(job.progressEvery);
    post({ type: "progress", progress: runner.progress() });
  }
  post({
    type: "done",
    out: runner.out,
    last: snapshot(kernel, runner.state),
    postWarmup: runner.postWarmup,
  });
}
