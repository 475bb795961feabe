import { describe, expect, test } from "vitest";
import type { Program, Tensor, TypedArray } from "../index.js";
import * as t from "../index.js";

const f64 = (shape: number[]) => ({ shape, dtype: "float64" as const });

/** A tiny evaluator for the test: binds each equation eagerly. */
function evaluate(p: Program, inputs: Tensor[]): Tensor[] {
  const env = new Map<number, Tensor>();
  for (const [i, v] of p.inputs.entries()) env.set(v.id, inputs[i]);
  for (const c of p.constants) env.set(c.v.id, t.tensor(c.value as TypedArray, { shape: c.v.shape }));
  const read = (a: Program["outputs"][number]): Tensor =>
    t.isLiteral(a) ? t.tensor(a.literal, { dtype: a.dtype }) : (env.get(a.id) as Tensor);
  for (const e of p.eqns)
    env.set(e.outputs[0].id, t.bind(t.getPrimitive(e.primitive), e.inputs.map(read), e.params as never));
  return p.outputs.map(read);
}

describe("makeProgram(f, abstractArgs) stages f into the IR", () => {
  test("a small function gives the expected equations, with JS numbers as literals", () => {
    const { program, outTree } = t.makeProgram((x: Tensor) => x.mul(2).exp().sum(), [f64([3])]);
    expect(program.eqns.map((e) => e.primitive)).toEqual(["broadcastTo", "mul", "exp", "reduceSum"]);
    expect(program.eqns[0].inputs[0]).toEqual({ literal: 2, dtype: "float64" });
    expect(program.inputs).toEqual([{ id: 0, shape: [3], dtype: "float64" }]);
    expect(program.outputs).toEqual([program.eqns[3].outputs[0]]);
    expect(program.constants).toEqual([]);
    expect(outTree).toEqual({ kind: "leaf" });
    expect(t.printProgram(program)).toContain("v2:float64[3] = mul v0 v1");
  });

  test("closed-over concrete tensors become constants; pytree arguments flatten in order", () => {
    const w = t.tensor([1, 2, 3]);
    const { program, outTree } = t.makeProgram(
      (p: { a: Tensor; b: Tensor[] }) => ({ y: p.a.mul(w), z: p.b[0] }),
      [{ a: f64([3]), b: [f64([2])] }],
    );
    expect(program.inputs.map((v) => v.shape)).toEqual([[3], [2]]);
    expect(program.constants.length).toBe(1);
    expect(Array.from(program.constants[0].value)).toEqual([1, 2, 3]);
    expect(outTree.kind).toBe("object");
  });

  test("reading or branching on a traced value throws ConcretizationError naming the operation", () => {
    expect(() => t.makeProgram((x: Tensor) => (x.sum().item() > 0 ? x : x.neg()), [f64([2])])).toThrow(
      t.ConcretizationError,
    );
    expect(() => t.makeProgram((x: Tensor) => (x.sum().item() > 0 ? x : x.neg()), [f64([2])])).toThrow(
      /cannot read a traced value in item\(\).*where/,
    );
    expect(() =>
      t.makeProgram((x: Tensor) => ((x.sum() as unknown as number) > 0 ? x : x), [f64([2])]),
    ).toThrow(t.ConcretizationError);
    expect(() => t.makeProgram((x: Tensor) => x.dataSync(), [f64([2])])).toThrow(/dataSync\(\)/);
    expect(() => t.makeProgram((x: Tensor) => x.toArray(), [f64([2])])).toThrow(/toArray\(\)/);
  });

  test("staging valueAndGrad(f) yields one program with the forward and backward passes", () => {
    const f = (x: Tensor, y: Tensor) => t.logSumExp(x.mul(y)).add(t.lgamma(y).sum());
    const { program, outTree } = t.makeProgram(
      (x: Tensor, y: Tensor) => t.valueAndGrad(f, [0, 1])(x, y),
      [f64([4]), f64([4])],
    );
    expect(program.eqns.some((e) => e.primitive === "digamma")).toBe(true);
    expect(program.outputs.length).toBe(3);
    const x = t.tensor([0.1, -0.5, 2, 1]);
    const y = t.tensor([1.5, 2, 0.7, 3]);
    const outs = evaluate(program, [x, y]);
    const [v, [gx, gy]] = t.valueAndGrad(f, [0, 1])(x, y) as [Tensor, Tensor[]];
    expect(outs[0].item()).toBeCloseTo(v.item(), 14);
    expect(Array.from(outs[1].dataSync())).toEqual(Array.from(gx.dataSync()));
    expect(Array.from(outs[2].dataSync())).toEqual(Array.from(gy.dataSync()));
    expect(t.treeUnflatten(outTree, outs)).toHaveLength(2);
  });

  test("zero cotangents stay symbolic: an unused input gets a broadcast literal zero, no captured array", () => {
    const { program } = t.makeProgram(
      (x: Tensor, y: Tensor) => t.grad((a: Tensor, _b: Tensor) => a.sum(), [0, 1])(x, y),
      [f64([3]), f64([5])],
    );
    expect(program.constants).toEqual([]);
    const zeroEqn = program.eqns.find((e) => e.outputs[0] === program.outputs[1]);
    expect(zeroEqn?.primitive).toBe("broadcastTo");
    expect(zeroEqn?.inputs[0]).toEqual({ literal: 0, dtype: "float64" });
  });
});
