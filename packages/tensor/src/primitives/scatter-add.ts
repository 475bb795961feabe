import { DtypeError, ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { fmt, normalizeAxis, shapesEqual } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { prodRange } from "../internal/strided.js";
import { cast } from "./cast.js";
import { checkIndex, gatherP } from "./gather.js";

/** The `scatterAdd` primitive: `out = operand; out[..., indices[j], ...] += updates[..., j, ...]` (transpose of gather). */
export const scatterAddP = /* @__PURE__ */ definePrimitive("scatterAdd", {
  shape: ([x, idx, u], p) => {
    const want = [...x.shape.slice(0, p.axis), ...idx.shape, ...x.shape.slice(p.axis + 1)];
    if (!shapesEqual(u.shape, want))
      throw new ShapeError(
        "scatter-shape",
        `scatterAdd: updates have shape ${fmt(u.shape)}, expected ${fmt(want)}.`,
      );
    return x.shape;
  },
  dtype: ([x]) => x.dtype,
  kernel: ([x, idx, u], p) => {
    const out = arr(x).slice();
    const ii = arr(idx);
    const uu = arr(u);
    const pre = prodRange(x.shape, 0, p.axis);
    const d = x.shape[p.axis];
    const post = prodRange(x.shape, p.axis + 1, x.shape.length);
    const k = ii.length;
    for (let j = 0; j < k; j++) {
      const r = checkIndex(ii[j], d, "scatterAdd");
      for (let i = 0; i < pre; i++) {
        const dst = (i * d + r) * post;
        const src = (i * k + j) * post;
        for (let q = 0; q < post; q++) out[dst + q] += uu[src + q];
      }
    }
    return out;
  },
});

/** VJP rule of `scatterAdd` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const scatterAddVjpRule: VjpRule<"scatterAdd"> = (g, [_x, idx], _y, p) => [
  g,
  null,
  bind(gatherP, [g, idx], { axis: p.axis }),
];

/**
 * Adds `updates` into a copy of `operand` at `indices` along `axis` (repeated indices accumulate).
 * @param updates - shape `operand.shape[:axis] + indices.shape + operand.shape[axis+1:]`.
 * @example
 * scatterAdd([0, 0, 0], [0, 2, 0], [1, 2, 3]).toArray(); // → [4, 0, 2]
 */
export function scatterAdd(operand: TensorLike, indices: TensorLike, updates: TensorLike, axis = 0): Tensor {
  const x = toTensor(operand);
  let idx = toTensor(indices);
  if (idx.dtype === "bool") throw new DtypeError("take-bool", "scatterAdd: indices must be integers.");
  if (idx.dtype !== "int32") idx = cast(idx, "int32");
  let u = toTensor(updates);
  if (u.dtype !== x.dtype) u = cast(u, x.dtype);
  return bind(scatterAddP, [x, idx, u], { axis: normalizeAxis(axis, x.shape.length, "scatterAdd") });
}
