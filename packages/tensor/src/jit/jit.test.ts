import { afterEach, describe, expect, it } from "vitest";
import { valueAndGrad } from "../autodiff/grad.js";
import { ConcretizationError } from "../core/errors.js";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import * as T from "../index.js";
import { getCompiler, type ProgramCompiler, registerCompiler, unregisterCompiler } from "./compiler.js";
import { interpretProgram } from "./interpret.js";
import { jit, printIR } from "./jit.js";
import { stageValueAndGrad } from "./stage.js";

afterEach(() => {
  unregisterCompiler();
});

describe("jit", () => {
  it("jit(f)(x) equals f(x) and runs the interpreter when no compiler is registered", () => {
    const f = (x: Tensor) => T.sum(T.exp(T.mul(x, 2)));
    const g = jit(f);
    expect(g(tensor([0, 1])).item()).toBeCloseTo(f(tensor([0, 1])).item(), 14);
    expect(g.lower(tensor([0, 1])).runner).toBe("interpreter");
  });

  it("jit(f) caches one program per input signature", () => {
    let traces = 0;
    const g = jit((x: Tensor) => {
      traces++;
      return T.mul(x, x);
    });
    g(tensor([1, 2]));
    g(tensor([3, 4]));
    expect(traces).toBe(1);
    g(tensor([1, 2, 3]));
    g(tensor([1, 2], { dtype: "float32" }));
    expect(traces).toBe(3);
    expect(g.cacheSize).toBe(3);
    g.clearCache();
    expect(g.cacheSize).toBe(0);
  });

  it("jit(f, { staticArgnums }) passes static arguments as values and keys the cache on them", () => {
    let traces = 0;
    const g = jit(
      (x: Tensor, power: number) => {
        traces++;
        let y = x;
        for (let i = 1; i < power; i++) y = T.mul(y, x);
        return y;
      },
      { staticArgnums: [1] },
    );
    expect(g(tensor([2]), 3).toArray()).toEqual([8]);
    expect(g(tensor([3]), 3).toArray()).toEqual([27]);
    expect(g(tensor([2]), 4).toArray()).toEqual([16]);
    expect(traces).toBe(2);
  });

  it("jit(f) returns the pytree f returns and accepts pytree arguments", () => {
    const g = jit((p: { a: Tensor; b: Tensor[] }) => ({
      s: T.add(p.a, p.b[0] as Tensor),
      list: [p.a, T.neg(p.a)],
    }));
    const out = g({ a: tensor([1, 2]), b: [tensor([10, 20])] });
    expect(out.s.toArray()).toEqual([11, 22]);
    expect(out.list[1]?.toArray()).toEqual([-1, -2]);
  });

  it("jit(valueAndGrad(f)) compiles forward and backward passes together", () => {
    const f = (x: Tensor) => T.sum(T.mul(T.sin(x), x));
    const g = jit((x: Tensor) => valueAndGrad(f)(x));
    const [v, gr] = g(tensor([0.5, 1.5]));
    const [ve, ge] = valueAndGrad(f)(tensor([0.5, 1.5]));
    expect(v.item()).toBeCloseTo(ve.item(), 14);
    expect((gr as Tensor).toArray()).toEqual((ge as Tensor).toArray());
  });

  it("jit(f) propagates the ConcretizationError of branching on a traced value, naming the operation", () => {
    const g = jit((x: Tensor) => (T.sum(x).item() > 0 ? x : T.neg(x)));
    expect(() => g(tensor([1, 2]))).toThrow(ConcretizationError);
    expect(() => g(tensor([1, 2]))).toThrow(/cannot read a traced value in item/);
  });

  it("jit(f) inside grad or another trace just calls f", () => {
    const inner = jit((x: Tensor) => T.mul(x, x));
    const [v, g] = valueAndGrad((x: Tensor) => T.sum(inner(x)))(tensor([3]));
    expect(v.item()).toBe(9);
    expect((g as Tensor).toArray()).toEqual([6]);
    const { program } = makeProgram((x: Tensor) => inner(x), [{ shape: [2], dtype: "float64" }]);
    expect(program.eqns.map((e) => e.primitive)).toEqual(["mul"]);
  });

  it("jit(f) uses the registered compiler, and falls back to the interpreter when it throws EvalError", () => {
    let compiled = 0;
    const counting: ProgramCompiler = {
      name: "counting",
      compile: (program) => {
        compiled++;
        return (inputs) => interpretProgram(program, inputs);
      },
    };
    registerCompiler(counting);
    expect(getCompiler()?.name).toBe("counting");
    const g = jit((x: Tensor) => T.exp(x));
    expect(g(tensor([0])).toArray()).toEqual([1]);
    expect(compiled).toBe(1);
    expect(g.lower(tensor([0])).runner).toBe("compiled:counting");
    const csp: ProgramCompiler = {
      name: "csp",
      compile: () => {
        throw new EvalError("new Function is forbidden");
      },
    };
    T.silenceWarnings(true);
    registerCompiler(csp);
    const h = jit((x: Tensor) => T.log(x));
    expect(h(tensor([1])).toArray()).toEqual([0]);
    expect(h.lower(tensor([1])).runner).toBe("interpreter");
    T.silenceWarnings(false);
  });

  it("jit(f, { codegen: false }) never calls the compiler", () => {
    registerCompiler({
      name: "boom",
      compile: () => {
        throw new Error("should not be called");
      },
    });
    const g = jit((x: Tensor) => T.exp(x), { codegen: false });
    expect(g(tensor([0])).toArray()).toEqual([1]);
  });
});

describe("printIR", () => {
  it("printIR lists one equation per line with typed variables", () => {
    const text = printIR(jit((x: Tensor) => T.exp(x)).lower(tensor([1, 2])));
    expect(text).toContain("v0:float64[2]");
    expect(text).toMatch(/= exp v0/);
    expect(String(jit((x: Tensor) => T.exp(x)).lower(tensor([1, 2])))).toBe(text);
  });
});

describe("stageValueAndGrad", () => {
  it("stageValueAndGrad(f, dim) records value and gradient outputs over one [dim] input", () => {
    const p = stageValueAndGrad((z) => T.sum(T.square(z)), 3);
    expect(p.inputs.map((v) => v.shape)).toEqual([[3]]);
    const [v, g] = interpretProgram(p, [new Float64Array([1, 2, 3])]);
    expect([...(v as Float64Array)]).toEqual([14]);
    expect([...(g as Float64Array)]).toEqual([2, 4, 6]);
  });
});

describe("interpretProgram", () => {
  it("interpretProgram checks the number and sizes of its inputs", () => {
    const p = stageValueAndGrad((z) => T.sum(z), 2);
    expect(() => interpretProgram(p, [])).toThrow(/takes 1 inputs/);
    expect(() => interpretProgram(p, [new Float64Array(3)])).toThrow(/should have 2 elements/);
  });
});
