import fc from "fast-check";
import { describe, test } from "vitest";
import { type Tensor, tensor } from "../core/tensor.js";
import * as t from "../index.js";
import { checkGrads } from "../testing/check-grads.js";

/** One row of the gradient table: the function, the domain of each argument, the derivative order. */
interface Row {
  op: string;
  f: (...xs: Tensor[]) => Tensor;
  domain: [number, number][];
  order: 1 | 2;
  /** How argument shapes relate: "same", "broadcast" (second argument broadcasts), or fixed shapes. */
  shapes?: "same" | "broadcast" | number[][];
  rtol?: number;
  eps?: number;
}

const U = (op: string, f: (x: Tensor) => Tensor, lo: number, hi: number, order: 1 | 2 = 2): Row => ({
  op,
  f,
  domain: [[lo, hi]],
  order,
});
const B = (
  op: string,
  f: (x: Tensor, y: Tensor) => Tensor,
  dx: [number, number],
  dy: [number, number],
  order: 1 | 2 = 2,
): Row => ({
  op,
  f,
  domain: [dx, dy],
  order,
  shapes: "broadcast",
});

const trilPlus = (a: Tensor): Tensor => {
  const n = a.shape[a.shape.length - 1];
  return t.add(
    t.mul(
      a,
      tensor(
        Float64Array.from({ length: n * n }, (_, i) => (i % n <= Math.floor(i / n) ? 1 : 0)),
        { shape: [n, n] },
      ),
    ),
    t.eye(n).mul(3),
  );
};
const spd = (x: Tensor): Tensor =>
  t.add(t.matmul(x, t.matrixTranspose(x)), t.eye(x.shape[x.shape.length - 1]).mul(2));

const table: Row[] = [
  U("neg", t.neg, -2, 2),
  U("exp", t.exp, -2, 2),
  U("log", t.log, 0.5, 3),
  U("log1p", t.log1p, -0.5, 2),
  U("expm1", t.expm1, -2, 2),
  U("sqrt", t.sqrt, 0.5, 3),
  U("rsqrt", t.rsqrt, 0.5, 3),
  U("sin", t.sin, -3, 3),
  U("cos", t.cos, -3, 3),
  U("tan", t.tan, -1, 1),
  U("tanh", t.tanh, -2, 2),
  U("logistic", t.logistic, -3, 3),
  U("abs", t.abs, 0.3, 2),
  U("lgamma", t.lgamma, 0.5, 5),
  U("digamma", t.digamma, 0.5, 5),
  U("polygamma(1)", (x) => t.polygamma(1, x), 0.5, 5),
  U("erf", t.erf, -2, 2),
  U("erfc", t.erfc, -2, 2),
  U("ndtri", t.ndtri, 0.05, 0.95),
  // float32 rounding: a coarse step and a float32-sized tolerance
  {
    ...U("cast f64→f32→f64", (x) => t.cast(t.cast(x, "float32"), "float64"), -2, 2, 1),
    eps: 1e-2,
    rtol: 1e-4,
  },
  B("add", t.add, [-2, 2], [-2, 2]),
  B("sub", t.sub, [-2, 2], [-2, 2]),
  B("mul", t.mul, [-2, 2], [-2, 2]),
  B("div", t.div, [-2, 2], [0.5, 2]),
  B("pow", t.pow, [0.5, 2], [-1.5, 1.5]),
  B("maximum", t.maximum, [-2, 2], [-2, 2], 1),
  B("minimum", t.minimum, [-2, 2], [-2, 2], 1),
  {
    op: "where (select)",
    f: (x, y) => t.where(t.gt(x, 0), t.mul(x, y), t.sin(y)),
    domain: [
      [-2, 2],
      [-2, 2],
    ],
    order: 2,
    shapes: "broadcast",
  },
  U("sum (all)", (x) => t.sum(t.mul(x, x)), -2, 2),
  U("sum (axis 0, keepDims)", (x) => t.mul(t.sum(x, 0, true), x), -2, 2),
  U("max", (x) => t.max(x, -1), -2, 2, 1),
  U("min", (x) => t.min(x, 0), -2, 2, 1),
  U("prod", (x) => t.prod(x, -1), 0.5, 1.5),
  U("reshape", (x) => t.mul(t.reshape(x, [-1]), t.reshape(x, [-1])), -2, 2),
  U("broadcastTo", (x) => t.exp(t.broadcastTo(x, [2, ...x.shape])), -1, 1),
  U("transpose", (x) => t.mul(t.transpose(x), t.arange(x.size).reshape([...x.shape].reverse())), -2, 2),
  {
    op: "slice / pad",
    f: (x) => t.square(t.pad(t.slice(x, [1, 0], [3, 2]), [0, 1], [2, 0])),
    domain: [[-2, 2]],
    order: 2,
    shapes: [[3, 3]],
  },
  {
    op: "concatenate",
    f: (x, y) => t.exp(t.concatenate([x, y], 1)),
    domain: [
      [-1, 1],
      [-1, 1],
    ],
    order: 2,
    shapes: [
      [2, 3],
      [2, 1],
    ],
  },
  {
    op: "gather (take)",
    f: (x) => t.square(t.take(x, [2, 0, 2], 1)),
    domain: [[-2, 2]],
    order: 2,
    shapes: [[2, 3]],
  },
  {
    op: "scatterAdd",
    f: (x, u) => t.square(t.scatterAdd(x, [1, 1, 0], u, 0)),
    domain: [
      [-2, 2],
      [-2, 2],
    ],
    order: 2,
    shapes: [
      [2, 2],
      [3, 2],
    ],
  },
  U("cumsum", (x) => t.square(t.cumsum(x, -1)), -2, 2),
  U("cumsum reverse", (x) => t.square(t.cumsum(x, 0, true)), -2, 2),
  {
    op: "matmul (batch broadcast)",
    f: (a, b) => t.tanh(t.matmul(a, b)),
    domain: [
      [-1, 1],
      [-1, 1],
    ],
    order: 2,
    shapes: [
      [2, 1, 2, 3],
      [3, 3, 2],
    ],
  },
  {
    op: "matmul (vector)",
    f: (a, b) => t.matmul(a, b),
    domain: [
      [-1, 1],
      [-1, 1],
    ],
    order: 2,
    shapes: [[2, 3], [3]],
  },
  { op: "cholesky", f: (x) => t.cholesky(spd(x)), domain: [[-1, 1]], order: 2, shapes: [[2, 3, 3]] },
  ...[true, false].flatMap((lower) =>
    [true, false].flatMap((transposeA) =>
      [true, false].map(
        (leftSide): Row => ({
          op: `triangularSolve lower=${lower} transposeA=${transposeA} leftSide=${leftSide}`,
          f: (a, b) =>
            t.triangularSolve(lower ? trilPlus(a) : t.matrixTranspose(trilPlus(a)), b, {
              lower,
              transposeA,
              leftSide,
            }),
          domain: [
            [-1, 1],
            [-1, 1],
          ],
          order: 2,
          shapes: [[3, 3], leftSide ? [3, 2] : [2, 3]],
        }),
      ),
    ),
  ),
  U("softplus", t.softplus, -3, 3),
  U("logSigmoid", t.logSigmoid, -3, 3),
  U("logSumExp", (x) => t.logSumExp(x, -1), -3, 3),
  U("softmax", (x) => t.softmax(x), -3, 3),
  B("logaddexp", t.logaddexp, [-3, 3], [-3, 3]),
  B("xlogy", t.xlogy, [-2, 2], [0.5, 3]),
  B("xlog1py", t.xlog1py, [-2, 2], [-0.5, 3]),
  U("log1mexp", t.log1mexp, -3, -0.1),
  B("betaln", t.betaln, [0.5, 20], [0.5, 20]),
  U("lbeta", (x) => t.lbeta(x), 0.5, 5),
  { op: "logdet", f: (x) => t.logdet(spd(x)), domain: [[-1, 1]], order: 2, shapes: [[3, 3]] },
  {
    op: "choSolve",
    f: (a, b) => t.choSolve(trilPlus(a), b),
    domain: [
      [-1, 1],
      [-1, 1],
    ],
    order: 2,
    shapes: [
      [3, 3],
      [3, 2],
    ],
  },
  U("variance / std", (x) => t.add(t.variance(x), t.std(x, -1, true)), -2, 2),
  U("clamp", (x) => t.clamp(x, -1, 1), -2, 2, 1),
  {
    op: "einsum",
    f: (a, b) => t.einsum("bij,jk->bki", a, b).sin(),
    domain: [
      [-1, 1],
      [-1, 1],
    ],
    order: 2,
    shapes: [
      [2, 2, 3],
      [3, 2],
    ],
  },
];

/** Random shapes: rank 0–2 (at least one element), and a broadcast-compatible partner. */
const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 });
const maskArb = fc.array(fc.boolean(), { minLength: 2, maxLength: 2 });

function values(shape: readonly number[], [lo, hi]: [number, number], seed: number): Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((s / 4294967296) * 0.9 + 0.05) * (hi - lo);
  }
  return tensor(a, { shape });
}

describe("every primitive's VJP matches central finite differences (float64)", () => {
  for (const row of table) {
    test(`${row.op}: order ${row.order}`, () => {
      fc.assert(
        fc.property(shapeArb, maskArb, fc.integer({ min: 1, max: 1e9 }), (shape, mask, seed) => {
          let shapes: number[][];
          if (Array.isArray(row.shapes)) shapes = row.shapes;
          else if (row.shapes === "broadcast") {
            // the partner drops the leading axis or sets axes to 1, so broadcasting is exercised both ways
            const partner = shape.map((d, i) => (mask[i] ? 1 : d)).slice(mask[0] && shape.length > 1 ? 1 : 0);
            shapes = mask[1] ? [partner, shape] : [shape, partner];
          } else shapes = row.domain.map(() => shape);
          const xs = row.domain.map((d, i) => values(shapes[i], d, seed + i * 7919));
          checkGrads(row.f, xs, { order: row.order, seed, rtol: row.rtol ?? 1e-6, eps: row.eps ?? 1e-5 });
        }),
        { seed: 20261126, numRuns: Array.isArray(row.shapes) ? 2 : 4 },
      );
    });
  }
});
