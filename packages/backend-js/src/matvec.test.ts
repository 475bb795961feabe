import * as T from "@phlox/tensor";
import { interpretProgram, simplify, stageValueAndGrad, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileProgram } from "./compile.js";
import { expectClose, seeded } from "./testing/check.js";
import { linearRegression, logisticRegression, normalMixture } from "./testing/densities.js";

function compiledAndInterpreted(f: (z: Tensor) => Tensor, z: Float64Array) {
  const program = simplify(stageValueAndGrad(f, z.length, []));
  const c = compileProgram(program, { returnFirstScalar: true, argOrder: "potential" });
  const g = new Float64Array(z.length);
  const v = c.raw(z, g) as number;
  const [vi, gi] = interpretProgram(program, [z]);
  expectClose([v], [(vi as Float64Array)[0] as number], 1e-12, "value");
  expectClose(g, gi as Float64Array, 1e-12, "gradient");
  return c.source;
}

describe("matrix–vector products in regressions", () => {
  it("unrolls X·beta and Xᵀ·r for up to 32 columns, loading each row of X once, and agrees to 1e-12", () => {
    for (const d of [1, 2, 6, 10, 24, 32]) {
      const c = logisticRegression(37, d, true, d);
      const src = compiledAndInterpreted(c.logp, c.z);
      // one load of each element of a row per iteration, shared by the forward and backward products
      expect(src.match(/= c0\[e/g)?.length, `loads of X, D=${d}`).toBe(d);
    }
  });

  it("keeps the loop form above 32 columns and agrees to 1e-12", () => {
    const c = logisticRegression(23, 33, false);
    const src = compiledAndInterpreted(c.logp, c.z);
    expect(src).toContain("for (let p = 0");
  });

  it("reads a matrix at an offset (a row slice of a larger constant) and agrees with the interpreter", () => {
    const big = T.tensor(seeded(11, 40 * 5, -1, 1), { shape: [40, 5] });
    const y = T.tensor(seeded(12, 30, -1, 1));
    const f = (z: Tensor): Tensor => {
      const X = T.slice(big, [10, 0], [40, 5]);
      const beta = T.slice(z, [0], [5]);
      const r = T.sub(y, T.matmul(X, beta));
      return T.add(T.mul(T.sum(T.mul(r, r)), -0.5), T.sum(T.tanh(T.slice(z, [5], [7]))));
    };
    compiledAndInterpreted(f, new Float64Array(seeded(13, 7, -1, 1)));
  });

  it("matches the hand-written linear-regression gradient (nes sizes) to 1e-10", () => {
    const c = linearRegression();
    const program = simplify(stageValueAndGrad(c.logp, c.dim, []));
    const fn = compileProgram(program, { returnFirstScalar: true, argOrder: "potential" });
    const g = new Float64Array(c.dim);
    const gh = new Float64Array(c.dim);
    expectClose([fn.raw(c.z, g) as number], [c.hand(c.z, gh)], 1e-10, "value");
    expectClose(g, gh, 1e-10, "gradient");
  });

  it("keeps one loop over the data when the gradient's few parameter entries are assembled after it", () => {
    const c = normalMixture(300);
    const src = compiledAndInterpreted(c.logp, c.z);
    expect(src.match(/i < 300;/g)?.length).toBe(1);
    const g = new Float64Array(5);
    const gh = new Float64Array(5);
    const program = simplify(stageValueAndGrad(c.logp, 5, []));
    const fn = compileProgram(program, { returnFirstScalar: true, argOrder: "potential" });
    expectClose([fn.raw(c.z, g) as number], [c.hand(c.z, gh)], 1e-10, "value vs hand-written");
    expectClose(g, gh, 1e-10, "gradient vs hand-written");
  });
});
