import * as T from "@phlox/tensor";
import { type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { expectAgree, seeded, seenPrimitives, threeWays, threeWaysGrad } from "./testing/check.js";

const vec = (seed: number, n: number, lo = -1, hi = 1): Tensor => tensor(seeded(seed, n, lo, hi));
const mat = (seed: number, shape: number[], lo = -1, hi = 1): Tensor =>
  tensor(
    seeded(
      seed,
      shape.reduce((a, b) => a * b, 1),
      lo,
      hi,
    ),
  ).reshape(shape);
/** A well-conditioned symmetric positive-definite matrix. */
const spd = (seed: number, n: number): Tensor => {
  const a = mat(seed, [n, n]);
  return T.add(T.matmul(a, T.transpose(a)), T.mul(eyeOf(n), n));
};
const eyeOf = (n: number): Tensor =>
  tensor(Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0))).reshape([n, n]);

const UNARY: [string, (x: Tensor) => Tensor, number, number][] = [
  ["neg", T.neg, -2, 2],
  ["exp", T.exp, -2, 2],
  ["log", T.log, 0.1, 3],
  ["log1p", T.log1p, -0.5, 3],
  ["expm1", T.expm1, -2, 2],
  ["sqrt", T.sqrt, 0.1, 3],
  ["rsqrt", T.rsqrt, 0.1, 3],
  ["sin", T.sin, -3, 3],
  ["cos", T.cos, -3, 3],
  ["tan", T.tan, -1, 1],
  ["tanh", T.tanh, -3, 3],
  ["logistic", T.logistic, -40, 40],
  ["abs", T.abs, -2, 2],
  ["sign", T.sign, -2, 2],
  ["floor", T.floor, -3, 3],
  ["ceil", T.ceil, -3, 3],
  ["round", T.round, -3, 3],
  ["lgamma", T.lgamma, 0.1, 8],
  ["digamma", T.digamma, 0.1, 8],
  ["erf", T.erf, -3, 3],
  ["erfc", T.erfc, -3, 3],
  ["ndtri", T.ndtri, 0.01, 0.99],
  ["stopGradient", T.stopGradient, -2, 2],
  ["trigamma (polygamma 1)", (x) => T.polygamma(1, x), 0.2, 6],
  ["polygamma 2", (x) => T.polygamma(2, x), 0.2, 6],
];

describe("compileProgram agrees with eager evaluation and the interpreter", () => {
  for (const [name, op, lo, hi] of UNARY) {
    it(`${name}: value and gradient of sum(${name}(x)) over a vector and a scalar`, () => {
      expectAgree(threeWaysGrad((x) => T.sum(op(x)), [vec(3, 7, lo, hi)]));
      expectAgree(threeWaysGrad((x) => op(x), [tensor(seeded(5, 1, lo, hi)[0] as number)]));
    });
  }

  it("binary arithmetic: add, sub, mul, div, pow, maximum, minimum with broadcasting", () => {
    const f = (x: Tensor, y: Tensor) =>
      T.sum(
        T.add(
          T.mul(T.sub(x, y), T.div(x, T.add(y, 3))),
          T.add(T.pow(T.abs(x), y), T.sub(T.maximum(x, y), T.minimum(x, T.mul(y, 2)))),
        ),
      );
    expectAgree(threeWaysGrad(f, [mat(1, [3, 4], 0.2, 2), vec(2, 4)]));
    expectAgree(threeWaysGrad((x, y) => f(y, x), [vec(2, 4, 0.3, 2), mat(1, [3, 4], 0.2, 2)]));
  });

  it("comparisons, logical ops, select, isnan, isfinite, logicalNot and casts", () => {
    const x = tensor([1, Number.NaN, 3, Number.POSITIVE_INFINITY, -2, 0]);
    const y = tensor([1, 2, 2, 4, -3, 0]);
    const f = (a: Tensor, b: Tensor) => [
      T.lt(a, b),
      T.le(a, b),
      T.gt(a, b),
      T.ge(a, b),
      T.eq(a, b),
      T.ne(a, b),
      T.logicalAnd(T.gt(a, 0), T.lt(b, 3)),
      T.logicalOr(T.isnan(a), T.logicalNot(T.isfinite(a))),
      T.where(T.gt(a, b), a, b),
      T.cast(a, "int32"),
      T.cast(a, "bool"),
      T.cast(T.cast(b, "int32"), "float64"),
      T.cast(a, "float32"),
      T.add(T.cast(b, "int32"), T.cast(b, "int32")),
    ];
    expectAgree(threeWays(f, [x, y]));
  });

  it("select under differentiation picks the gradient of the chosen branch", () => {
    expectAgree(threeWaysGrad((x) => T.sum(T.where(T.gt(x, 0), T.mul(x, x), T.exp(x))), [vec(4, 9, -2, 2)]));
  });

  it("reductions over all axes, some axes and with keepDims; argmax and argmin", () => {
    const x = mat(5, [2, 3, 4], 0.5, 1.5);
    expectAgree(
      threeWaysGrad(
        (a) =>
          T.add(
            T.add(T.sum(T.sum(a, [0, 2])), T.sum(T.max(a, 1))),
            T.add(T.sum(T.min(a, [0], true)), T.sum(T.prod(a, 2))),
          ),
        [x],
      ),
    );
    expectAgree(
      threeWays((a) => [T.argmax(a, 1), T.argmin(a, 2), T.argmax(a, 0, true), T.max(a), T.prod(a)], [x]),
    );
  });

  it("shape ops: reshape, broadcastTo, transpose, slice, pad, concatenate", () => {
    const x = mat(6, [2, 3, 4]);
    const f = (a: Tensor) => {
      const t = T.transpose(a, [2, 0, 1]); // [4,2,3]
      const s = T.slice(t, [1, 0, 1], [3, 2, 3]); // [2,2,2]
      const p = T.pad(s, [1, 0, 0], [0, 1, 2]); // [3,3,4]
      const c = T.concatenate([p, T.reshape(a, [3, 2, 4])], 1); // [3,5,4]
      const b = T.broadcastTo(T.reshape(T.sum(a, [0, 1]), [1, 4]), [5, 4]);
      return T.sum(T.mul(T.exp(T.mul(c, 0.5)), T.add(b, 1)));
    };
    expectAgree(threeWaysGrad(f, [x]));
  });

  it("gather (take) with integer indices and its transpose scatterAdd, cumsum in both directions", () => {
    const x = mat(7, [5, 3]);
    const idx = tensor([4, 0, 0, 2, -1], { dtype: "int32" });
    expectAgree(
      threeWaysGrad(
        (a) => T.sum(T.mul(T.take(a, idx, 0), T.take(a, tensor([2, 1], { dtype: "int32" }), 1).sum())),
        [x],
      ),
    );
    expectAgree(threeWaysGrad((a) => T.sum(T.mul(T.cumsum(a, 0), T.cumsum(a, 1, true))), [x]));
    expectAgree(threeWays((a, u) => T.scatterAdd(a, idx, u, 0), [x, mat(8, [5, 3])]));
  });

  it("matmul: matrix-vector, matrix-matrix, batched, and its gradient", () => {
    const a = mat(9, [4, 3]);
    expectAgree(threeWaysGrad((m, v) => T.sum(T.exp(T.matmul(m, v))), [a, vec(10, 3)]));
    expectAgree(threeWaysGrad((m) => T.sum(T.tanh(T.matmul(m, T.transpose(m)))), [a]));
    expectAgree(threeWaysGrad((m, b) => T.sum(T.matmul(m, b)), [mat(11, [2, 3, 4]), mat(12, [2, 4, 5])]));
    expectAgree(threeWaysGrad((v, m) => T.sum(T.sin(T.matmul(v, m))), [vec(13, 4), a]));
  });

  it("cholesky and triangularSolve (every option combination) with gradients", () => {
    const s = spd(14, 4);
    expectAgree(threeWaysGrad((m) => T.sum(T.cholesky(m)), [s]));
    const b = mat(15, [4, 3]);
    for (const lower of [true, false])
      for (const transposeA of [true, false])
        for (const leftSide of [true, false]) {
          const rhs = leftSide ? b : T.transpose(b);
          expectAgree(
            threeWaysGrad(
              (m, r) => {
                const L = T.cholesky(m);
                const A = lower ? L : T.transpose(L);
                return T.sum(T.mul(T.triangularSolve(A, r, { lower, transposeA, leftSide }), r));
              },
              [s, rhs],
            ),
          );
        }
  });

  it("float32 programs round like the float32 kernels (each op once, reductions and matmul at the end)", () => {
    const x = T.cast(mat(18, [3, 4], 0.1, 2), "float32");
    const w = T.cast(mat(19, [4, 2]), "float32");
    const f = (a: Tensor, b: Tensor) => [
      T.sum(T.mul(T.exp(a), T.log(a))),
      T.sum(a, 1),
      T.prod(a, 0),
      T.cumsum(a, 1),
      T.matmul(a, b),
      T.matmul(T.transpose(b), T.transpose(a)),
    ];
    expectAgree(threeWays(f, [x, w]), 0);
    expectAgree(
      threeWaysGrad((a) => T.sum(T.tanh(T.matmul(a, w))), [x]),
      0,
    );
  });

  it("int32 arithmetic, reductions and gathers", () => {
    const i = tensor([3, -7, 12, 5, 0, 9], { dtype: "int32" });
    const idx = tensor([5, 0, 2], { dtype: "int32" });
    const f = (a: Tensor) => [
      T.sum(T.mul(a, a)),
      T.add(a, a),
      T.max(a),
      T.take(a, idx),
      T.take(T.mul(a, 2), T.take(idx, tensor([1], { dtype: "int32" }))),
    ];
    expectAgree(threeWays(f, [i]), 0);
  });

  it("a scalar computed after a fused loop (gather, matmul of a sum) feeds the next elementwise work", () => {
    const zero = tensor([0], { dtype: "int32" });
    const f = (x: Tensor) => {
      const s = T.sum(T.exp(x));
      const g = T.reshape(T.take(T.reshape(s, [1]), zero), []);
      const m = T.reshape(T.matmul(T.reshape(s, [1, 1]), T.reshape(g, [1, 1])), []);
      return T.sum(T.mul(T.sin(x), T.add(g, m)));
    };
    expectAgree(threeWaysGrad(f, [vec(21, 8)]));
  });

  it("randomBits from a key input", () => {
    const key = tensor([0, 42], { dtype: "uint32" });
    expectAgree(
      threeWays((k) => T.randomBits(k, [3, 2]), [key]),
      0,
    );
  });

  it("captured constants, literals and outputs that are inputs or constants", () => {
    const data = mat(16, [3, 2]);
    expectAgree(threeWays((x) => [x, data, T.add(x, 1), tensor(2.5), T.mul(data, x)], [mat(17, [3, 2])]));
  });

  it("the corpus above exercises every defined primitive", () => {
    const missing = T.primitiveNames().filter((p) => !seenPrimitives.has(p));
    expect(missing).toEqual([]);
  });
});
