import * as T from "@phlox/tensor";
import {
  jit,
  makeProgram,
  type Program,
  simplify,
  type Tensor,
  tensor,
  unregisterCompiler,
} from "@phlox/tensor";
import { afterEach, describe, expect, it } from "vitest";
import { compileProgram, loadCompiled } from "./compile.js";
import { jsCompiler, useJsCompiler } from "./register.js";
import { runInWorker } from "./testing/run-in-worker.js";

const trace = (f: (...a: Tensor[]) => unknown, ...shapes: number[][]): Program =>
  simplify(
    makeProgram(
      f as (...a: never[]) => unknown,
      shapes.map((shape) => ({ shape, dtype: "float64" })),
    ).program,
  );
const loops = (src: string): number => (src.match(/for \(let i = 0; i < \d+; i\+\+\) \{/g) ?? []).length;

afterEach(() => {
  unregisterCompiler();
});

describe("compileProgram code shape", () => {
  it("compileProgram keeps scalars in locals: a scalar program allocates no arrays and has no loop", () => {
    const c = compileProgram(trace((x) => T.add(T.mul(T.exp(x), T.log1p(x)), 3), []));
    expect(c.source).not.toMatch(/new Float64Array/);
    expect(c.source).not.toMatch(/for \(/);
    expect(c.call([new Float64Array([0.5])])[0]?.[0]).toBeCloseTo(Math.exp(0.5) * Math.log1p(0.5) + 3, 15);
  });

  it("compileProgram fuses an elementwise chain and its sum into one loop with no intermediate arrays", () => {
    const c = compileProgram(trace((x, y) => T.sum(T.exp(T.mul(T.sub(x, y), T.add(x, 1)))), [64], [64]));
    expect(loops(c.source)).toBe(1);
    expect(c.source).not.toMatch(/new Float64Array/);
  });

  it("compileProgram splits a loop over padded pieces at their edges, with no index tests, exactly", () => {
    const f = (x: Tensor, a: Tensor, b: Tensor): Tensor =>
      T.add(
        T.add(T.pad(T.exp(x), [2], [1]), T.pad(T.reshape(a, [1]), [0], [12])),
        T.pad(T.reshape(b, [1]), [12], [0]),
      );
    const c = compileProgram(trace(f, [10], [], []));
    expect(c.source).not.toMatch(/i >= |i === /);
    const x = Float64Array.from({ length: 10 }, (_, i) => 0.1 * i - 0.3);
    const got = c.call([x, Float64Array.of(-0.5), Float64Array.of(2.25)])[0] as Float64Array;
    const want = [-0.5, 0, ...Array.from(x, Math.exp), 2.25];
    expect(Array.from(got)).toEqual(want);
  });

  it("compileProgram captures closed-over data as constants and serialises them exactly", () => {
    const data = tensor([0.1, 1 / 3, Math.PI, -0, 1e-300]);
    const c = compileProgram(trace((x) => T.mul(x, data), [5]));
    const json = JSON.parse(JSON.stringify(c.toJSON()));
    expect(json.constants).toHaveLength(1);
    const again = loadCompiled(json);
    const x = new Float64Array([1, 1, 1, 1, 1]);
    expect([...(again.call([x])[0] as Float64Array)]).toEqual([...(c.call([x])[0] as Float64Array)]);
    expect(Object.is(again.call([x])[0]?.[3], -0)).toBe(true);
  });

  it("compileProgram returns output 0 from raw with returnFirstScalar and writes the rest", () => {
    const c = compileProgram(
      trace((x) => [T.sum(x), T.mul(x, 2)], [3]),
      { returnFirstScalar: true },
    );
    const out = new Float64Array(3);
    expect(c.raw(new Float64Array([1, 2, 3]), out)).toBe(6);
    expect([...out]).toEqual([2, 4, 6]);
  });

  it("callInto writes every output, the returned scalar included, into the caller's arrays as call does", () => {
    for (const returnFirstScalar of [false, true]) {
      const c = compileProgram(
        trace((x, y) => [T.sum(T.mul(x, y)), T.mul(x, 2), T.add(y, 1)], [3], [3]),
        { returnFirstScalar },
      );
      const x = new Float64Array([1, 2, 3]);
      const y = new Float64Array([4, 5, 6]);
      const outs = [new Float64Array(1), new Float64Array(3), new Float64Array(3)];
      c.callInto([x, y], outs);
      expect(outs.map((o) => [...o])).toEqual([[32], [2, 4, 6], [5, 6, 7]]);
      expect(c.call([x, y]).map((o) => [...o])).toEqual(outs.map((o) => [...o]));
      expect(() => c.callInto([x, y], outs.slice(1))).toThrow(/expected 3 output arrays, got 2/);
    }
  });

  it("compileProgram names the primitive it cannot generate and suggests the interpreter", () => {
    const x = { id: 0, shape: [2], dtype: "float64" };
    const p = {
      inputs: [x],
      constants: [],
      eqns: [
        { primitive: "fft", inputs: [x], params: {}, outputs: [{ id: 1, shape: [2], dtype: "float64" }] },
      ],
      outputs: [{ id: 1, shape: [2], dtype: "float64" }],
    };
    expect(() => compileProgram(p)).toThrow(/no code generator for primitive "fft".*codegen: false/);
  });

  it("loadCompiled rejects JSON that is not a compiled program", () => {
    expect(() => loadCompiled('{"format":"other"}')).toThrow(/phlox-js-program/);
  });

  it("a worker_threads Worker rebuilds a compiled program from JSON and returns the same outputs", async () => {
    const c = compileProgram(trace((x) => [T.cumsum(T.exp(x)), T.sum(T.lgamma(T.add(x, 2)))], [4]));
    const x = new Float64Array([0.1, 0.2, 0.3, 0.4]);
    const r = await runInWorker<{ ok: boolean; outputs: Float64Array[]; error?: string }>({
      kind: "program",
      json: JSON.stringify(c),
      inputs: [x],
    });
    expect(r.error).toBeUndefined();
    expect(r.outputs.map((o) => [...o])).toEqual(c.call([x]).map((o) => [...o]));
  }, 30_000);
});

describe("useJsCompiler", () => {
  it("useJsCompiler() makes jit run generated code", () => {
    useJsCompiler();
    const g = jit((x: Tensor) => T.sum(T.mul(x, x)));
    expect(g(tensor([1, 2, 3])).item()).toBe(14);
    expect(g.lower(tensor([1, 2, 3])).runner).toBe("compiled:js");
  });

  it("jsCompiler compiles a program to a function of typed arrays", () => {
    const run = jsCompiler.compile(trace((x) => T.neg(x), [2]));
    expect([...(run([new Float64Array([1, -2])])[0] as Float64Array)]).toEqual([-1, 2]);
  });
});

describe("compiled composites", () => {
  it("softplus and logaddexp keep their edge values and exact second derivatives at the switch point", () => {
    useJsCompiler();
    const lae = jit((a: Tensor, b: Tensor) => T.logaddexp(a, b));
    expect(
      lae(
        tensor([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2, Number.NaN]),
        tensor([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2, 0]),
      ).toArray(),
    ).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 + Math.LN2, Number.NaN]);
    const h = jit(T.hessian((v: Tensor) => T.logaddexp(T.slice(v, [0], [1]), T.slice(v, [1], [2])).sum()));
    expect(h(tensor([0.3, 0.3])).toArray()).toEqual([
      [0.25, -0.25],
      [-0.25, 0.25],
    ]);
    const sp = jit(T.hessian((v: Tensor) => T.softplus(v).sum()));
    expect((sp(tensor([0, 1])).toArray() as number[][])[0]).toEqual([0.25, 0]);
  });

  it("prod's gradient is the product of the others, also where an entry is 0, as in eager mode", () => {
    useJsCompiler();
    const f = jit(T.valueAndGrad((x: Tensor) => T.prod(x, 1).sum()));
    const [v, g] = f(
      tensor([
        [0, 2, 3, 4, 5],
        [1, 2, 3, 4, 5],
      ]),
    );
    expect(v.item()).toBe(120);
    expect(g.toArray()).toEqual([
      [120, 0, 0, 0, 0],
      [120, 60, 40, 30, 24],
    ]);
  });

  it("xlogy: ∂/∂x is log y also at x = 0 and the value there is +0, as in eager mode", () => {
    useJsCompiler();
    const f = jit(T.valueAndGrad((x: Tensor) => T.xlogy(x, tensor([0.5, 0, 2])).sum()));
    const [v, g] = f(tensor([0, 0, 1]));
    expect(v.item()).toBe(Math.LN2);
    expect(g.toArray()).toEqual([Math.log(0.5), 0, Math.LN2]);
    const value = jit((x: Tensor) => T.xlogy(x, tensor([0.5, 0])));
    expect((value(tensor([0, 0])).toArray() as number[]).every((z) => Object.is(z, 0))).toBe(true);
  });
});
