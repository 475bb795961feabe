import type { HMCOptions } from "./hmc.js";
import { HMC, NUTS } from "./hmc-kernel.js";
import { workerPotential } from "./internal/potential-source.js";
import type { WorkerPotentialSpec } from "./kernel.js";

/** Payload of {@link HMC.workerSpec}. */
export interface HMCWorkerPayload {
  algo: "HMC" | "NUTS";
  options: Omit<HMCOptions, "algo">;
  potential: WorkerPotentialSpec;
}

/**
 * Rebuilds an HMC/NUTS kernel inside a worker from {@link HMC.workerSpec}'s payload: imports the
 * potential's module and calls its factory. Used by `chainMethod: "parallel"`.
 * @throws TypeError if the module does not export a function under `exportName` or it returns no function.
 */
export async function buildHMCWorkerKernel(p: HMCWorkerPayload): Promise<HMC> {
  const potentialFn = await workerPotential(p.potential);
  // The state arrives from the main thread, so `dim` only satisfies the constructor's check.
  const opts = { ...p.options, potentialFn, dim: 1 };
  return p.algo === "NUTS" ? new NUTS(opts) : new HMC(opts);
}
