import { describe, expect, test } from "vitest";
import * as t from "../index.js";

describe("backends and dtypes", () => {
  test("registerBackend/setBackend route eager kernels through backend.exec", () => {
    const calls: string[] = [];
    const counting: t.Backend = {
      name: "counting",
      create: (data) => data,
      readSync: (buf) => buf as t.TypedArray,
      read: async (buf) => buf as t.TypedArray,
      dispose: () => {},
      exec: (prim, inputs, params, shape, dtype) => {
        calls.push(prim.name);
        return prim.kernel(inputs, params, shape, dtype);
      },
    };
    t.registerBackend(counting);
    expect(t.listBackends()).toContain("counting");
    t.setBackend("counting");
    try {
      expect(t.tensor([1, 2]).mul(3).sum().item()).toBe(9);
      expect(t.getBackend().name).toBe("counting");
    } finally {
      t.setBackend("js");
    }
    expect(calls).toEqual(["broadcastTo", "mul", "reduceSum"]);
    expect(() => t.setBackend("nope")).toThrow(/no such backend. Registered: /);
  });

  test("a backend without readSync reads through data() only", async () => {
    const asyncOnly: t.Backend = { ...t.jsBackend, name: "async-only", readSync: undefined };
    t.registerBackend(asyncOnly);
    t.setBackend("async-only");
    try {
      const x = t.tensor([1, 2]).add(1);
      expect(() => x.dataSync()).toThrow(/reads asynchronously; use await x.data\(\)/);
      expect(Array.from(await x.data())).toEqual([2, 3]);
    } finally {
      t.setBackend("js");
    }
  });

  test("float32 tensors stay float32 through ops, autodiff and staging", () => {
    const x = t.tensor([0.5, 1.5], { dtype: "float32" });
    const y = t.exp(x).mul(2).add(x.square()).sum();
    expect(y.dtype).toBe("float32");
    expect(y.dataSync()).toBeInstanceOf(Float32Array);
    const g = t.grad((z: t.Tensor) => z.exp().sum())(x) as t.Tensor;
    expect(g.dtype).toBe("float32");
    expect(Array.from(g.dataSync())).toEqual([Math.fround(Math.exp(0.5)), Math.fround(Math.exp(1.5))]);
    const { program } = t.makeProgram((z: t.Tensor) => z.mul(2), [{ shape: [2], dtype: "float32" }]);
    expect(program.eqns[0].inputs[0]).toEqual({ literal: 2, dtype: "float32" });
    expect(t.cast([1.7, -1.7, 0], "bool").toArray()).toEqual([true, true, false]);
    expect(t.cast(t.tensor([3.9], { dtype: "float32" }), "uint32").toArray()).toEqual([3]);
  });
});
