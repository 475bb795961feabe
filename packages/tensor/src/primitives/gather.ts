import { allocate } from "../core/dtype.js";
import { ConstraintError, DtypeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { normalizeAxis, sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, tensor, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { zerosLike } from "../internal/elementwise.js";
import { prodRange } from "../internal/strided.js";
import { cast } from "./cast.js";
import { scatterAdd } from "./scatter-add.js";

/** Reads index `v` for an axis of length `d` (negative counts from the end). */
export function checkIndex(v: number, d: number, op: string): number {
  const k = v < 0 ? v + d : v;
  if (!(k >= 0 && k < d))
    throw new ConstraintError(
      "index-out-of-range",
      `${op}: index ${v} is out of range for an axis of length ${d}.`,
    );
  return k;
}

/** The `gather` primitive: `out = x[..., indices, ...]` along `axis` (int32 indices). */
export const gatherP = /* @__PURE__ */ definePrimitive("gather", {
  shape: ([x, idx], p) => [...x.shape.slice(0, p.axis), ...idx.shape, ...x.shape.slice(p.axis + 1)],
  dtype: ([x]) => x.dtype,
  kernel: ([x, idx], p, shape, dtype) => {
    const a = arr(x);
    const ii = arr(idx);
    const pre = prodRange(x.shape, 0, p.axis);
    const d = x.shape[p.axis];
    const post = prodRange(x.shape, p.axis + 1, x.shape.length);
    const k = ii.length;
    const out = allocate(dtype, sizeOf(shape));
    for (let j = 0; j < k; j++) {
      const r = checkIndex(ii[j], d, "take");
      for (let i = 0; i < pre; i++) {
        const src = (i * d + r) * post;
        const dst = (i * k + j) * post;
        for (let q = 0; q < post; q++) out[dst + q] = a[src + q];
      }
    }
    return out;
  },
});

/** VJP rule of `gather` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const gatherVjpRule: VjpRule<"gather"> = (g, [x, idx], _y, p) => [
  scatterAdd(zerosLike(x), idx, g, p.axis),
  null,
];

/**
 * Gathers entries of `x` along `axis` at integer `indices` (NumPy `take`): the output shape is
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. Negative indices count from the end.
 * @throws ConstraintError when an index is out of range (eagerly).
 * @example
 * take([10, 20, 30], [2, 0]).toArray(); // → [30, 10]
 */
export function take(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor(x);
  let idx = typeof indices === "number" ? tensor(indices, { dtype: "int32" }) : toTensor(indices);
  if (idx.dtype === "bool")
    throw new DtypeError("take-bool", "take: indices must be integers, got a bool tensor.");
  if (idx.dtype !== "int32") idx = cast(idx, "int32");
  return bind(gatherP, [t, idx], { axis: normalizeAxis(axis, t.shape.length, "take") });
}
