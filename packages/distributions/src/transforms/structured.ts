import {
  type Constraint,
  corrCholesky,
  corrMatrix,
  lowerCholesky,
  orderedVector,
  positiveDefinite,
  realMatrix,
  realVector,
  scaledUnitLowerCholesky,
  softplusLowerCholesky,
} from "../constraints/constraint.js";
import {
  add,
  asTensor,
  cholesky,
  concatenate,
  cumsum,
  diagEmbed,
  diagonal,
  div,
  exp,
  expm1,
  indexTensor,
  log,
  matmul,
  matT,
  matvec,
  mul,
  neg,
  reshape,
  ShapeError,
  sliceAxis,
  softplus,
  solveTrilVec,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  take,
} from "../internal/ops.js";
import { fmtShape } from "../internal/shape.js";
import { Transform } from "./transform.js";
import { eyeLike, last, sideFromPacked, trilToVec, vecToTril } from "./tril.js";

/**
 * Maps unconstrained vectors to strictly increasing ones: y₀ = x₀, yᵢ = yᵢ₋₁ + exp(xᵢ).
 * @example
 * new OrderedTransform().forward([0, 0]).toArray(); // → [0, 1]
 */
export class OrderedTransform extends Transform {
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return orderedVector;
  }
  forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const n = last(xt.shape);
    const inc = concatenate([sliceAxis(xt, -1, 0, 1), exp(sliceAxis(xt, -1, 1, n))], -1);
    return cumsum(inc, -1);
  }
  inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    const n = last(yt.shape);
    const d = sub(sliceAxis(yt, -1, 1, n), sliceAxis(yt, -1, 0, n - 1));
    return concatenate([sliceAxis(yt, -1, 0, 1), log(d)], -1);
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    const xt = asTensor(x);
    return sum(sliceAxis(xt, -1, 1, last(xt.shape)), -1);
  }
}

/**
 * Maps packed vectors of length n(n+1)/2 to lower-triangular matrices with positive diagonal: the first
 * n(n−1)/2 entries fill the strict lower triangle row by row, the last n are the log-diagonal.
 * @example
 * new LowerCholeskyTransform().forward([0.5, 0, 0]).toArray(); // → [[1, 0], [0.5, 1]]
 */
export class LowerCholeskyTransform extends Transform {
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return lowerCholesky;
  }
  forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const m = last(xt.shape);
    const n = sideFromPacked(m, false, "LowerCholeskyTransform.forward");
    const k = (n * (n - 1)) / 2;
    const off = vecToTril(sliceAxis(xt, -1, 0, k), n, true);
    return add(off, diagEmbed(exp(sliceAxis(xt, -1, k, m))));
  }
  inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    const n = last(yt.shape);
    return concatenate([trilToVec(yt, n, true), log(diagonal(yt))], -1);
  }
  logAbsDetJacobian(x: TensorLike, _y?: TensorLike): Tensor {
    const xt = asTensor(x);
    const m = last(xt.shape);
    const n = sideFromPacked(m, false, "LowerCholeskyTransform.logAbsDetJacobian");
    return sum(sliceAxis(xt, -1, (n * (n - 1)) / 2, m), -1);
  }
  override forwardShape(shape: readonly number[]): number[] {
    const n = sideFromPacked(last(shape), false, "LowerCholeskyTransform.forwardShape");
    return [...shape.slice(0, -1), n, n];
  }
  override inverseShape(shape: readonly number[]): number[] {
    const n = last(shape);
    return [...shape.slice(0, -2), (n * (n + 1)) / 2];
  }
}

/**
 * X ↦ chol(X), from positive-definite matrices to lower Cholesky factors; log|J| = −n log 2 − Σ (n−i) log Lᵢᵢ.
 * @example
 * new CholeskyTransform().forward([[4, 2], [2, 2]]).toArray(); // → [[2, 0], [1, 1]]
 */
export class CholeskyTransform extends Transform {
  get domain(): Constraint {
    return positiveDefinite;
  }
  get codomain(): Constraint {
    return lowerCholesky;
  }
  forward(x: TensorLike): Tensor {
    return cholesky(x);
  }
  inverse(y: TensorLike): Tensor {
    return matmul(y, matT(y));
  }
  logAbsDetJacobian(_x: TensorLike, y: TensorLike): Tensor {
    const yt = asTensor(y);
    const n = last(yt.shape);
    const order = asTensor(Array.from({ length: n }, (_, i) => n - i));
    return neg(add(n * Math.LN2, sum(mul(order, log(diagonal(yt))), -1)));
  }
}

/**
 * C ↦ chol(C), from correlation matrices to their Cholesky factors; log|J| = −Σ (n−1−i) log Lᵢᵢ.
 * @example
 * new CorrMatrixCholeskyTransform().forward([[1, 0], [0, 1]]).toArray(); // → [[1, 0], [0, 1]]
 */
export class CorrMatrixCholeskyTransform extends CholeskyTransform {
  override get domain(): Constraint {
    return corrMatrix;
  }
  override get codomain(): Constraint {
    return corrCholesky;
  }
  override logAbsDetJacobian(_x: TensorLike, y: TensorLike): Tensor {
    const yt = asTensor(y);
    const n = last(yt.shape);
    const order = asTensor(Array.from({ length: n }, (_, i) => n - 1 - i));
    return neg(sum(mul(order, log(diagonal(yt))), -1));
  }
}

/**
 * y = loc + L x for vectors, with L lower triangular with positive diagonal; log|J| = Σ log Lᵢᵢ.
 * @example
 * new LowerCholeskyAffine([1, 1], [[2, 0], [1, 1]]).forward([1, 1]).toArray(); // → [3, 3]
 */
export class LowerCholeskyAffine extends Transform {
  readonly loc: Tensor;
  readonly scaleTril: Tensor;
  constructor(loc: TensorLike, scaleTril: TensorLike) {
    super();
    this.loc = asTensor(loc);
    this.scaleTril = asTensor(scaleTril);
  }
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return realVector;
  }
  forward(x: TensorLike): Tensor {
    return add(this.loc, matvec(this.scaleTril, x));
  }
  inverse(y: TensorLike): Tensor {
    return solveTrilVec(this.scaleTril, sub(y, this.loc));
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const ld = sum(log(diagonal(this.scaleTril)), -1);
    return add(mul(sum(xt, -1), 0), ld);
  }
}

/**
 * Permutes the last axis: y = x[..., permutation].
 * @example
 * new PermuteTransform([2, 0, 1]).forward([10, 20, 30]).toArray(); // → [30, 10, 20]
 */
export class PermuteTransform extends Transform {
  readonly permutation: readonly number[];
  private readonly inversePermutation: readonly number[];
  constructor(permutation: readonly number[]) {
    super();
    this.permutation = [...permutation];
    const inv: number[] = new Array(permutation.length);
    permutation.forEach((p, i) => {
      inv[p] = i;
    });
    this.inversePermutation = inv;
  }
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return realVector;
  }
  forward(x: TensorLike): Tensor {
    return take(x, indexTensor(this.permutation), -1);
  }
  inverse(y: TensorLike): Tensor {
    return take(y, indexTensor(this.inversePermutation), -1);
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    return mul(sum(x, -1), 0);
  }
}

/**
 * Reshapes the event: `inShape` (rightmost axes of x) ↔ `outShape`.
 * @example
 * new ReshapeTransform([2, 2], [4]).forward([1, 2, 3, 4]).shape; // → [2, 2]
 */
export class ReshapeTransform extends Transform {
  constructor(
    readonly outShape: readonly number[],
    readonly inShape: readonly number[],
  ) {
    super();
    const a = outShape.reduce((p, d) => p * d, 1);
    const b = inShape.reduce((p, d) => p * d, 1);
    if (a !== b) {
      throw new ShapeError(
        "transform-shape",
        `ReshapeTransform(${fmtShape(outShape)}, ${fmtShape(inShape)}): sizes ${a} and ${b} differ.`,
      );
    }
  }
  get domain(): Constraint {
    return this.inShape.length === 1 ? realVector : realMatrix;
  }
  get codomain(): Constraint {
    return this.outShape.length === 1 ? realVector : realMatrix;
  }
  forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    return reshape(xt, this.forwardShape(xt.shape));
  }
  inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    return reshape(yt, this.inverseShape(yt.shape));
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    const xt = asTensor(x);
    return mul(
      sum(
        xt,
        this.inShape.map((_, i) => -1 - i),
      ),
      0,
    );
  }
  override forwardShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, shape.length - this.inShape.length), ...this.outShape];
  }
  override inverseShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, shape.length - this.outShape.length), ...this.inShape];
  }
}

/**
 * Like {@link LowerCholeskyTransform} but the diagonal is softplus of the last n entries (NumPyro
 * `SoftplusLowerCholeskyTransform`); log|J| = Σ −softplus(−xᵢ) over the diagonal entries.
 * @example
 * new SoftplusLowerCholeskyTransform().forward([0, 0, 0]).toArray()[1][0]; // → 0
 */
export class SoftplusLowerCholeskyTransform extends LowerCholeskyTransform {
  override get codomain(): Constraint {
    return softplusLowerCholesky;
  }
  override forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const m = last(xt.shape);
    const n = sideFromPacked(m, false, "SoftplusLowerCholeskyTransform.forward");
    const k = (n * (n - 1)) / 2;
    return add(vecToTril(sliceAxis(xt, -1, 0, k), n, true), diagEmbed(softplus(sliceAxis(xt, -1, k, m))));
  }
  override inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    const n = last(yt.shape);
    const d = diagonal(yt);
    return concatenate([trilToVec(yt, n, true), add(d, log(neg(expm1(neg(d)))))], -1);
  }
  override logAbsDetJacobian(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const m = last(xt.shape);
    const n = sideFromPacked(m, false, "SoftplusLowerCholeskyTransform.logAbsDetJacobian");
    return neg(sum(softplus(neg(sliceAxis(xt, -1, (n * (n - 1)) / 2, m))), -1));
  }
}

/**
 * Packed vectors to diag(s)·(I + L₀) with L₀ strictly lower (the first n(n−1)/2 entries) and s = softplus of
 * the last n entries (NumPyro `ScaledUnitLowerCholeskyTransform`); log|J| = Σᵢ i·log sᵢ − softplus(−xᵢ).
 * @example
 * new ScaledUnitLowerCholeskyTransform().forward([1, 0, 0]).toArray()[1][0]; // → 0.6931471805599453
 */
export class ScaledUnitLowerCholeskyTransform extends LowerCholeskyTransform {
  override get codomain(): Constraint {
    return scaledUnitLowerCholesky;
  }
  override forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const m = last(xt.shape);
    const n = sideFromPacked(m, false, "ScaledUnitLowerCholeskyTransform.forward");
    const k = (n * (n - 1)) / 2;
    const unit = add(vecToTril(sliceAxis(xt, -1, 0, k), n, true), eyeLike(n));
    const s = softplus(sliceAxis(xt, -1, k, m));
    return mul(unit, reshape(s, [...s.shape, 1]));
  }
  override inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    const n = last(yt.shape);
    const d = diagonal(yt);
    const unit = div(yt, reshape(d, [...d.shape, 1]));
    return concatenate([trilToVec(unit, n, true), add(d, log(neg(expm1(neg(d)))))], -1);
  }
  override logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    const xt = asTensor(x);
    const m = last(xt.shape);
    const n = sideFromPacked(m, false, "ScaledUnitLowerCholeskyTransform.logAbsDetJacobian");
    const raw = sliceAxis(xt, -1, (n * (n - 1)) / 2, m);
    const order = asTensor(Array.from({ length: n }, (_, i) => i));
    return sum(sub(mul(order, log(diagonal(y))), softplus(neg(raw))), -1);
  }
}
