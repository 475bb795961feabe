import { type Constraint, corrCholesky, realVector, simplex } from "../constraints/constraint.js";
import {
  add,
  asinh,
  asTensor,
  clippedSigmoid,
  concatenate,
  cumsum,
  div,
  exp,
  finfo,
  gt,
  log,
  log1mClippedSigmoid,
  logClippedSigmoid,
  maximum,
  minimum,
  mul,
  ones,
  sliceAxis,
  softplus,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  tanh,
  trilMask,
  valueWithGradOf,
  where,
  zeros,
} from "../internal/ops.js";
import { Transform } from "./transform.js";
import { eyeLike, last, sideFromPacked, trilToVec, vecToTril } from "./tril.js";

// Stick breaking onto the simplex and onto the rows of a correlation Cholesky factor (NumPyro's
// StickBreakingTransform and CorrCholeskyTransform), kept finite and accurate at extreme inputs.

/**
 * Maps unconstrained `[..., K−1]` vectors to the simplex `[..., K]` by stick breaking (NumPyro
 * `StickBreakingTransform`): z_i = σ(x_i − log(K−1−i)), y_i = z_i Π_{j<i}(1−z_j); zero maps to the centre.
 * As in NumPyro, z is clipped to [tiny, 1 − ε], so every y_i stays positive at any finite x. Unlike NumPyro
 * 0.21: 1 − z_i is σ(−x_i) (not 1 minus a rounded σ(x_i)); log|J| is summed in log space from x, so it stays
 * finite where some y_i underflow; and the inverse divides by the tail sums Σ_{j>i} y_j instead of
 * 1 − Σ_{j≤i} y_j, so points near a vertex round-trip to full precision (its derivative is NumPyro's).
 * @example
 * new StickBreakingTransform().forward([0, 0]).toArray(); // → [1/3, 1/3, 1/3]
 */
export class StickBreakingTransform extends Transform {
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return simplex;
  }
  private offset(km1: number): Tensor {
    return asTensor(Array.from({ length: km1 }, (_, i) => Math.log(km1 - i)));
  }
  /** log Π_{j<i}(1 − z_j) for i = 0 … K−1 (the stick left before piece i), `[..., K]`. */
  private logRemaining(xo: Tensor): Tensor {
    const batch = xo.shape.slice(0, -1);
    return concatenate([zeros([...batch, 1]), cumsum(log1mClippedSigmoid(xo), -1)], -1);
  }
  forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const xo = sub(xt, this.offset(last(xt.shape)));
    const zPad = concatenate([clippedSigmoid(xo), ones([...xt.shape.slice(0, -1), 1])], -1);
    return mul(zPad, exp(this.logRemaining(xo)));
  }
  inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    const K = last(yt.shape);
    const head = sliceAxis(yt, -1, 0, K - 1);
    // the stick left after piece i: Σ_{j>i} y_j in value (no cancellation near a vertex), with the derivative of
    // NumPyro's 1 − Σ_{j≤i} y_j (the same function on the simplex); at least tiny, as in NumPyro
    const tail = sliceAxis(cumsum(yt, -1, true), -1, 1, K);
    const rest = maximum(valueWithGradOf(tail, sub(1, cumsum(head, -1))), finfo(yt.dtype).tiny);
    return add(sub(log(head), log(rest)), this.offset(K - 1));
  }
  logAbsDetJacobian(x: TensorLike, _y: TensorLike): Tensor {
    const xt = asTensor(x);
    const km1 = last(xt.shape);
    const xo = sub(xt, this.offset(km1));
    // Σ_i log y_i + log(1 − σ(x_i)) with log y_i = log z_i + log Π_{j<i}(1 − z_j), all in log space
    const logY = add(logClippedSigmoid(xo), sliceAxis(this.logRemaining(xo), -1, 0, km1));
    return sum(sub(logY, softplus(xo)), -1);
  }
  override forwardShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, -1), last(shape) + 1];
  }
  override inverseShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, -1), last(shape) - 1];
  }
}

/**
 * Maps packed vectors of length n(n−1)/2 to Cholesky factors of correlation matrices (NumPyro
 * `CorrCholeskyTransform`): tanh gives partial correlations t in (−1, 1), then each row is filled by stick
 * breaking on the squared norm so that it has unit length. As in NumPyro, t is clipped to ±(1 − ε), so the
 * diagonal stays positive at any finite x. Unlike NumPyro 0.21: the lengths left use
 * log(1 − t²) = −2 log cosh x (no rounding of 1 − t² where |t| is near 1); log|J| is summed from x, so it
 * stays finite where a row is spent; and the inverse is asinh(y_ij / r_ij) with r_ij² = Σ_{k>j} y_ik² rather
 * than atanh(y_ij / √(1 − Σ_{k<j} y_ik²)) (its derivative is NumPyro's), so nearly spent rows round-trip to
 * full precision.
 * @example
 * new CorrCholeskyTransform().forward([0]).toArray(); // → [[1, 0], [0, 1]]
 */
export class CorrCholeskyTransform extends Transform {
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return corrCholesky;
  }
  /**
   * S_ij = Σ_{k<j} log(1 − t_ik²), the log of the squared length left before column j of row i (strictly lower
   * t; entries on and above the diagonal sum the whole row). Clipped t (|x| ≳ 18.4) count as NumPyro's
   * 1 − (1 − ε)² = 2ε.
   */
  private logRemaining(xt: Tensor, n: number): Tensor {
    const l = maximum(log1mTanhSq(xt), Math.log(2 * finfo(xt.dtype).eps));
    const cum = cumsum(vecToTril(l, n, true), -1);
    const batch = xt.shape.slice(0, -1);
    return concatenate([zeros([...batch, n, 1]), sliceAxis(cum, -1, 0, n - 1)], -1);
  }
  forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const n = sideFromPacked(last(xt.shape), true, "CorrCholeskyTransform.forward");
    const { eps } = finfo(xt.dtype);
    const t = minimum(maximum(tanh(xt), -1 + eps), 1 - eps);
    const z = vecToTril(t, n, true); // strictly lower, partial correlations
    return mul(add(z, eyeLike(n)), exp(mul(0.5, this.logRemaining(xt, n))));
  }
  inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    const n = last(yt.shape);
    const batch = yt.shape.slice(0, -2);
    const sq = square(yt);
    // r_ij² = Σ_{k>j} y_ik², the squared length after column j, in value (no cancellation when a row is nearly
    // spent), with the derivative of NumPyro's 1 − Σ_{k≤j} y_ik² (the same function on unit rows); then
    // x = atanh(y/√(y² + r²)) = asinh(y/r), which keeps its digits where t = y/√(y² + r²) rounds near ±1
    const after = concatenate([sliceAxis(cumsum(sq, -1, true), -1, 1, n), zeros([...batch, n, 1])], -1);
    const r2 = valueWithGradOf(after, sub(1, cumsum(sq, -1)));
    const mask = trilMask(n, -1);
    return asinh(trilToVec(div(mul(yt, mask), sqrt(where(gt(mask, 0), r2, 1))), n, true));
  }
  logAbsDetJacobian(x: TensorLike, _y: TensorLike): Tensor {
    const xt = asTensor(x);
    const n = sideFromPacked(last(xt.shape), true, "CorrCholeskyTransform.logAbsDetJacobian");
    // tanh part: Σ log(1 − tanh²x)
    const tanhPart = sum(log1mTanhSq(xt), -1);
    // stick-breaking part: ½ Σ_{i>j≥1} log(1 − Σ_{k<j} y_ik²) = ½ Σ_{i>j} S_ij
    const sb = mul(0.5, sum(mul(this.logRemaining(xt, n), trilMask(n, -1)), [-2, -1]));
    return add(tanhPart, sb);
  }
  override forwardShape(shape: readonly number[]): number[] {
    const n = sideFromPacked(last(shape), true, "CorrCholeskyTransform.forwardShape");
    return [...shape.slice(0, -1), n, n];
  }
  override inverseShape(shape: readonly number[]): number[] {
    const n = last(shape);
    return [...shape.slice(0, -2), (n * (n - 1)) / 2];
  }
}

/** log(1 − tanh²x) = 2(log 2 − x − softplus(−2x)), exact for every x (no rounding of tanh x near ±1). */
const log1mTanhSq = (x: Tensor): Tensor => mul(2, sub(sub(Math.LN2, x), softplus(mul(-2, x))));
