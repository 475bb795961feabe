import * as T from "@phlox/tensor";
import {
  batchProgram,
  interpretProgram,
  makeProgram,
  simplify,
  stageValueAndGrad,
  type Tensor,
} from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileProgram } from "./compile.js";
import { choleskyGrad } from "./internal/linalg.js";
import { expectClose, seeded } from "./testing/check.js";
import { gpRegression } from "./testing/densities.js";

/** A symmetric positive-definite n×n matrix (batch copies, shifted), row-major. */
function spd(n: number, batch: number, seed: number): Float64Array {
  const out = new Float64Array(batch * n * n);
  for (let b = 0; b < batch; b++) {
    const m = seeded(seed + b, n * n, -1, 1);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += (m[i * n + k] as number) * (m[j * n + k] as number);
        out[b * n * n + i * n + j] = s;
      }
  }
  return out;
}

describe("the cholesky VJP is fused into one choleskyGrad kernel", () => {
  it("choleskyGrad equals the VJP of cholesky in @phlox/tensor (n = 1…8, batches of 2) to 1e-12", () => {
    for (let n = 1; n <= 8; n++) {
      const a = spd(n, 2, 100 + n);
      const gbar = seeded(200 + n, 2 * n * n, -1, 1);
      const [L, back] = T.vjp((x: Tensor) => T.cholesky(x), T.tensor(a, { shape: [2, n, n] }));
      const ref = (back(T.tensor(gbar, { shape: [2, n, n] }))[0] as Tensor).dataSync();
      const out = new Float64Array(2 * n * n);
      choleskyGrad(out, (L as Tensor).dataSync(), 0, gbar, 0, 2, n);
      expectClose(out, ref, 1e-12, `n = ${n}`);
    }
  });

  it("GP densities (n = 11, 30) compile to choleskyGrad and agree with the interpreter to 1e-12", () => {
    for (const n of [11, 30]) {
      const c = gpRegression(n);
      const program = simplify(stageValueAndGrad(c.logp, 3, []));
      const fn = compileProgram(program, { returnFirstScalar: true, argOrder: "potential" });
      expect(fn.source).toContain("choleskyGrad(");
      expect(fn.source).not.toContain("false, false);"); // no right-side triangular solve left
      const g = new Float64Array(3);
      const v = fn.raw(c.z, g) as number;
      const [vi, gi] = interpretProgram(program, [c.z]);
      expectClose([v], [(vi as Float64Array)[0] as number], 1e-12, "value");
      expectClose(g, gi as Float64Array, 1e-12, "gradient");
      const gh = new Float64Array(3);
      expectClose([v], [c.hand(c.z, gh)], 1e-10, "value vs hand-written");
      expectClose(g, gh, 1e-10, "gradient vs hand-written");
    }
  });

  it("a gradient through a batched cholesky (Φ broadcast along the batch) fuses and agrees with the interpreter to 1e-12", () => {
    const n = 4;
    const base = spd(n, 2, 7);
    const f = (z: Tensor): Tensor => {
      const A = T.add(T.tensor(base, { shape: [2, n, n] }), T.mul(T.eye(n), T.exp(T.sum(z))));
      const L = T.cholesky(A);
      return T.sum(T.mul(T.tanh(L), T.tensor(seeded(8, 2 * n * n, -1, 1), { shape: [2, n, n] })));
    };
    const z = new Float64Array([0.1, -0.3]);
    const program = simplify(stageValueAndGrad(f, 2, []));
    const fn = compileProgram(program, { returnFirstScalar: true, argOrder: "potential" });
    expect(fn.source).toContain("choleskyGrad(");
    const g = new Float64Array(2);
    const v = fn.raw(z, g) as number;
    const [vi, gi] = interpretProgram(program, [z]);
    expectClose([v], [(vi as Float64Array)[0] as number], 1e-12, "value");
    expectClose(g, gi as Float64Array, 1e-12, "gradient");
  });

  it("the vmapped gradient (batchProgram) fuses as the single-point one does, so they agree bit for bit", () => {
    const c = gpRegression(11);
    const program = simplify(stageValueAndGrad(c.logp, 3, []));
    const single = compileProgram(program, { returnFirstScalar: true, argOrder: "potential" });
    const batched = compileProgram(simplify(batchProgram(program, 2, [true])));
    expect(single.source).toContain("choleskyGrad(");
    expect(batched.source).toContain("choleskyGrad(");
    expect(batched.source).not.toContain("false, false);"); // no right-side triangular solve left
    const zs = new Float64Array([...c.z, ...Array.from(c.z, (x) => x + 0.1)]);
    const [values, grads] = batched.call([zs]) as [Float64Array, Float64Array];
    for (let i = 0; i < 2; i++) {
      const g = new Float64Array(3);
      const v = single.raw(zs.slice(3 * i, 3 * i + 3), g) as number;
      expect(values[i]).toBe(v);
      expect(Array.from(grads.subarray(3 * i, 3 * i + 3))).toEqual(Array.from(g));
    }
  });

  it("the same chain on a matrix that is not a cholesky factor is left alone and still agrees", () => {
    const n = 3;
    const tril = T.tensor(
      Array.from({ length: n * n }, (_, k) => (k % n <= Math.floor(k / n) ? 1 : 0)),
      {
        shape: [n, n],
      },
    );
    const phi = T.tensor(
      Array.from({ length: n * n }, (_, k) =>
        k % n < Math.floor(k / n) ? 1 : k % n === Math.floor(k / n) ? 0.5 : 0,
      ),
      { shape: [n, n] },
    );
    const f = (A: Tensor, G: Tensor): Tensor => {
      const L = T.add(T.mul(A, tril), T.mul(T.eye(n), 3));
      const P = T.mul(T.matmul(T.transpose(L), G), phi);
      const X = T.triangularSolve(L, P, { lower: true, transposeA: true, leftSide: true });
      const S = T.triangularSolve(L, X, { lower: true, transposeA: false, leftSide: false });
      return T.mul(T.add(S, T.transpose(S)), 0.5);
    };
    const A = Float64Array.from(seeded(31, n * n, -1, 1));
    const G = Float64Array.from(seeded(32, n * n, -1, 1));
    const spec = { shape: [n, n], dtype: "float64" as const };
    const { program } = makeProgram(f as (...a: never[]) => unknown, [spec, spec]);
    const p = simplify(program);
    const c = compileProgram(p);
    expect(c.source).not.toContain("choleskyGrad(");
    expectClose(c.call([A, G])[0] as Float64Array, interpretProgram(p, [A, G])[0] as Float64Array, 1e-12);
  });
});
