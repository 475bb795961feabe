import type { Tensor } from "@phlox/tensor";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileValueAndGrad } from "./potential.js";
import { seeded } from "./testing/check.js";

/** The 3×3 lower-triangular matrix whose rows are read from z[off…off+6), its diagonal exp'd or not. */
function tril3(z: Tensor, off: number, expDiag: boolean): Tensor {
  const parts: Tensor[] = [];
  let k = off;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      if (j > i) parts.push(T.zeros([1]));
      else {
        const e = T.slice(z, [k], [k + 1]);
        k++;
        parts.push(expDiag && i === j ? T.exp(e) : e);
      }
    }
  return T.reshape(T.concatenate(parts, 0), [3, 3]);
}

const data = T.tensor(seeded(3, 12, -2, 2)).reshape([4, 3]);
const X = T.tensor(seeded(5, 15, -1, 1)).reshape([5, 3]);
const base = T.tensor([
  [2, 0.3, 0.1],
  [0.3, 1.5, -0.2],
  [0.1, -0.2, 1.2],
]);
const covOf = (z: Tensor): Tensor => {
  const s = T.exp(T.slice(z, [0], [3]));
  return T.add(base, T.mul(T.reshape(s, [3, 1]), T.reshape(s, [1, 3])));
};

/** Potentials through cholesky, triangularSolve and matmul: [f, dim]. */
const PROGRAMS: Record<string, [(z: Tensor) => Tensor, number]> = {
  "Σ log diag cholesky(L·Lᵀ)": [
    (z) => {
      const L = tril3(z, 0, true);
      return T.sum(T.log(T.diagonal(T.cholesky(T.matmul(L, T.transpose(L))))));
    },
    6,
  ],
  "multivariate normal, covariance from parameters": [
    (z) => {
      const L = T.cholesky(covOf(z));
      const r = T.transpose(T.sub(data, T.slice(z, [3], [6])));
      const sol = T.triangularSolve(L, r, { lower: true });
      return T.sub(T.mul(T.sum(T.square(sol)), -0.5), T.mul(T.sum(T.log(T.diagonal(L))), 4));
    },
    6,
  ],
  "multivariate normal, scale_tril from parameters": [
    (z) => {
      const L = tril3(z, 0, true);
      const r = T.transpose(T.sub(data, T.slice(z, [6], [9])));
      const sol = T.triangularSolve(L, r, { lower: true });
      return T.sub(T.mul(T.sum(T.square(sol)), -0.5), T.mul(T.sum(T.log(T.diagonal(L))), 4));
    },
    9,
  ],
  "every triangularSolve option through a cholesky factor": [
    (z) => {
      const B = tril3(z, 0, false);
      const L = T.cholesky(T.add(base, T.matmul(B, T.transpose(B))));
      const R = T.reshape(z, [3, 2]);
      let acc = T.scalar(0);
      for (const lower of [true, false])
        for (const transposeA of [true, false])
          for (const leftSide of [true, false]) {
            const r = leftSide ? R : T.transpose(R);
            const x = T.triangularSolve(lower ? L : T.transpose(L), r, { lower, transposeA, leftSide });
            acc = T.add(acc, T.sum(T.mul(x, r)));
          }
      return acc;
    },
    6,
  ],
  "a batch of cholesky factors": [
    (z) => {
      const A = T.reshape(z, [2, 3]);
      const outer = T.matmul(T.reshape(A, [2, 3, 1]), T.reshape(A, [2, 1, 3]));
      const L = T.cholesky(T.add(outer, T.broadcastTo(base, [2, 3, 3])));
      const logDiag = T.sum(T.log(T.diagonal(L)));
      return T.add(logDiag, T.sum(T.triangularSolve(L, T.reshape(A, [2, 3, 1]), { lower: true })));
    },
    6,
  ],
  "solvePD and logdet": [
    (z) => {
      const cov = covOf(z);
      return T.add(T.sum(T.solvePD(cov, T.transpose(data))), T.logdet(cov));
    },
    3,
  ],
  "a data matrix times parameters": [
    (z) => T.sum(T.square(T.sub(T.matmul(X, T.reshape(z, [3, 1])), 0.5))),
    3,
  ],
};

/** Asserts row i of the batched call equals `fn` at point i: value and gradient, bit for bit (±0 and NaN too). */
function expectBatchedEqualsFn(
  f: (z: Tensor) => Tensor,
  dim: number,
  zs: Float64Array,
  codegen: boolean,
): void {
  const p = compileValueAndGrad(f, dim, { codegen });
  const n = zs.length / dim;
  const grads = new Float64Array(n * dim);
  const values = new Float64Array(n);
  p.batched(n)(zs, grads, values);
  for (let i = 0; i < n; i++) {
    const g = new Float64Array(dim);
    const v = p.fn(zs.slice(i * dim, (i + 1) * dim), g);
    expect(Object.is(values[i], v), `point ${i}: value ${values[i]} vs fn ${v}`).toBe(true);
    for (let k = 0; k < dim; k++) {
      const b = grads[i * dim + k] as number;
      expect(Object.is(b, g[k]), `point ${i}: gradient[${k}] ${b} vs fn ${g[k]}`).toBe(true);
    }
  }
}

describe("CompiledPotential.batched(n): row i is fn at point i, bit for bit, through linear algebra", () => {
  it("Σ log diag cholesky(L·Lᵀ) with L = [[1, 0, 0], [0.3, 1, 0], [−0.2, 0.5, 1]] (fn's gradient[0] is 1 − 2⁻⁵³)", () => {
    // The batched program used to run the generic cholesky VJP (Φ broadcast along the batch axis was not
    // recognised by fuse-cholesky.ts) while fn ran the fused choleskyGrad kernel: 1 instead of 1 − 2⁻⁵³.
    const [f, dim] = PROGRAMS["Σ log diag cholesky(L·Lᵀ)"] as [(z: Tensor) => Tensor, number];
    const z = [0, 0.3, 0, -0.2, 0.5, 0];
    expectBatchedEqualsFn(f, dim, new Float64Array([...z, ...z]), true);
    const p = compileValueAndGrad(f, dim);
    expect(p.compiled?.source).toContain("choleskyGrad(");
    const g = new Float64Array(dim);
    p.fn(new Float64Array(z), g);
    expect(g[0]).toBe(0.9999999999999999);
  });

  for (const [name, [f, dim]] of Object.entries(PROGRAMS))
    it(`${name}: n = 1, 2, 5 at random points, compiled and interpreted`, () => {
      for (const codegen of [true, false])
        for (const n of [1, 2, 5]) {
          const zs = Float64Array.from(seeded(1000 + 17 * n + dim, n * dim, -1.5, 1.5));
          expectBatchedEqualsFn(f, dim, zs, codegen);
        }
    });

  it("a row product whose terms are all −0 is +0 in fn, in the batched rows and eagerly (1/(X·β) = +∞)", () => {
    // fn's unrolled row dot product used to start at its first term (−0 + −0 = −0 → −∞) where the batched
    // loop and the reference kernel start at +0
    const Xz = T.tensor([
      [0, 0],
      [1, 2],
      [0, 0],
    ]);
    const f = (z: Tensor): Tensor => T.sum(T.div(1, T.matmul(Xz, T.reshape(z, [2, 1]))));
    const zs = new Float64Array([-1, -1, 0.5, -2]);
    for (const codegen of [true, false]) expectBatchedEqualsFn(f, 2, zs, codegen);
    const g = new Float64Array(2);
    expect(compileValueAndGrad(f, 2).fn(new Float64Array([-1, -1]), g)).toBe(Number.POSITIVE_INFINITY);
    expect(T.valueAndGrad(f)(T.tensor([-1, -1]))[0].item()).toBe(Number.POSITIVE_INFINITY);
  });

  it("at points where the matrix is not positive definite: NaN rows beside finite ones", () => {
    const [f, dim] = PROGRAMS["Σ log diag cholesky(L·Lᵀ)"] as [(z: Tensor) => Tensor, number];
    const g = (z: Tensor): Tensor => {
      // L without exp on the diagonal: a zero diagonal entry makes L·Lᵀ singular
      const L = tril3(z, 0, false);
      return T.add(f(z), T.sum(T.log(T.diagonal(T.cholesky(T.matmul(L, T.transpose(L)))))));
    };
    const zs = new Float64Array([
      0.3, -0.2, 0.5, 0, 0, 0, 1, 0.3, 0.7, -0.2, 0.5, 1.1, 0, 0.3, 0, -0.2, 0.5, 0,
    ]);
    for (const codegen of [true, false]) expectBatchedEqualsFn(g, dim, zs, codegen);
    const values = new Float64Array(3);
    compileValueAndGrad(g, dim).batched(3)(zs, new Float64Array(3 * dim), values);
    expect(Array.from(values, Number.isNaN)).toEqual([true, false, true]);
  });
});
