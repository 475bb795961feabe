import { ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type Primitive, type PrimitiveParams } from "../core/primitive.js";
import { normalizeAxis } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { reshape } from "../primitives/reshape.js";
import { prodRange } from "./strided.js";

/** Names of the index-of-extremum primitives. */
export type ArgReduceName = "argmax" | "argmin";

/**
 * Defines (and registers) an index-of-extremum primitive: int32 index of the first element along `axis` that
 * `better` prefers over every earlier one (NaN always wins and stops the scan).
 * @param name - primitive name, `"argmax"` or `"argmin"`.
 * @param better - `better(v, best)` is true when `v` should replace the current `best` (e.g. `v > best`).
 * @returns the registered primitive.
 * @throws ShapeError (at shape inference) when the reduced axis is empty.
 * @example
 * const argmaxP = defineArgReduce("argmax", (v, best) => v > best);
 */
export function defineArgReduce<P extends ArgReduceName>(
  name: P,
  better: (v: number, best: number) => boolean,
): Primitive<P> {
  return definePrimitive(name, {
    shape: (ins, p) => {
      const s = ins[0].shape;
      if (s[p.axis] === 0) throw new ShapeError("empty-reduction", `${name}: the reduced axis is empty.`);
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
            if (better(v, best) || Number.isNaN(v)) {
              best = v;
              bi = k;
            }
          }
          out[i * post + j] = bi;
        }
      return out;
    },
  });
}

/**
 * Binds an index-of-extremum primitive along `axis` (over the flattened tensor when omitted).
 * @param prim - the primitive from {@link defineArgReduce}.
 * @param x - input tensor of any shape.
 * @param axis - axis to reduce (negative counts from the end); omitted means the flattened tensor.
 * @param keepDims - keep the reduced axis with length 1.
 * @returns int32 tensor of indices, shape of `x` without (or with length-1) `axis`.
 * @throws ShapeError when `axis` is out of range or the reduced axis is empty.
 * @example
 * const i = argReduce(argmaxP, [3, 9, 1]); // int32 scalar tensor holding 1
 */
export function argReduce<P extends ArgReduceName>(
  prim: Primitive<P>,
  x: TensorLike,
  axis?: number,
  keepDims = false,
): Tensor {
  let t = toTensor(x);
  if (axis === undefined) {
    t = reshape(t, [-1]);
    axis = 0;
  }
  const params: PrimitiveParams[ArgReduceName] = {
    axis: normalizeAxis(axis, t.shape.length, prim.name),
    keepDims,
  };
  return bind<P>(prim, [t], params);
}
