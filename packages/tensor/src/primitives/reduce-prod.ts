import { allocate } from "../core/dtype.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor, weakScalar } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { zerosLike } from "../internal/elementwise.js";
import { normAxes, reducedShape, reduceInto } from "../internal/reduce.js";
import { broadcastTo } from "./broadcast-to.js";
import { concatenate } from "./concatenate.js";
import { mul } from "./mul.js";
import { reshape } from "./reshape.js";
import { slice } from "./slice.js";
import { transpose } from "./transpose.js";

/** The `reduceProd` primitive. */
export const reduceProdP = /* @__PURE__ */ definePrimitive("reduceProd", {
  shape: (ins, p) => reducedShape(ins[0].shape, p.axes, p.keepDims),
  dtype: (ins) => (ins[0].dtype === "bool" ? "int32" : ins[0].dtype),
  kernel: ([x], p, shape, dtype) => {
    const out = allocate(dtype, sizeOf(shape));
    reduceInto(arr(x), x.shape, p.axes, out, 1, (a, v) => a * v);
    return out;
  },
});

/**
 * Products of all other entries along the last axis, ∏_{j≠i} x_j: the exclusive products from the left and from
 * the right (Hillis–Steele scans, ⌈log₂ n⌉ steps of slices and products), multiplied. Only products, never a
 * division, so it holds where entries are 0 and all its derivatives are exact (JAX's reduce_prod JVP is also
 * built from products only).
 */
function productsOfOthers(x: Tensor): Tensor {
  const r = x.shape.length - 1;
  const n = x.shape[r] as number;
  // broadcast literals: under jit they stay literals, not arrays of ones captured as constants
  const ones = (k: number): Tensor => broadcastTo(weakScalar(1, x.dtype), [...x.shape.slice(0, r), k]);
  const at = (t: Tensor, from: number, to: number): Tensor =>
    slice(
      t,
      t.shape.map((_, i) => (i === r ? from : 0)),
      t.shape.map((d, i) => (i === r ? to : d)),
    );
  if (n === 1) return ones(1);
  let left = x; // inclusive products from the left
  let right = x; // inclusive products from the right
  for (let d = 1; d < n; d *= 2) {
    left = mul(left, concatenate([ones(d), at(left, 0, n - d)], r));
    right = mul(right, concatenate([at(right, d, n), ones(d)], r));
  }
  return mul(concatenate([ones(1), at(left, 0, n - 1)], r), concatenate([at(right, 1, n), ones(1)], r));
}

/**
 * VJP rule of `reduceProd` (autodiff attaches it on first use: apps that never differentiate do not bundle it):
 * g times the product of the other entries, which is right where entries are 0 (y / x would give NaN) and has
 * exact higher derivatives. The reduced axes are moved last and flattened into one.
 */
export const reduceProdVjpRule: VjpRule<"reduceProd"> = (g, [x], _y, p) => {
  const axes = [...p.axes].sort((a, b) => a - b);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const keptShape = kept.map((i) => x.shape[i] as number);
  const n = axes.reduce((m, i) => m * (x.shape[i] as number), 1);
  if (n === 0) return [zerosLike(x)]; // an empty product: no entries to differentiate
  const inPlace = perm.every((a, i) => a === i);
  const rows = reshape(inPlace ? x : transpose(x, perm), [...keptShape, n]);
  const back = reshape(
    mul(reshape(g, [...keptShape, 1]), productsOfOthers(rows)),
    perm.map((i) => x.shape[i] as number),
  );
  return [
    inPlace
      ? back
      : transpose(
          back,
          perm.map((_, i) => perm.indexOf(i)),
        ),
  ];
};

/**
 * Product over `axis` (a number, a list, or all axes when omitted). Its gradient is the product of the other
 * entries, also where some are 0 (as JAX's).
 * @example
 * prod([[1, 2], [3, 4]]).item(); // → 24
 */
export function prod(x: TensorLike, axis?: number | readonly number[] | null, keepDims = false): Tensor {
  const t = toTensor(x);
  const axes = normAxes(axis, t.shape.length, "prod");
  if (axes.length === 0) return t;
  return bind(reduceProdP, [t], { axes, keepDims });
}
