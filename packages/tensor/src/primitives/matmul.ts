import { allocate, isFloat } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { definePrimitive, num, type Primitive, type VjpRule } from "../core/primitive.js";
import { broadcastShapes, fmt, shapesEqual, sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { NONE, promoteDtypes } from "../internal/elementwise.js";
import { broadcastTo } from "./broadcast-to.js";
import { reshape } from "./reshape.js";
import { transpose } from "./transpose.js";

/** Swaps the last two axes. */
export function matrixTranspose(x: TensorLike): Tensor {
  const t = toTensor(x);
  const r = t.shape.length;
  if (r < 2) return t;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose(t, perm);
}

/** The `matmul` primitive: `[...B, m, k] × [...B, k, n] → [...B, m, n]`, batch dims equal. */
export const matmulP: Primitive<"matmul"> = /* @__PURE__ */ definePrimitive("matmul", {
  shape: ([a, b]) => {
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (
      ra < 2 ||
      ra !== rb ||
      a.shape[ra - 1] !== b.shape[rb - 2] ||
      !shapesEqual(a.shape.slice(0, -2), b.shape.slice(0, -2))
    )
      throw new ShapeError(
        "matmul-shape",
        `matmul: primitive shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not fit.`,
      );
    return [...a.shape.slice(0, -1), b.shape[rb - 1]];
  },
  dtype: ([a]) => a.dtype,
  kernel: ([a, b], _p, shape, dtype) => {
    const A = num(a);
    const B = num(b);
    const r = a.shape.length;
    const m = a.shape[r - 2];
    const k = a.shape[r - 1];
    const n = b.shape[r - 1];
    const batch = sizeOf(a.shape) / (m * k || 1);
    const out = allocate(dtype, sizeOf(shape));
    const acc = new Float64Array(n);
    for (let t = 0; t < batch; t++) {
      const ao = t * m * k;
      const bo = t * k * n;
      const oo = t * m * n;
      for (let i = 0; i < m; i++) {
        acc.fill(0);
        for (let l = 0; l < k; l++) {
          const av = A[ao + i * k + l];
          const br = bo + l * n;
          for (let j = 0; j < n; j++) acc[j] += av * B[br + j];
        }
        for (let j = 0; j < n; j++) out[oo + i * n + j] = acc[j];
      }
    }
    return out;
  },
});

/** VJP rule of `matmul` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const matmulVjpRule: VjpRule<"matmul"> = (g, [a, b], _out, _p, needs) => [
  needs[0] ? bind(matmulP, [g, matrixTranspose(b)], NONE) : null,
  needs[1] ? bind(matmulP, [matrixTranspose(a), g], NONE) : null,
];

/**
 * Matrix product with NumPy semantics: 1-D operands are vectors; batch dimensions broadcast.
 * @throws ShapeError naming both shapes when the inner dimensions differ or batch dims do not broadcast.
 * @example
 * matmul([[1, 2], [3, 4]], [1, 1]).toArray(); // → [3, 7]
 */
export function matmul(x: TensorLike, y: TensorLike): Tensor {
  let [a, b] = promoteDtypes(x, y);
  if (!isFloat(a.dtype)) [a, b] = promoteDtypes(a, b, true);
  const va = a.shape.length === 1;
  const vb = b.shape.length === 1;
  if (a.shape.length === 0 || b.shape.length === 0)
    throw new ShapeError(
      "matmul-shape",
      `matmul: operands must have at least one axis, got ${fmt(a.shape)} and ${fmt(b.shape)}.`,
    );
  if (va) a = reshape(a, [1, a.shape[0]]);
  if (vb) b = reshape(b, [b.shape[0], 1]);
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (a.shape[ra - 1] !== b.shape[rb - 2])
    throw new ShapeError(
      "matmul-shape",
      `matmul: inner dimensions differ: ${fmt(x instanceof Object && "shape" in x ? (x as Tensor).shape : a.shape)} × ${fmt(
        y instanceof Object && "shape" in y ? (y as Tensor).shape : b.shape,
      )} (${a.shape[ra - 1]} vs ${b.shape[rb - 2]}).`,
    );
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), "matmul (batch dims)");
  const sa = [...batch, a.shape[ra - 2], a.shape[ra - 1]];
  const sb = [...batch, b.shape[rb - 2], b.shape[rb - 1]];
  a = broadcastTo(a, sa);
  b = broadcastTo(b, sb);
  let out = bind(matmulP, [a, b], NONE);
  if (va || vb) {
    const s = out.shape.slice();
    if (vb) s.splice(s.length - 1, 1);
    if (va) s.splice(s.length - (vb ? 1 : 2), 1);
    out = reshape(out, s);
  }
  return out;
}
