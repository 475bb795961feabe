import { allocate } from "../core/dtype.js";
import { DtypeError, ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { fmt, normalizeAxis, sizeOf, stridesOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { copyStrided } from "../internal/strided.js";
import { cast } from "./cast.js";
import { slice } from "./slice.js";

/** The `concatenate` primitive: joins inputs of equal dtype along `axis`. */
export const concatenateP = /* @__PURE__ */ definePrimitive("concatenate", {
  shape: (ins, p) => {
    const s0 = ins[0].shape;
    let total = 0;
    for (const x of ins) {
      if (x.shape.length !== s0.length || x.shape.some((d, i) => i !== p.axis && d !== s0[i]))
        throw new ShapeError(
          "concat-shape",
          `concatenate: shapes ${ins.map((t) => fmt(t.shape)).join(", ")} differ outside axis ${p.axis}.`,
        );
      if (x.dtype !== ins[0].dtype)
        throw new DtypeError("concat-dtype", "concatenate: primitive inputs must share a dtype.");
      total += x.shape[p.axis];
    }
    return s0.map((d, i) => (i === p.axis ? total : d));
  },
  dtype: (ins) => ins[0].dtype,
  kernel: (ins, p, shape, dtype) => {
    const out = allocate(dtype, sizeOf(shape));
    const os = stridesOf(shape);
    let off = 0;
    for (const x of ins) {
      copyStrided(arr(x), 0, stridesOf(x.shape), out, off * os[p.axis], os, x.shape);
      off += x.shape[p.axis];
    }
    return out;
  },
});

/** VJP rule of `concatenate` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const concatenateVjpRule: VjpRule<"concatenate"> = (g, xs, _y, p) => {
  let off = 0;
  return xs.map((x) => {
    const st = g.shape.map((_, i) => (i === p.axis ? off : 0));
    const en = g.shape.map((d, i) => (i === p.axis ? off + x.shape[i] : d));
    off += x.shape[p.axis];
    return slice(g, st, en);
  });
};

/**
 * Joins tensors along an existing axis (dtypes promote to the widest).
 * @throws ShapeError when shapes differ outside `axis`.
 * @example
 * concatenate([[1, 2], [3]]).toArray(); // → [1, 2, 3]
 */
export function concatenate(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError("concat-empty", "concatenate: needs at least one tensor.");
  let ts = xs.map(toTensor);
  const order = ["bool", "uint32", "int32", "float32", "float64"];
  const dt = ts.reduce((a, t) => (order.indexOf(t.dtype) > order.indexOf(a) ? t.dtype : a), ts[0].dtype);
  ts = ts.map((t) => (t.dtype === dt ? t : cast(t, dt)));
  if (ts.length === 1) return ts[0];
  const ax = normalizeAxis(axis, ts[0].shape.length, "concatenate");
  return bind(concatenateP, ts, { axis: ax });
}
