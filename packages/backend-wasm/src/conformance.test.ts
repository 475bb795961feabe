import { disposeTensors, jitOnBackend, scope } from "@phlox/backend-tfjs";
import { conformance } from "@phlox/backend-tfjs/testing";
import { jsBackend, silenceWarnings } from "@phlox/tensor";
import { wasm } from "./wasm.js";

silenceWarnings(true);

// The reference backend against itself (sanity of the suite), then the wasm backend.
conformance("js", { setup: () => jsBackend });

let numBytes = (): number => 0;
conformance("wasm", {
  setup: async () => {
    const be = await wasm({ fallbacks: "js" });
    numBytes = be.numBytes;
    return be;
  },
  numBytes: () => numBytes(),
  scope,
  jit: jitOnBackend,
});
// The device-side compositions (what WebGPU runs for lgamma, digamma, erfc, ndtri, cholesky, ...), on wasm.
conformance("wasm-composite", {
  setup: () => wasm({ fallbacks: "js", composites: true, name: "wasm-composite" }),
  memoryIterations: 0,
  numBytes: () => numBytes(),
  scope,
  jit: jitOnBackend,
});
void disposeTensors;
