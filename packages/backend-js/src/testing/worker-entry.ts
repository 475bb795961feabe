/**
 * Worker-thread entry used by the serialisation tests: rebuilds a compiled program or potential from its
 * JSON and runs it on the inputs it receives, posting the outputs back.
 */
import { parentPort } from "node:worker_threads";
import { loadCompiled } from "../compile.js";
import { loadPotential } from "../potential.js";

interface Job {
  readonly kind: "program" | "potential";
  readonly json: string;
  readonly inputs: Float64Array[];
  readonly dim?: number;
}

parentPort?.on("message", (job: Job) => {
  try {
    if (job.kind === "program") {
      const c = loadCompiled(job.json);
      parentPort?.postMessage({ ok: true, outputs: c.call(job.inputs) });
    } else {
      const fn = loadPotential(job.json);
      const grad = new Float64Array(job.dim ?? 0);
      const value = fn(job.inputs[0] as Float64Array, grad);
      parentPort?.postMessage({ ok: true, value, grad });
    }
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: String(e) });
  }
});
