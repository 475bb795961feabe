import { PhloxError } from "@phlox/tensor";
import { AIES } from "./aies.js";
import { BarkerMH, RandomWalkMH } from "./barker.js";
import { ESS } from "./ess.js";
import { workerPotential } from "./internal/potential-source.js";
import type { Kernel } from "./kernel.js";
import type { KernelWorkerPayload, PotentialSource } from "./potential-kernel.js";
import { SA } from "./sa.js";

/**
 * Rebuilds an SA, BarkerMH, RandomWalkMH, AIES or ESS kernel inside a worker from the payload of its
 * `workerSpec()`: imports the potential's module, calls its factory, and constructs the kernel with the same
 * options. Used by `chainMethod: "parallel"`.
 * @throws TypeError if the module does not export a factory under `exportName`, or it returns no function.
 */
export async function buildWorkerKernel(p: KernelWorkerPayload): Promise<Kernel> {
  const potentialFn = await workerPotential(p.potential);
  // The state arrives from the main thread, so `dim` only satisfies the constructor's check.
  const opts = { ...p.options, potentialFn, dim: 1 } as PotentialSource;
  switch (p.kind) {
    case "SA":
      return new SA(opts) as unknown as Kernel;
    case "BarkerMH":
      return new BarkerMH(opts) as unknown as Kernel;
    case "RandomWalkMH":
      return new RandomWalkMH(opts) as unknown as Kernel;
    case "AIES":
      return new AIES(opts) as unknown as Kernel;
    case "ESS":
      return new ESS(opts) as unknown as Kernel;
    default:
      throw new PhloxError("worker-unknown-kernel", `worker: unknown kernel kind ${String(p.kind)}.`);
  }
}
