import {
  disposeTensors,
  isHandle,
  jitOnBackend,
  programCompiler,
  scope,
  type TfjsBackend,
} from "@phlox/backend-tfjs";
import {
  getCompiler,
  jit,
  MissingKernelError,
  registerBackend,
  registerCompiler,
  setBackend,
  silenceWarnings,
  type Tensor,
  tensor,
  unregisterCompiler,
} from "@phlox/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wasm, wasmHasSimd } from "./wasm.js";

silenceWarnings(true);

const EXPECTED_FALLBACKS = [
  "cholesky",
  "digamma",
  "erfc",
  "lgamma",
  "ndtri",
  "polygamma",
  "randomBits",
  "triangularSolve",
];

describe("wasm()", () => {
  let be: TfjsBackend;
  beforeAll(async () => {
    be = await wasm({ fallbacks: "js", name: "wasm-unit" });
    registerBackend(be);
  });
  afterAll(() => setBackend("js"));

  it("loads the SIMD build in Node without path setup", () => {
    expect(wasmHasSimd()).toBe(true);
  });

  it("lists exactly the documented JS fallbacks", () => {
    expect([...be.fallbacks]).toEqual(EXPECTED_FALLBACKS);
    expect(be.native.length + be.fallbacks.length).toBeGreaterThanOrEqual(60);
  });

  it("rejects without fallbacks, naming every primitive that has no wasm kernel", async () => {
    const err = await wasm({ name: "wasm-strict" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingKernelError);
    for (const p of EXPECTED_FALLBACKS) expect((err as Error).message).toContain(p);
    expect((err as Error).message).toContain('{ fallbacks: "js" }');
  });

  it("stores tensors created after setBackend in tfjs handles and reads float64 back at float32 precision", () => {
    setBackend("wasm-unit");
    try {
      const x = tensor([1, 2]).exp();
      expect(isHandle(x.buf)).toBe(true);
      expect(x.dtype).toBe("float64");
      const d = x.dataSync();
      expect(d).toBeInstanceOf(Float64Array);
      expect(d[0]).toBe(Math.fround(Math.E));
      // Weakly typed JS numbers promote correctly (tensor reads a weak scalar's buf[0]).
      expect(Array.from(tensor([1, 2]).mul(3).add(0.5).dataSync())).toEqual([3.5, 6.5]);
    } finally {
      setBackend("js");
    }
  });

  it("accepts tensors created on the js backend as inputs (uploaded on use)", () => {
    const onJs = tensor([1, 2, 3]);
    setBackend("wasm-unit");
    try {
      const y = onJs.add(tensor([1, 1, 1]));
      expect(isHandle(y.buf)).toBe(true);
      expect(Array.from(y.dataSync())).toEqual([2, 3, 4]);
    } finally {
      setBackend("js");
    }
  });

  it("scope frees everything but the result; using a freed tensor throws a disposed-tensor error", () => {
    setBackend("wasm-unit");
    try {
      const x = tensor([1, 2, 3]);
      const before = be.numTensors();
      let inner: Tensor | null = null;
      const y = scope(() => {
        inner = x.exp();
        return inner.log().sum();
      });
      expect(be.numTensors()).toBe(before + 1);
      expect(y.item()).toBeCloseTo(6, 5);
      expect(() => (inner as unknown as Tensor).dataSync()).toThrow(/already disposed/);
      disposeTensors([x, y]);
      expect(be.numTensors()).toBe(before - 1);
    } finally {
      setBackend("js");
    }
  });

  it("programCompiler runs tensor's jit on wasm kernels, tracing once per signature", () => {
    setBackend("wasm-unit");
    const prev = unregisterCompiler();
    try {
      registerCompiler(programCompiler(be));
      expect(getCompiler()?.name).toBe("wasm-unit");
      const f = jit((x: Tensor) => x.mul(2).exp().sum());
      expect(f(tensor([0, 1])).item()).toBeCloseTo(8.38905609893065, 5);
      expect(f(tensor([1, 0])).item()).toBeCloseTo(8.38905609893065, 5);
      expect(f.cacheSize).toBe(1);
      expect(f.lower(tensor([0, 1])).runner).toBe("compiled:wasm-unit");
    } finally {
      unregisterCompiler();
      if (prev !== null) registerCompiler(prev);
      setBackend("js");
    }
  });

  it("jitOnBackend frees its intermediates: only inputs and outputs stay allocated", () => {
    setBackend("wasm-unit");
    try {
      const f = jitOnBackend((x: Tensor) => x.exp().mul(x).log1p().sum(), be);
      const x = tensor([0.5, 1, 2]);
      disposeTensors(f(x));
      const before = be.numTensors();
      const out = f(x);
      expect(be.numTensors()).toBe(before + 1);
      expect(f.cacheSize).toBe(1);
      disposeTensors(out);
    } finally {
      setBackend("js");
    }
  });
});
