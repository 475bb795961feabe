import { MissingKernelError, primitiveNames, silenceWarnings } from "@phlox/tensor";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { compositeKernels, trigKernels } from "./composites.js";
import { scope } from "./handles.js";
import { kernels } from "./kernels.js";
import { jitOnBackend } from "./program.js";
import { conformance } from "./testing/conformance.js";
import { createTfjsBackend, type TfjsBackend } from "./tfjs-backend.js";

silenceWarnings(true);

async function tfCpu(): Promise<void> {
  await import("@tensorflow/tfjs-backend-cpu"); // registers tfjs's "cpu" backend with tfjs-core
  await tf.setBackend("cpu");
  await tf.ready();
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false; // skip its "install tfjs-node" notice
}

describe("kernel lists", () => {
  it("kernels, compositeKernels and trigKernels each name defined primitives, at most once per list", () => {
    const defined = new Set(primitiveNames());
    for (const list of [kernels, compositeKernels, trigKernels]) {
      const names = list.map((k) => k.primitive);
      expect(names.filter((p) => !defined.has(p))).toEqual([]);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});

describe("createTfjsBackend over tfjs's cpu backend", () => {
  beforeAll(tfCpu);

  it("throws one MissingKernelError naming every primitive without a kernel unless fallbacks are on", () => {
    expect(() => createTfjsBackend({ name: "tfcpu-strict", tfBackend: "cpu" })).toThrow(MissingKernelError);
    expect(() => createTfjsBackend({ name: "tfcpu-strict", tfBackend: "cpu" })).toThrow(/lgamma/);
  });

  it("with the composite kernels, only randomBits is left to the JS reference kernels", () => {
    const be: TfjsBackend = createTfjsBackend({
      name: "tfcpu-composite",
      tfBackend: "cpu",
      fallbacks: "js",
      extraKernels: [...compositeKernels, ...trigKernels],
    });
    expect(be.fallbacks).toEqual(["randomBits"]);
  });
});

// The whole conformance suite on the adapter over tfjs's pure-JS cpu backend (no wasm or GPU involved).
let cpu: TfjsBackend | undefined;
conformance("tfjs-cpu", {
  setup: async () => {
    await tfCpu();
    cpu = createTfjsBackend({ name: "tfjs-cpu", tfBackend: "cpu", fallbacks: "js" });
    return cpu;
  },
  numBytes: () => cpu?.numBytes() ?? 0,
  scope,
  memoryIterations: 200,
  jit: jitOnBackend,
});
