/** The runtime generated code runs against: backend-js helpers plus the special functions of @phlox/tensor. */
import { makeRuntime, type Runtime } from "./runtime.js";

let cached: Runtime | null = null;

const missing = (name: string) => (): number => {
  throw new Error(`backend-js: special function ${name} is not available`);
};

/** The shared runtime object (built once). */
export function defaultRuntime(): Runtime {
  if (cached === null) {
    cached = makeRuntime({
      lgamma: missing("lgamma"),
      digamma: missing("digamma"),
      polygamma: missing("polygamma"),
      erf: missing("erf"),
      erfc: missing("erfc"),
      ndtri: missing("ndtri"),
    });
  }
  return cached;
}
