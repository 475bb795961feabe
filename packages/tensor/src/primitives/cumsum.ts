import { allocate } from "../core/dtype.js";
import { arr, definePrimitive, type Primitive, type VjpRule } from "../core/primitive.js";
import { normalizeAxis } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { prodRange } from "../internal/strided.js";

/** The `cumsum` primitive: inclusive cumulative sum along `axis` (from the end when `reverse`). */
export const cumsumP: Primitive<"cumsum"> = /* @__PURE__ */ definePrimitive("cumsum", {
  shape: ([x]) => x.shape,
  dtype: ([x]) => (x.dtype === "bool" ? "int32" : x.dtype),
  kernel: ([x], p, _shape, dtype) => {
    const a = arr(x);
    const out = allocate(dtype, a.length);
    const pre = prodRange(x.shape, 0, p.axis);
    const n = x.shape[p.axis];
    const post = prodRange(x.shape, p.axis + 1, x.shape.length);
    for (let i = 0; i < pre; i++)
      for (let q = 0; q < post; q++) {
        let s = 0;
        for (let kk = 0; kk < n; kk++) {
          const k = p.reverse ? n - 1 - kk : kk;
          const o = (i * n + k) * post + q;
          s += a[o];
          out[o] = s;
        }
      }
    return out;
  },
});

/** VJP rule of `cumsum` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const cumsumVjpRule: VjpRule<"cumsum"> = (g, _x, _y, p) => [
  bind(cumsumP, [g], { axis: p.axis, reverse: !p.reverse }),
];

/**
 * Inclusive cumulative sum along `axis` (default the last); `reverse` sums from the end.
 * @example
 * cumsum([1, 2, 3]).toArray(); // → [1, 3, 6]
 */
export function cumsum(x: TensorLike, axis = -1, reverse = false): Tensor {
  const t = toTensor(x);
  return bind(cumsumP, [t], { axis: normalizeAxis(axis, t.shape.length, "cumsum"), reverse });
}
