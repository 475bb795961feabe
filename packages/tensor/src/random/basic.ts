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

/** 53-bit integers k ∈ [0, 2⁵³) as `work` floats (exact in float64), from uint32 words `[..., 2]`. */
function bits53(b: Tensor, work: "float32" | "float64"): Tensor {
  const shape = b.shape.slice(0, -1);
  const f = cast(b, work);
  const hi = reshape(slice(f, [...shape.map(() => 0), 0], [...shape, 1]), shape);
  const lo = reshape(slice(f, [...shape.map(() => 0), 1], [...shape, 2]), shape);
  return add(mul(floor(div(hi, 32)), 67108864), floor(div(lo, 64)));
}

/** 1 − 2⁻²⁴: the largest float32 below 1 (also a float64). */
export const BELOW_ONE_F32 = 0.99999994039535522;

/**
 * Keeps `u` below 1, replacing an exact 1 by 1 − 2⁻²⁴ (the largest float32 below 1, a constant that is exact in
 * both precisions). In float64 only k = 2⁵³ − 1 reaches 1 (k + ½ rounds up to 2⁵³; probability 2⁻⁵³); where
 * "float64" is computed in float32 (GPU backends) any u above 1 − 2⁻²⁵ rounds to 1. Either way log(1 − u) and
 * Φ⁻¹(u) stay finite.
 */
const belowOne = (u: Tensor): Tensor => where(lt(u, 1), u, BELOW_ONE_F32);

/**
 * Uniform on the open interval (0, 1) from raw uint32 words (`bits` from {@link randomBits}; exported for tests).
 * float64: `bits` is `[...shape, 2]` and u = (k + ½)/2⁵³ from 53 bits, computed in `work` (default float64;
 * float32 reproduces a backend that computes float64 as float32). float32: `bits` is `shape` and
 * u = (m + ½)/2²³ from the top 23 bits of each word; every such value has 24 significant bits, so it is exact
 * in float32, in [2⁻²⁴, 1 − 2⁻²⁴], and never rounds to 0 or 1 (m is clamped, so this holds even where the word
 * itself was rounded when converted to float32).
 * @param bits - uint32 words: `[...shape, 2]` for float64, `shape` for float32.
 * @param dtype - the output dtype.
 * @param work - the arithmetic dtype of the intermediate steps (float32 emulates a float32 backend).
 * @returns draws of `shape` in `dtype`, strictly inside (0, 1) (words 0 and 2³² − 1 give 2⁻²⁴ and 1 − 2⁻²⁴ in
 *   float32). Not exported from the package.
 */
export function openUnitFromBits(
  bits: Tensor,
  dtype: "float32" | "float64",
  work: "float32" | "float64" = "float64",
): Tensor {
  if (dtype === "float32") {
    const m = minimum(floor(div(cast(bits, work), 512)), 8388607);
    return cast(div(add(m, 0.5), 8388608), "float32");
  }
  return belowOne(div(add(bits53(bits, work), 0.5), 9007199254740992));
}

/**
 * Uniform on the open interval (0, 1) of `dtype` (default float64): never exactly 0 or 1 in that dtype, so
 * log(u), log1p(−u) and Φ⁻¹(u) are finite. float64 uses 53 random bits, float32 23 (u = (m + ½)/2²³).
 * @param shape - output shape.
 * @param dtype - float64 (default) or float32.
 * @returns draws of `shape` in `dtype` (not exported from the package; samplers use it).
 */
export function uniformOpen(k: Key, shape: readonly number[], dtype: DType = "float64"): Tensor {
  if (dtype === "float32") return openUnitFromBits(randomBits(k, shape), "float32");
  return openUnitFromBits(randomBits(k, [...shape, 2]), "float64");
}

/** The largest `dtype` value below `x` (x finite). */
function below(x: number, dtype: DType): number {
  if (dtype === "float32") {
    const f = Math.fround(x);
    return f < x ? f : nextDown32(f);
  }
  if (x === 0) return -Number.MIN_VALUE;
  const buf = new Float64Array([x]);
  const u = new BigInt64Array(buf.buffer);
  u[0] += x > 0 ? -1n : 1n;
  return buf[0];
}

function nextDown32(f: number): number {
  if (f === 0) return -1.401298464324817e-45;
  const buf = new Float32Array([f]);
  const u = new Int32Array(buf.buffer);
  u[0] += f > 0 ? -1 : 1;
  return buf[0];
}

/**
 * Uniform draws on [minval, maxval) (53 random bits per float64 element; 23 for float32). The result never
 * equals maxval in the output dtype (a draw that rounds up to it is set to the largest value below it).
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
  else u = div(bits53(randomBits(k, [...shape, 2]), "float64"), 9007199254740992);
  const lo = options.minval ?? 0;
  const hi = options.maxval ?? 1;
  if (lo === 0 && hi === 1) return cast(belowOne(u), dtype);
  const top = below(hi, dtype);
  const v = cast(add(mul(u, hi - lo), lo), dtype);
  return top >= lo ? maximum(minimum(v, top), lo) : v;
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
  const u = belowOne(div(bits53(randomBits(k, [...shape, 2]), "float64"), 9007199254740992));
  return cast(neg(log1p(neg(u))), dtype);
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
