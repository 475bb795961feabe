import { describe, expect, test } from "vitest";
import * as t from "../index.js";
import type { NoParams } from "./primitive.js";

declare module "./primitive.js" {
  interface PrimitiveParams {
    testCube: NoParams;
  }
}

/** A third-party primitive without a VJP rule: eager evaluation works, differentiation names the gap. */
const testCubeP = t.definePrimitive("testCube", {
  shape: ([x]) => x.shape,
  dtype: ([x]) => x.dtype,
  kernel: ([x], _p, _s, dtype) => {
    const a = x.buf as Float64Array;
    const out = t.allocate(dtype, a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i] ** 3;
    return out;
  },
});
const cube = (x: t.TensorLike): t.Tensor => t.bind(testCubeP, [t.toTensor(x)], {} as NoParams);

describe("definePrimitive(name, rules) adds a primitive", () => {
  test("it evaluates eagerly, stages into the IR, and is found by name", () => {
    expect(cube([2]).toArray()).toEqual([8]);
    const { program } = t.makeProgram((x: t.Tensor) => cube(x), [{ shape: [1], dtype: "float64" }]);
    expect(program.eqns[0].primitive).toBe("testCube");
    expect(t.getPrimitive("testCube")).toBe(testCubeP);
    expect(t.primitiveNames()).toContain("testCube");
  });

  test("differentiating it without a VJP rule throws MissingRuleError naming the primitive", () => {
    expect(() => t.grad((x: t.Tensor) => cube(x).sum())(t.tensor([1]))).toThrow(t.MissingRuleError);
    expect(() => t.grad((x: t.Tensor) => cube(x).sum())(t.tensor([1]))).toThrow(
      /primitive "testCube" has no VJP rule/,
    );
  });

  test("getPrimitive of an unknown name and a backend without a kernel throw named errors", () => {
    expect(() => t.getPrimitive("nope" as t.PrimitiveName)).toThrow(t.MissingRuleError);
    const partial: t.Backend = {
      ...t.jsBackend,
      name: "partial",
      exec: (prim) => {
        throw new t.MissingKernelError(
          "missing-kernel",
          `backend "partial" has no kernel for primitive "${prim.name}".`,
        );
      },
    };
    t.registerBackend(partial);
    t.setBackend("partial");
    try {
      expect(() => t.tensor([1]).exp()).toThrow(t.MissingKernelError);
    } finally {
      t.setBackend("js");
    }
  });
});
