import { PhloxError } from "@phlox/tensor";
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
  /** The kernel's tree-depth cap, for the run's saturation count. */
  maxTreeDepth?: number;
}

/** Messages a chain worker posts. */
export type WorkerMessage =
  | { type: "progress"; progress: ChainProgress }
  | { type: "done"; out: ChainOutput; last: unknown; postWarmup: unknown };

/**
 * Factories a worker already holds, by export name: a browser worker bundled by Vite or webpack cannot import
 * a module by a URL decided at run time, so its entry (`worker-browser.ts`) registers the ones specs name
 * (`buildHMCWorkerKernel`, `@phlox/infer`'s `loadPotential`) and {@link importExport} uses them first.
 */
const known = new Map<string, unknown>();

/** Registers factories under their export names (see {@link importExport}). */
export function registerWorkerExports(exports: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(exports)) known.set(name, value);
}

/** `(await import(spec.module))[spec.exportName]`, or the registered export of that name. */
export async function importExport(spec: WorkerPotentialSpec): Promise<unknown> {
  if (known.has(spec.exportName)) return known.get(spec.exportName);
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec.module)) as Record<
    string,
    unknown
  >;
  return mod[spec.exportName];
}

/**
 * Runs one chain job, posting progress and the result through `post`.
 * @param ready - awaited after the kernel is built and before the chain's first step (the browser entry
 *   awaits the thread pools of the potential it loaded there, which start only while this thread waits).
 */
export async function workerMain(
  job: WorkerJob,
  post: (m: WorkerMessage) => void,
  ready?: () => Promise<void>,
): Promise<void> {
  const build = await importExport(job.kernelSpec);
  if (typeof build !== "function") {
    throw new PhloxError(
      "worker-bad-spec",
      `${job.kernelSpec.module} has no function export "${job.kernelSpec.exportName}".`,
    );
  }
  const kernel = (await build(job.kernelSpec.payload)) as Kernel;
  await ready?.();
  const runner = new ChainRunner(
    kernel,
    restore(kernel, job.state),
    job.numWarmup,
    job.numSamples,
    job.thinning,
    job.fields,
    job.chain,
    job.maxTreeDepth,
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
