import { type DType, isFloat } from "../core/dtype.js";
import { DtypeError } from "../core/errors.js";
import { broadcastShapes } from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { toFloat } from "../internal/elementwise.js";
import { add } from "../primitives/add.js";
import { argmax } from "../primitives/argmax.js";
import { cast } from "../primitives/cast.js";
import { div } from "../primitives/div.js";
import { erfc } from "../primitives/erfc.js";
import { floor } from "../primitives/floor.js";
import { gt } from "../primitives/gt.js";
import { log } from "../primitives/log.js";
import { log1p } from "../primitives/log1p.js";
import { lt } from "../primitives/lt.js";
import { maximum } from "../primitives/maximum.js";
import { minimum } from "../primitives/minimum.js";
import { mul } from "../primitives/mul.js";
import { ndtri } from "../primitives/ndtri.js";
import { neg } from "../primitives/neg.js";
import { randomBits } from "../primitives/random-bits.js";
import { reshape } from "../primitives/reshape.js";
import { where } from "../primitives/select.js";
import { slice } from "../primitives/slice.js";
import { stopGradient } from "../primitives/stop-gradient.js";
import { sub } from "../primitives/sub.js";
import type { Key } from "./key.js";

/** 53-bit integers k ∈ [0, 2⁵³) of `shape` as float64 (exact), from two uint32 words per element. */
function bits53(k: Key, shape: readonly number[]): Tensor {
  const b = cast(randomBits(k, [...shape, 2]), "float64");
  const hi = reshape(slice(b, [...shape.map(() => 0), 0], [...shape, 1]), shape);
  const lo = reshape(slice(b, [...shape.map(() => 0), 1], [...shape, 2]), shape);
  return add(mul(floor(div(hi, 32)), 67108864), floor(div(lo, 64)));
}

/** Uniform on the open interval (0, 1): (k + ½)/2⁵³. */
export function uniformOpen(k: Key, shape: readonly number[]): Tensor {
  return div(add(bits53(k, shape), 0.5), 9007199254740992);
}

/**
 * Uniform draws on [minval, maxval) (53 random bits per float64 element; 23 for float32).
 * @param shape - output shape (default scalar).
 * @example
 * uniform(key(0), [3]).shape; // → [3]
 */
export function uniform(
  k: Key,
  shape: readonly number[] = [],
  options: { minval?: number; maxval?: number; dtype?: DType } = {},
): Tensor {
  const dtype = options.dtype ?? "float64";
  if (!isFloat(dtype))
    throw new DtypeError("uniform-dtype", `uniform: dtype must be float64 or float32, got ${dtype}.`);
  let u: Tensor;
  if (dtype === "float32") u = div(floor(div(cast(randomBits(k, shape), "float64"), 512)), 8388608);
  else u = div(bits53(k, shape), 9007199254740992);
  const lo = options.minval ?? 0;
  const hi = options.maxval ?? 1;
  if (lo !== 0 || hi !== 1) u = add(mul(u, hi - lo), lo);
  return cast(u, dtype);
}

/**
 * Standard normal draws, by inversion Φ⁻¹(u) of an open uniform (accurate tails).
 * @example
 * normal(key(0), [2, 3]).shape; // → [2, 3]
 */
export function normal(k: Key, shape: readonly number[] = [], dtype: DType = "float64"): Tensor {
  return cast(ndtri(uniformOpen(k, shape)), dtype);
}

/**
 * Standard exponential draws, −log(1 − u).
 * @example
 * exponential(key(0), [2]).shape; // → [2]
 */
export function exponential(k: Key, shape: readonly number[] = [], dtype: DType = "float64"): Tensor {
  return cast(neg(log1p(neg(div(bits53(k, shape), 9007199254740992)))), dtype);
}

/**
 * Bernoulli draws (bool) with success probability `p`; shape defaults to `p`'s shape.
 * @example
 * bernoulli(key(0), 0.5, [4]).dtype; // → "bool"
 */
export function bernoulli(k: Key, p: TensorLike = 0.5, shape?: readonly number[]): Tensor {
  const pt = stopGradient(toFloat(p));
  const s = shape ?? pt.shape;
  return lt(uniformOpen(k, s), pt);
}

/**
 * Categorical draws (int32 indices along the last axis of `logits`) by the Gumbel-max trick; the default shape
 * is the batch shape `logits.shape[:-1]`, a given `shape` must broadcast with it.
 * @example
 * categorical(key(0), [0, 0, 10]).item(); // → 2
 */
export function categorical(k: Key, logits: TensorLike, shape?: readonly number[]): Tensor {
  const l = stopGradient(toFloat(logits));
  const batch = l.shape.slice(0, -1);
  const s = shape ? broadcastShapes(shape, batch, "categorical") : batch;
  const gumbel = neg(log(neg(log(uniformOpen(k, [...s, l.shape[l.shape.length - 1]])))));
  return argmax(add(gumbel, l), -1);
}

/** Standard normal CDF Φ(x) = ½ erfc(−x/√2). */
const ndtr = (x: Tensor): Tensor => mul(erfc(mul(x, -Math.SQRT1_2)), 0.5);

/**
 * Standard normal draws truncated to [lower, upper] by inversion (mirrored for lower > 0 so the right tail
 * stays accurate); shape defaults to the broadcast shape of the bounds.
 * @example
 * truncatedNormal(key(0), 0, 1, [3]).shape; // → [3]
 */
export function truncatedNormal(
  k: Key,
  lower: TensorLike,
  upper: TensorLike,
  shape?: readonly number[],
): Tensor {
  const lo = stopGradient(toFloat(lower));
  const hi = stopGradient(toFloat(upper));
  const s = shape ?? broadcastShapes(lo.shape, hi.shape, "truncatedNormal");
  const flip = gt(lo, 0);
  const a = where(flip, neg(hi), lo);
  const b = where(flip, neg(lo), hi);
  const pa = ndtr(a);
  const pb = ndtr(b);
  const x = ndtri(add(pa, mul(uniformOpen(k, s), sub(pb, pa))));
  const y = minimum(maximum(x, a), b);
  return where(flip, neg(y), y);
}
