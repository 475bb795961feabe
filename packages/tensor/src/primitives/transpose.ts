import { allocate } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { fmt, sizeOf, stridesOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { copyStrided } from "../internal/strided.js";

/** The `transpose` primitive: output axis i is input axis `perm[i]`. */
export const transposeP = /* @__PURE__ */ definePrimitive("transpose", {
  shape: (ins, p) => {
    const s = ins[0].shape;
    const seen = new Set(p.perm);
    if (p.perm.length !== s.length || seen.size !== s.length || p.perm.some((a) => !(a >= 0 && a < s.length)))
      throw new ShapeError(
        "bad-perm",
        `transpose: perm ${fmt(p.perm)} is not a permutation of the axes of ${fmt(s)}.`,
      );
    return p.perm.map((a) => s[a]);
  },
  dtype: (ins) => ins[0].dtype,
  kernel: ([x], p, shape, dtype) => {
    const out = allocate(dtype, sizeOf(shape));
    const xs = stridesOf(x.shape);
    copyStrided(
      arr(x),
      0,
      p.perm.map((a) => xs[a]),
      out,
      0,
      stridesOf(shape),
      shape,
    );
    return out;
  },
});

/** VJP rule of `transpose` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const transposeVjpRule: VjpRule<"transpose"> = (g, _x, _y, p) => {
  const inv = new Array<number>(p.perm.length);
  p.perm.forEach((a, i) => {
    inv[a] = i;
  });
  return [transpose(g, inv)];
};

/**
 * Permutes the axes of `x` (default: reverses them).
 * @param perm - output axis i is input axis `perm[i]`; negative entries count from the end.
 * @example
 * transpose([[1, 2, 3]]).shape; // → [3, 1]
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor(x);
  const r = t.shape.length;
  const p = perm ? perm.map((a) => (a < 0 ? a + r : a)) : [...Array(r).keys()].reverse();
  if (p.every((a, i) => a === i)) return t;
  return bind(transposeP, [t], { perm: p });
}
