import { describe, expect, it } from "vitest";
import { valueAndGrad } from "../autodiff/grad.js";
import { type Program, printProgram, type Var } from "../core/ir.js";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import * as T from "../index.js";
import { interpretProgram } from "./interpret.js";
import {
  applyIdentities,
  eliminateCommonSubexpressions,
  eliminateDeadCode,
  foldConstants,
  simplify,
} from "./simplify.js";

const f64 = (id: number, shape: number[] = []): Var => ({ id, shape, dtype: "float64" });
const trace = (f: (...a: Tensor[]) => unknown, ...shapes: number[][]): Program =>
  makeProgram(
    f as (...a: never[]) => unknown,
    shapes.map((shape) => ({ shape, dtype: "float64" })),
  ).program;
const prims = (p: Program): string[] => p.eqns.map((e) => e.primitive);
const run = (p: Program, ...inputs: number[][]): number[][] =>
  interpretProgram(
    p,
    inputs.map((a) => new Float64Array(a)),
  ).map((a) => [...a]);

describe("eliminateDeadCode", () => {
  it("eliminateDeadCode(p) drops equations and constants no output needs", () => {
    const x = f64(0, [2]);
    const p: Program = {
      inputs: [x],
      constants: [{ v: f64(9, [2]), value: new Float64Array([1, 2]) }],
      eqns: [
        { primitive: "exp", inputs: [x], params: {}, outputs: [f64(1, [2])] },
        { primitive: "add", inputs: [f64(1, [2]), f64(9, [2])], params: {}, outputs: [f64(2, [2])] },
        { primitive: "log", inputs: [x], params: {}, outputs: [f64(3, [2])] },
      ],
      outputs: [f64(3, [2])],
    };
    const q = eliminateDeadCode(p);
    expect(prims(q)).toEqual(["log"]);
    expect(q.constants).toHaveLength(0);
  });
});

describe("eliminateCommonSubexpressions", () => {
  it("eliminateCommonSubexpressions(p) computes exp(x) once when it is written twice", () => {
    const p = trace((x) => T.add(T.exp(x), T.exp(x)), [3]);
    expect(prims(p).filter((n) => n === "exp")).toHaveLength(2);
    const q = eliminateDeadCode(eliminateCommonSubexpressions(p));
    expect(prims(q).filter((n) => n === "exp")).toHaveLength(1);
    expect(run(q, [0, 1, 2])).toEqual(run(p, [0, 1, 2]));
  });

  it("eliminateCommonSubexpressions(p) keeps equations whose params differ", () => {
    const p = trace((x) => T.add(T.sum(x, 0), T.sum(x, 1)), [2, 2]);
    const q = eliminateCommonSubexpressions(p);
    expect(prims(q).filter((n) => n === "reduceSum")).toHaveLength(2);
  });
});

describe("foldConstants", () => {
  it("foldConstants(p) evaluates arithmetic on literals and captured constants at compile time", () => {
    const c = tensor([1, 2, 3]);
    const p = trace((x) => T.mul(x, T.exp(T.add(c, 1))), [3]);
    const before = p.eqns.length;
    const q = eliminateDeadCode(foldConstants(p));
    expect(q.eqns.length).toBeLessThan(before);
    expect(prims(q)).not.toContain("exp");
    expect(run(q, [1, 1, 1])[0]).toEqual(run(p, [1, 1, 1])[0]);
  });

  it("foldConstants(p) keeps elementwise work on broadcast scalars as one broadcast scalar", () => {
    const p = trace((x) => T.add(x, T.mul(T.broadcastTo(2, [1000]), T.broadcastTo(3, [1000]))), [1000]);
    const q = simplify(p);
    expect(q.constants).toHaveLength(0);
    expect(prims(q)).toEqual(["broadcastTo", "add"]);
    expect(q.eqns[0]?.inputs[0]).toEqual({ literal: 6, dtype: "float64" });
  });

  it("foldConstants(p) leaves a big transpose of data in place for the compiler", () => {
    const big = T.reshape(T.tensor(new Float64Array(100 * 50)), [100, 50]);
    const p = trace((v) => T.matmul(T.transpose(big), v), [100]);
    expect(prims(simplify(p))).toContain("transpose");
  });
});

describe("applyIdentities", () => {
  it("applyIdentities(p) removes x*1, x+0, x-0, x/1, x**1 and identity reshapes", () => {
    const p = trace((x) => T.reshape(T.pow(T.div(T.sub(T.add(T.mul(x, 1), 0), 0), 1), 1), [4]), [4]);
    const q = simplify(p);
    expect(q.eqns).toHaveLength(0);
    expect(q.outputs[0]).toEqual(q.inputs[0]);
  });

  it("applyIdentities(p) turns 0-x and x*(-1) into neg and x**2 into x*x", () => {
    const p = trace((x) => [T.sub(0, x), T.mul(x, -1), T.pow(x, 2)], [3]);
    const q = simplify(p);
    expect(prims(q).sort()).toEqual(["mul", "neg"]);
    expect(run(q, [1, 2, 3])).toEqual(run(p, [1, 2, 3]));
  });

  it("applyIdentities(p) turns x+(-y) and x-(-y) into sub/add, and c*x + c*x into (2c)*x, exactly", () => {
    const p = trace(
      (x, y) => [
        T.add(x, T.neg(y)),
        T.add(T.neg(x), y),
        T.sub(x, T.neg(y)),
        (() => {
          const h = T.mul(x, 0.5);
          return T.add(h, h);
        })(),
        (() => {
          const h = T.mul(-0.75, y);
          return T.add(h, h);
        })(),
      ],
      [3],
      [3],
    );
    const q = simplify(p);
    expect(prims(q).sort()).toEqual(["add", "broadcastTo", "mul", "sub", "sub"]);
    const xs = [0.1, -2.5, 1e300];
    const ys = [3.3, 1e-310, -7];
    expect(run(q, xs, ys)).toEqual(run(p, xs, ys));
  });

  it("applyIdentities(p) collapses chains of reshapes and of broadcasts", () => {
    const p = trace(
      (x) => T.broadcastTo(T.broadcastTo(T.reshape(T.reshape(x, [6]), [3, 2]), [4, 3, 2]), [5, 4, 3, 2]),
      [2, 3],
    );
    const q = simplify(p);
    expect(prims(q)).toEqual(["reshape", "broadcastTo"]);
    expect(run(q, [1, 2, 3, 4, 5, 6])).toEqual(run(p, [1, 2, 3, 4, 5, 6]));
  });

  it("applyIdentities(p) lifts an elementwise op on broadcast scalars to the scalar", () => {
    const p = trace((s) => T.exp(T.broadcastTo(s, [8])), []);
    const q = applyIdentities(p);
    const exp = q.eqns.find((e) => e.primitive === "exp");
    expect((exp?.outputs[0] as Var | undefined)?.shape).toEqual([]);
  });

  it("simplify(p) picks a select's branch when its condition is a constant (pow's gradient guard on y = 3)", () => {
    const p = trace((x) => T.grad((u: Tensor) => T.pow(u, 3).sum())(x), [4]);
    const q = simplify(p);
    expect(prims(q)).not.toContain("select");
    expect(prims(q)).not.toContain("eq");
    expect(run(q, [1, 2, 0, -1])).toEqual([[3, 12, 0, 3]]);
    const w = simplify(trace((x) => T.where(true, x, T.neg(x)), [2]));
    expect(prims(w)).toEqual([]);
    expect(run(w, [1, -2])).toEqual([[1, -2]]);
  });
});

describe("simplify", () => {
  it("simplify(valueAndGrad program) shrinks the eight-schools-like program and keeps its values", () => {
    const y = tensor([28, 8, -3, 7]);
    const f = (z: Tensor) => {
      const mu = T.reshape(T.slice(z, [0], [1]), []);
      const tau = T.exp(T.reshape(T.slice(z, [1], [2]), []));
      const th = T.slice(z, [2], [6]);
      const d = T.div(T.sub(y, T.add(mu, T.mul(tau, th))), 10);
      return T.add(T.sum(T.mul(T.square(d), -0.5)), T.sum(T.mul(T.square(th), -0.5)));
    };
    const p = trace((z) => valueAndGrad(f)(z), [6]);
    const q = simplify(p);
    expect(q.eqns.length).toBeLessThan(p.eqns.length * 0.8);
    const z = [0.1, 0.2, 0.3, -0.4, 0.5, 0.6];
    const a = run(p, z);
    const b = run(q, z);
    a.forEach((out, k) => {
      out.forEach((v, i) => {
        expect(b[k]?.[i]).toBeCloseTo(v, 12);
      });
    });
  });
});

describe("simplify's fixed point", () => {
  /** The fixed-point loop as first written: compare each round's equations as JSON. */
  const reference = (p0: Program): Program => {
    const key = (p: Program): string =>
      JSON.stringify(
        p.eqns.map((e) => [
          e.primitive,
          e.inputs.map((a) =>
            "literal" in a ? `${Object.is(a.literal, -0) ? "-0" : a.literal}:${a.dtype}` : `v${a.id}`,
          ),
        ]),
      );
    let cur = eliminateDeadCode(p0);
    for (let r = 0; r < 8; r++) {
      const before = key(cur);
      cur = eliminateDeadCode(eliminateCommonSubexpressions(foldConstants(applyIdentities(cur))));
      if (key(cur) === before) break;
    }
    return cur;
  };
  const c = tensor([1, 2, 3, 4]);
  const programs: Program[] = [
    trace((z) => valueAndGrad((x: Tensor) => T.sum(T.mul(T.square(T.sub(x, c)), -0.5)))(z), [4]),
    trace(
      (z) =>
        valueAndGrad((x: Tensor) => {
          const s = T.exp(T.reshape(T.slice(x, [0], [1]), []));
          const t = T.slice(x, [1], [5]);
          const d = T.div(T.sub(c, T.mul(s, t)), T.add(s, 1));
          return T.add(T.sum(T.log1p(T.square(d))), T.mul(T.reshape(T.slice(x, [0], [1]), []), 2));
        })(z),
      [5],
    ),
    trace((x) => [T.reshape(T.reshape(T.mul(x, 1), [2, 2]), [4]), T.add(T.sub(0, T.neg(x)), 0)], [4]),
    trace((x) => T.broadcastTo(T.reshape(T.add(T.mul(x, T.exp(T.tensor(0))), 0), [1]), [3]), []),
  ];

  it("simplify(p) ends at the program that comparing whole rounds as JSON ends at", () => {
    for (const p of programs) expect(printProgram(simplify(p))).toBe(printProgram(reference(p)));
  });

  it("each pass returns its argument itself when it has nothing to do, and simplify is then idempotent", () => {
    for (const p of programs) {
      const q = simplify(p);
      expect(applyIdentities(q)).toBe(q);
      expect(foldConstants(q)).toBe(q);
      expect(eliminateCommonSubexpressions(q)).toBe(q);
      expect(eliminateDeadCode(q)).toBe(q);
      expect(simplify(q)).toBe(q);
    }
  });
});
