import * as T from "@phlox/tensor";
import { ConcretizationError, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileValueAndGrad, loadPotential } from "./potential.js";
import { expectClose, seeded } from "./testing/check.js";
import {
  at,
  EIGHT_SCHOOLS,
  eightSchoolsHand,
  eightSchoolsLogp,
  logisticHand,
  logisticLogp,
} from "./testing/models.js";
import { runInWorker } from "./testing/run-in-worker.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Eager value and gradient, the reference. */
function eager(f: (z: Tensor) => Tensor, z: Float64Array): { value: number; grad: Float64Array } {
  const [v, g] = T.valueAndGrad(f)(tensor(z));
  return { value: v.item(), grad: (g as Tensor).dataSync() as Float64Array };
}

function expectPotential(f: (z: Tensor) => Tensor, dim: number, z: Float64Array, rtol = 1e-12): void {
  const ref = eager(f, z);
  for (const codegen of [true, false]) {
    const { fn } = compileValueAndGrad(f, dim, { codegen });
    const grad = new Float64Array(dim);
    const value = fn(z, grad);
    expectClose([value], [ref.value], rtol, `value (codegen ${codegen})`);
    expectClose(grad, ref.grad, rtol, `gradient (codegen ${codegen})`);
    // a second call into the same buffer gives the same answer
    grad.fill(123);
    expect(fn(z, grad)).toBe(value);
    expectClose(grad, ref.grad, rtol, "gradient, second call");
  }
}

const xs = tensor([0.3, 1.7, 2.2, 0.9, 4.1]);
const unit = tensor([0.12, 0.5, 0.77, 0.31, 0.93]);

describe("compileValueAndGrad matches eager valueAndGrad on composite densities", () => {
  it("normal(loc, exp(logScale)) over data", () => {
    const f = (z: Tensor) => {
      const loc = at(z, 0);
      const scale = T.exp(at(z, 1));
      const d = T.div(T.sub(xs, loc), scale);
      return T.sum(T.sub(T.sub(T.mul(T.square(d), -0.5), T.log(scale)), HALF_LOG_2PI));
    };
    expectPotential(f, 2, new Float64Array([0.4, -0.3]));
  });

  it("student-t(nu, loc, scale) with lgamma", () => {
    const f = (z: Tensor) => {
      const nu = T.exp(at(z, 0));
      const loc = at(z, 1);
      const scale = T.exp(at(z, 2));
      const d = T.div(T.sub(xs, loc), scale);
      const half = T.mul(T.add(nu, 1), 0.5);
      const c = T.sub(
        T.sub(T.lgamma(half), T.lgamma(T.mul(nu, 0.5))),
        T.add(T.mul(T.log(T.mul(nu, Math.PI)), 0.5), T.log(scale)),
      );
      return T.sum(T.sub(c, T.mul(half, T.log1p(T.div(T.square(d), nu)))));
    };
    expectPotential(f, 3, new Float64Array([1.1, 0.5, -0.2]));
  });

  it("gamma(alpha, beta) with lgamma and digamma in the gradient", () => {
    const f = (z: Tensor) => {
      const a = T.exp(at(z, 0));
      const b = T.exp(at(z, 1));
      return T.sum(
        T.sub(T.add(T.sub(T.mul(a, T.log(b)), T.lgamma(a)), T.mul(T.sub(a, 1), T.log(xs))), T.mul(b, xs)),
      );
    };
    expectPotential(f, 2, new Float64Array([0.7, -0.4]));
  });

  it("beta(a, b) with betaln and log1p", () => {
    const f = (z: Tensor) => {
      const a = T.exp(at(z, 0));
      const b = T.exp(at(z, 1));
      return T.sum(
        T.sub(
          T.add(T.mul(T.sub(a, 1), T.log(unit)), T.mul(T.sub(b, 1), T.log1p(T.neg(unit)))),
          T.betaln(a, b),
        ),
      );
    };
    expectPotential(f, 2, new Float64Array([0.3, 0.9]));
  });

  it("binomial with logits from a linear predictor (softplus)", () => {
    const n = tensor([10, 12, 7, 20, 5]);
    const k = tensor([3, 9, 7, 11, 0]);
    const x = tensor([-1, -0.5, 0, 0.5, 1]);
    const f = (z: Tensor) => {
      const logits = T.add(at(z, 0), T.mul(at(z, 1), x));
      const logChoose = T.sub(
        T.sub(T.lgamma(T.add(n, 1)), T.lgamma(T.add(k, 1))),
        T.lgamma(T.add(T.sub(n, k), 1)),
      );
      return T.sum(T.sub(T.add(logChoose, T.mul(k, logits)), T.mul(n, T.softplus(logits))));
    };
    expectPotential(f, 2, new Float64Array([0.2, 1.3]));
  });

  it("multivariate normal through cholesky and triangularSolve, covariance from parameters", () => {
    const data = tensor(seeded(3, 12, -2, 2)).reshape([4, 3]);
    const base = tensor([
      [2, 0.3, 0.1],
      [0.3, 1.5, -0.2],
      [0.1, -0.2, 1.2],
    ]);
    const f = (z: Tensor) => {
      const mu = T.slice(z, [0], [3]);
      const s = T.exp(T.slice(z, [3], [6]));
      const cov = T.add(base, T.mul(T.reshape(s, [3, 1]), T.reshape(s, [1, 3])));
      const L = T.cholesky(cov);
      const r = T.transpose(T.sub(data, mu)); // [3, 4]
      const sol = T.triangularSolve(L, r, { lower: true });
      const logdet = T.sum(T.log(T.diagonal(L)));
      return T.sub(T.sub(T.mul(T.sum(T.square(sol)), -0.5), T.mul(logdet, 4)), 4 * 3 * HALF_LOG_2PI);
    };
    expectPotential(f, 6, new Float64Array([0.1, -0.2, 0.3, -0.5, 0.2, 0.1]));
  });

  it("a hierarchical model with group indices (radon-like take/scatterAdd) fuses gathers into the loop", () => {
    const county = tensor([0, 2, 1, 1, 3, 0, 2, 2, 3, 1, 0, 3], { dtype: "int32" });
    const floor = tensor([0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1]);
    const logRadon = tensor(seeded(41, 12, 0, 2));
    const f = (z: Tensor) => {
      const muA = at(z, 0);
      const sigmaA = T.exp(at(z, 1));
      const aRaw = T.slice(z, [2], [6]);
      const b = at(z, 6);
      const sigma = T.exp(at(z, 7));
      const a = T.add(muA, T.mul(sigmaA, aRaw));
      const mean = T.add(T.take(a, county), T.mul(b, floor));
      const d = T.div(T.sub(logRadon, mean), sigma);
      return T.add(
        T.sum(T.sub(T.mul(T.square(d), -0.5), T.log(sigma))),
        T.add(T.sum(T.mul(T.square(aRaw), -0.5)), T.mul(T.square(muA), -0.01)),
      );
    };
    const z = new Float64Array(seeded(42, 8, -0.5, 0.5));
    expectPotential(f, 8, z);
    const src = compileValueAndGrad(f, 8).compiled?.source ?? "";
    expect(src).toMatch(/\] \+= /); // the scatter-add accumulates inside the loop over observations
    expect(src).not.toMatch(/for \(let i0 = 0; i0 < 1; i0\+\+\) for \(let j = 0; j < 12/); // no generic gather
  });

  it("eight schools (non-centred) equals the hand-written function", () => {
    const z = new Float64Array(seeded(9, 10, -1, 1));
    expectPotential(eightSchoolsLogp, 10, z);
    const { fn } = compileValueAndGrad(eightSchoolsLogp, 10);
    const g = new Float64Array(10);
    const gh = new Float64Array(10);
    expectClose([fn(z, g)], [eightSchoolsHand(z, gh)], 1e-13, "value");
    expectClose(g, gh, 1e-13, "gradient");
    expect(EIGHT_SCHOOLS.y.length).toBe(8);
  });

  it("logistic regression fuses into one pass and equals the hand-written loop", () => {
    const n = 50;
    const d = 4;
    const Xd = new Float64Array(seeded(11, n * d, -1, 1));
    const yd = new Float64Array(seeded(12, n, 0, 1).map((u) => (u < 0.5 ? 1 : 0)));
    const f = logisticLogp(tensor(Xd, { shape: [n, d] }), tensor(yd));
    const z = new Float64Array(seeded(13, d + 1, -0.5, 0.5));
    expectPotential(f, d + 1, z);
    const { fn, compiled } = compileValueAndGrad(f, d + 1);
    const g = new Float64Array(d + 1);
    const gh = new Float64Array(d + 1);
    expectClose([fn(z, g)], [logisticHand(Xd, yd, n, d)(z, gh)], 1e-12, "value");
    expectClose(g, gh, 1e-12, "gradient");
    // forward dot products, the elementwise chain and the transposed accumulation share one loop over rows
    expect(compiled?.source.match(new RegExp(`for \\(let i = 0; i < ${n}; i\\+\\+\\)`, "g"))?.length).toBe(1);
  });
});

describe("compileValueAndGrad options and errors", () => {
  it("extraInputs are passed after grad and are not differentiated", () => {
    const f = (z: Tensor, data: Tensor) => T.sum(T.square(T.sub(z, data)));
    const { fn } = compileValueAndGrad(f, 3, { extraInputs: [{ shape: [3], dtype: "float64" }] });
    const g = new Float64Array(3);
    const v = fn(new Float64Array([1, 2, 3]), g, new Float64Array([1, 1, 1]));
    expect(v).toBe(5);
    expect([...g]).toEqual([0, 2, 4]);
  });

  it("a uint32 PRNG key as an extra input drives randomBits inside the function", () => {
    const f = (z: Tensor, key: Tensor) => T.sum(T.mul(z, T.cast(T.randomBits(key, [2]), "float64")));
    const { fn } = compileValueAndGrad(f, 2, { extraInputs: [{ shape: [2], dtype: "uint32" }] });
    const key = new Uint32Array([0, 7]);
    const bits = (T.randomBits(tensor(key), [2]).dataSync() as Uint32Array).map(Number);
    const g = new Float64Array(2);
    expect(fn(new Float64Array([1, 1]), g, key)).toBe(Number(bits[0]) + Number(bits[1]));
    expect([...g]).toEqual([Number(bits[0]), Number(bits[1])]);
  });

  it("branching on a traced value throws the ConcretizationError unchanged", () => {
    const f = (z: Tensor) => (at(z, 0).item() > 0 ? T.sum(z) : T.neg(T.sum(z)));
    expect(() => compileValueAndGrad(f, 2)).toThrow(ConcretizationError);
    expect(() => compileValueAndGrad(f, 2)).toThrow(/traced value/);
  });

  it("a function that does not return one element is a ShapeError naming valueAndGrad", () => {
    expect(() => compileValueAndGrad((z) => T.mul(z, 2), 3)).toThrow(/valueAndGrad/);
  });

  it("edge cases: a constant function, a function of one coordinate, dim 1", () => {
    const c = compileValueAndGrad(() => tensor(3), 2);
    const g = new Float64Array([9, 9]);
    expect(c.fn(new Float64Array([1, 2]), g)).toBe(3);
    expect([...g]).toEqual([0, 0]);
    const one = compileValueAndGrad((z) => T.mul(at(z, 1), 2), 3);
    const g3 = new Float64Array(3);
    expect(one.fn(new Float64Array([1, 2, 3]), g3)).toBe(4);
    expect([...g3]).toEqual([0, 2, 0]);
    const d1 = compileValueAndGrad((z) => T.sum(T.exp(z)), 1);
    const g1 = new Float64Array(1);
    expect(d1.fn(new Float64Array([0]), g1)).toBe(1);
    expect([...g1]).toEqual([1]);
  });

  it("a dim that is not a positive integer is a ShapeError", () => {
    expect(() => compileValueAndGrad((z) => T.sum(z), 0)).toThrow(/dim must be a positive integer/);
  });

  it("a one-element non-scalar result is accepted", () => {
    const { fn } = compileValueAndGrad((z) => T.reshape(T.sum(T.square(z)), [1, 1]), 2);
    const g = new Float64Array(2);
    expect(fn(new Float64Array([3, 4]), g)).toBe(25);
    expect([...g]).toEqual([6, 8]);
  });

  it("codegen: false (strict CSP) runs the interpreter and cannot be serialised", () => {
    const p = compileValueAndGrad((z) => T.sum(T.exp(z)), 2, { codegen: false });
    expect(p.compiled).toBeNull();
    const g = new Float64Array(2);
    expect(p.fn(new Float64Array([0, 0]), g)).toBe(2);
    expect([...g]).toEqual([1, 1]);
    expect(() => p.toJSON()).toThrow(/interpreter/);
  });

  it("falls back to the interpreter when new Function is forbidden", () => {
    const saved = globalThis.Function;
    const blocked = function blockedFunction(): never {
      throw new EvalError("Refused to evaluate a string as JavaScript (CSP)");
    } as unknown as FunctionConstructor;
    globalThis.Function = blocked;
    T.silenceWarnings(true);
    try {
      // compile.ts calls `new Function`, which resolves the global at call time
      const p = compileValueAndGrad((z) => T.sum(T.square(z)), 2);
      expect(p.compiled).toBeNull();
      const g = new Float64Array(2);
      expect(p.fn(new Float64Array([1, 2]), g)).toBe(5);
      expect([...g]).toEqual([2, 4]);
    } finally {
      globalThis.Function = saved;
      T.silenceWarnings(false);
    }
  });
});

describe("serialised potentials", () => {
  it("toJSON → JSON text → loadPotential gives the same value and gradient", () => {
    const p = compileValueAndGrad(eightSchoolsLogp, 10);
    const fn = loadPotential(JSON.stringify(p.toJSON()));
    const z = new Float64Array(seeded(21, 10));
    const g1 = new Float64Array(10);
    const g2 = new Float64Array(10);
    expect(fn(z, g2)).toBe(p.fn(z, g1));
    expect([...g2]).toEqual([...g1]);
  });

  it("loadPotential rejects other JSON", () => {
    expect(() => loadPotential({ format: "nope" } as never)).toThrow(/phlox-potential/);
  });

  it("a worker_threads Worker rebuilds the potential (with captured data) and returns the same outputs", async () => {
    const n = 30;
    const d = 3;
    const Xd = new Float64Array(seeded(31, n * d));
    const yd = new Float64Array(seeded(32, n, 0, 1).map((u) => (u < 0.5 ? 1 : 0)));
    const p = compileValueAndGrad(logisticLogp(tensor(Xd, { shape: [n, d] }), tensor(yd)), d + 1);
    const z = new Float64Array([0.1, -0.2, 0.3, 0.05]);
    const g = new Float64Array(d + 1);
    const v = p.fn(z, g);
    const r = await runInWorker<{ ok: boolean; value: number; grad: Float64Array; error?: string }>({
      kind: "potential",
      json: JSON.stringify(p.toJSON()),
      inputs: [z],
      dim: d + 1,
    });
    expect(r.error).toBeUndefined();
    expect(r.value).toBe(v);
    expect([...r.grad]).toEqual([...g]);
  }, 30_000);
});
