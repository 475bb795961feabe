import { ShapeError } from "../core/errors.js";
import { arr, definePrimitive } from "../core/primitive.js";
import { normalizeAxis } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { prodRange } from "../internal/strided.js";
import { reshape } from "./reshape.js";

/** The `argmax` primitive: int32 index of the first maximum along `axis` (NaN counts as the maximum). */
export const argmaxP = definePrimitive("argmax", {
  shape: (ins, p) => {
    const s = ins[0].shape;
    if (s[p.axis] === 0) throw new ShapeError("empty-reduction", "argmax: the reduced axis is empty.");
    return p.keepDims ? s.map((d, i) => (i === p.axis ? 1 : d)) : s.filter((_, i) => i !== p.axis);
  },
  dtype: () => "int32",
  nondiff: true,
  kernel: ([x], p) => {
    const a = arr(x);
    const pre = prodRange(x.shape, 0, p.axis);
    const n = x.shape[p.axis];
    const post = prodRange(x.shape, p.axis + 1, x.shape.length);
    const out = new Int32Array(pre * post);
    for (let i = 0; i < pre; i++)
      for (let j = 0; j < post; j++) {
        let best = a[i * n * post + j];
        let bi = 0;
        for (let k = 1; k < n && !Number.isNaN(best); k++) {
          const v = a[(i * n + k) * post + j];
          if (v > best || Number.isNaN(v)) {
            best = v;
            bi = k;
          }
        }
        out[i * post + j] = bi;
      }
    return out;
  },
});

/**
 * Index of the maximum along `axis` (over the flattened tensor when omitted), as int32.
 * @example
 * argmax([3, 9, 1]).item(); // → 1
 */
export function argmax(x: TensorLike, axis?: number, keepDims = false): Tensor {
  let t = toTensor(x);
  if (axis === undefined) {
    t = reshape(t, [-1]);
    axis = 0;
  }
  return bind(argmaxP, [t], { axis: normalizeAxis(axis, t.shape.length, "argmax"), keepDims });
}
