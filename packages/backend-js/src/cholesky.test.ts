import type { Tensor, TypedArray } from "@phlox/tensor";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileValueAndGrad } from "./potential.js";
import { expectClose, threeWays, threeWaysGrad } from "./testing/check.js";

/** Matrices that are not positive definite: the reference kernel (and JAX) gives an all-NaN factor. */
const NOT_PD: Record<string, number[][]> = {
  "singular (pivot exactly 0)": [
    [1, 1],
    [1, 1],
  ],
  "singular, second pivot 4 − 2²": [
    [1, 2],
    [2, 4],
  ],
  "L·Lᵀ with a zero last row": [
    [0.09, -0.06, 0],
    [-0.06, 0.29, 0],
    [0, 0, 0],
  ],
  zero: [
    [0, 0],
    [0, 0],
  ],
  indefinite: [
    [1, 2],
    [2, 1],
  ],
  "negative first pivot": [
    [-1, 0],
    [0, 1],
  ],
  "diag(1, −1, 1)": [
    [1, 0, 0],
    [0, -1, 0],
    [0, 0, 1],
  ],
  "a NaN entry": [
    [1, 0],
    [Number.NaN, 1],
  ],
};

/** Positive definite to working precision, condition number up to ~1e15 or a pivot of 1e-300. */
const NEARLY_SINGULAR: Record<string, number[][]> = {
  "pivot 1e-12": [
    [1, 1],
    [1, 1 + 1e-12],
  ],
  "correlation 1 − 1e-15": [
    [1, 1 - 1e-15],
    [1 - 1e-15, 1],
  ],
  "pivot 1e-300": [
    [1e-300, 0],
    [0, 1],
  ],
};

/** Bit-for-bit equality of two arrays (NaN equals NaN, +0 differs from −0). */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBe(true);
}

const weights = (n: number): Tensor =>
  T.tensor(
    Array.from({ length: n * n }, (_, k) => 0.3 + 0.1 * k),
    { shape: [n, n] },
  );
/** Σ W∘L + Σ log diag L, through the cholesky VJP (fused to choleskyGrad when compiled). */
const density = (a: Tensor): Tensor => {
  const L = T.cholesky(a);
  return T.add(T.sum(T.mul(L, weights(a.shape[a.shape.length - 1] as number))), T.sum(T.log(T.diagonal(L))));
};

describe("cholesky of a matrix that is not positive definite: eager = interpreted = compiled", () => {
  for (const [name, m] of Object.entries(NOT_PD))
    it(`${name}: an all-NaN factor, value and gradient, three ways`, () => {
      const A = T.tensor(m);
      const r = threeWays((a: Tensor) => T.cholesky(a), [A]);
      for (const out of [r.eager, r.interpreted, r.compiled])
        expect(Array.from(out[0] as TypedArray).every(Number.isNaN), name).toBe(true);
      const g = threeWaysGrad(density, [A]);
      for (const out of [g.eager, g.interpreted, g.compiled]) {
        expect(Number.isNaN((out[0] as TypedArray)[0]), `${name} value`).toBe(true);
        expect(Array.from(out[1] as TypedArray).every(Number.isNaN), `${name} gradient`).toBe(true);
      }
    });

  for (const [name, m] of Object.entries(NEARLY_SINGULAR))
    it(`${name}: a finite factor, bit for bit three ways; the gradient agrees to 1e-9`, () => {
      const A = T.tensor(m);
      const r = threeWays((a: Tensor) => T.cholesky(a), [A]);
      expect(Array.from(r.eager[0] as TypedArray).every(Number.isFinite)).toBe(true);
      expectSameBits(r.interpreted[0] as TypedArray, r.eager[0] as TypedArray, `${name} interpreted`);
      expectSameBits(r.compiled[0] as TypedArray, r.eager[0] as TypedArray, `${name} compiled`);
      const g = threeWaysGrad(density, [A]);
      expect(Array.from(g.eager[1] as TypedArray).every(Number.isFinite)).toBe(true);
      for (const out of [g.interpreted, g.compiled]) {
        expectSameBits(out[0] as TypedArray, g.eager[0] as TypedArray, `${name} value`);
        expectClose(out[1] as TypedArray, g.eager[1] as TypedArray, 1e-9, `${name} gradient`);
      }
    });

  it("a batch mixing positive-definite and singular matrices: NaN only in the singular ones", () => {
    const A = T.tensor([
      [
        [4, 2],
        [2, 2],
      ],
      [
        [1, 1],
        [1, 1],
      ],
      [
        [2, -1],
        [-1, 2],
      ],
    ]);
    const r = threeWays((a: Tensor) => T.cholesky(a), [A]);
    expect(Array.from((r.eager[0] as TypedArray).subarray(0, 4))).toEqual([2, 0, 1, 1]);
    expect(Array.from((r.eager[0] as TypedArray).subarray(4, 8)).every(Number.isNaN)).toBe(true);
    expectSameBits(r.interpreted[0] as TypedArray, r.eager[0] as TypedArray, "interpreted");
    expectSameBits(r.compiled[0] as TypedArray, r.eager[0] as TypedArray, "compiled");
  });

  it("a compiled potential at a point where L·Lᵀ is singular gives NaN (was −∞), as eager autodiff", () => {
    // L = [[0.3, 0, 0], [−0.2, 0.5, 0], [0, 0, 0]]: the last pivot of L·Lᵀ is exactly 0
    const f = (z: Tensor): Tensor => {
      const L = T.reshape(
        T.concatenate([T.slice(z, [0], [1]), T.zeros([2]), T.slice(z, [1], [3]), T.zeros([4])], 0),
        [3, 3],
      );
      return T.sum(T.log(T.diagonal(T.cholesky(T.matmul(L, T.transpose(L))))));
    };
    const z = new Float64Array([0.3, -0.2, 0.5]);
    const [ev, eg] = T.valueAndGrad(f)(T.tensor(z));
    expect(Number.isNaN(ev.item())).toBe(true);
    for (const codegen of [true, false]) {
      const g = new Float64Array(3);
      const v = compileValueAndGrad(f, 3, { codegen }).fn(z, g);
      expect(Number.isNaN(v), `codegen ${codegen}: value ${v}`).toBe(true);
      expectSameBits(g, (eg as Tensor).dataSync(), `codegen ${codegen}: gradient`);
    }
  });
});
