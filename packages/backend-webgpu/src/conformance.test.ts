import { jitOnBackend, scope } from "@phlox/backend-tfjs";
import { conformance } from "@phlox/backend-tfjs/testing";
import { silenceWarnings } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { probeNodeWebGpu } from "./gpu-probe.js";
import { nodeGpu } from "./node.js";
import { webgpu } from "./webgpu.js";

silenceWarnings(true);

const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";
const probe = await probeNodeWebGpu();

if (probe.ok) {
  let numBytes = (): number => 0;
  conformance("webgpu", {
    setup: async () => {
      const be = await webgpu({ gpu: await nodeGpu() });
      numBytes = be.numBytes;
      return be;
    },
    numBytes: () => numBytes(),
    scope,
    memoryIterations: 200,
    jit: jitOnBackend,
  });
  // The opt-out: programs run one tfjs kernel per equation, as before fusion.
  let numBytesUnfused = (): number => 0;
  conformance("webgpu-unfused", {
    setup: async () => {
      const be = await webgpu({ gpu: await nodeGpu(), name: "webgpu-unfused", fuse: false });
      numBytesUnfused = be.numBytes;
      return be;
    },
    numBytes: () => numBytesUnfused(),
    scope,
    memoryIterations: 200,
    jit: jitOnBackend,
  });
} else {
  describe("backend webgpu in Node", () => {
    it(`webgpu adapter unavailable: ${probe.reason} (set PHLOX_REQUIRE_WEBGPU=1 to make this fail)`, () => {
      expect(probe.reason.length, "the probe explains why there is no adapter").toBeGreaterThan(0);
      expect(required, `PHLOX_REQUIRE_WEBGPU=1 but ${probe.reason}`).toBe(false);
    });
  });
}
