/**
 * What `#node-threads` names outside Node (browser and neutral builds): `worker_threads` do not exist there,
 * and parallel chains run in Web Workers instead (`parallel.ts`), so reaching this means a browser build of
 * the package was loaded by Node.
 */
import { PhloxError } from "@phlox/tensor";
import type { ParallelControl, ParallelResult } from "./chain-workers.js";
import type { ChainProgress } from "./run-chain.js";
import type { WorkerJob } from "./worker-main.js";

/**
 * Outside Node a worker finds its factories by export name (`worker-browser.ts` registers them), so module
 * specifiers stay as they are.
 * @param specifier - a module specifier from a worker spec.
 * @returns `specifier`.
 */
export function resolveFromHere(specifier: string): string {
  return specifier;
}

/**
 * Always throws: this build of `@phlox/mcmc` has no `worker_threads` path.
 * @throws PhloxError (`code: "parallel-unavailable"`) saying how to load the Node build instead.
 */
export async function runInThreads(
  _jobs: WorkerJob[],
  _onProgress: (p: ChainProgress) => void,
  _control?: ParallelControl,
): Promise<ParallelResult[]> {
  throw new PhloxError(
    "parallel-unavailable",
    'MCMC: chainMethod "parallel" in Node needs the Node build of @phlox/mcmc (its "node" export ' +
      "condition), but a browser or neutral build was loaded. Bundle for Node with the node platform " +
      '(esbuild --platform=node, webpack target "node"), or use chainMethod "sequential" or "vectorized".',
  );
}
