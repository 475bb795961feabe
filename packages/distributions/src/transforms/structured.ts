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
  simplex,
  softplusLowerCholesky,
} from "../constraints/constraint.js";
import {
  add,
  asTensor,
  atanh,
  cholesky,
  concatenate,
  cumsum,
  diagEmbed,
  diagonal,
  div,
  exp,
  expm1,
  gt,
  indexTensor,
  log,
  log1p,
  matmul,
  matT,
  matvec,
  mul,
  neg,
  ones,
  reshape,
  ShapeError,
  sigmoid,
  sliceAxis,
  softplus,
  solveTrilVec,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  take,
  tanh,
  trilMask,
  where,
  zeros,
} from "../internal/ops.js";
import { fmtShape } from "../internal/shape.js";
import { Transform } from "./transform.js";

const last = (s: readonly number[]): number => s[s.length - 1]!;

/** Index maps between a packed vector and the lower triangle of an n×n matrix (row-major). */
function trilIndices(n: number, strict: boolean): { rows: number[]; cols: number[] } {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < (strict ? i : i + 1); j++) {
      rows.push(i);
      cols.push(j);
    }
  }
  return { rows, cols };
}

/**
 * Packed `[..., m]` → `[..., n, n]` with the entries in the (strict) lower triangle, zeros elsewhere.
 * @example
 * vecToTril(tensor([1, 2, 3]), 2, false).toArray(); // → [[1, 0], [2, 3]]
 */
export function vecToTril(x: Tensor, n: number, strict: boolean): Tensor {
  const { rows, cols } = trilIndices(n, strict);
  const m = rows.length;
  const batch = x.shape.slice(0, -1);
  const padded = concatenate([x, zeros([...batch, 1])], -1);
  const idx: number[] = new Array(n * n).fill(m);
  rows.forEach((r, k) => {
    idx[r * n + cols[k]!] = k;
  });
  return reshape(take(padded, indexTensor(idx), -1), [...batch, n, n]);
}

/**
 * `[..., n, n]` → packed `[..., m]` of the (strict) lower triangle, row-major.
 * @example
 * trilToVec(tensor([[1, 0], [2, 3]]), 2, true).toArray(); // → [2]
 */
export function trilToVec(y: Tensor, n: number, strict: boolean): Tensor {
  const { rows, cols } = trilIndices(n, strict);
  const batch = y.shape.slice(0, -2);
  const flat = reshape(y, [...batch, n * n]);
  return take(flat, indexTensor(rows.map((r, k) => r * n + cols[k]!)), -1);
}

function sideFromPacked(m: number, strict: boolean, who: string): number {
  const n = strict ? (1 + Math.sqrt(1 + 8 * m)) / 2 : (Math.sqrt(1 + 8 * m) - 1) / 2;
  if (!Number.isInteger(n)) {
    throw new ShapeError(
      "transform-shape",
      `${who}: a last dimension of ${m} is not a triangular number ${strict ? "n(n−1)/2" : "n(n+1)/2"}. ` +
        `Pass a vector of length ${strict ? "n(n−1)/2" : "n(n+1)/2"} for an n×n matrix.`,
    );
  }
  return n;
}

/**
 * Maps unconstrained `[..., K−1]` vectors to the simplex `[..., K]` by stick breaking (NumPyro
 * `StickBreakingTransform`): z_i = σ(x_i − log(K−1−i)), y_i = z_i Π_{j<i}(1−z_j); zero maps to the centre.
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
  forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const km1 = last(xt.shape);
    const z = sigmoid(sub(xt, this.offset(km1)));
    const batch = xt.shape.slice(0, -1);
    const logRemain = cumsum(log1p(neg(z)), -1); // log Π_{j≤i}(1−z_j)
    const remainBefore = exp(concatenate([zeros([...batch, 1]), logRemain], -1));
    const zPad = concatenate([z, ones([...batch, 1])], -1);
    return mul(zPad, remainBefore);
  }
  inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    const K = last(yt.shape);
    const head = sliceAxis(yt, -1, 0, K - 1);
    const cum = cumsum(head, -1);
    const remainBefore = sub(1, sub(cum, head)); // 1 − Σ_{j<i} y_j
    const z = div(head, remainBefore);
    return add(sub(log(z), log1p(neg(z))), this.offset(K - 1));
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    const xt = asTensor(x);
    const km1 = last(xt.shape);
    const xo = sub(xt, this.offset(km1));
    const yHead = sliceAxis(y, -1, 0, km1);
    // log y_i + log(1 − z_i), with log(1 − z) = −softplus(x)
    return sum(sub(log(yHead), softplus(xo)), -1);
  }
  override forwardShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, -1), last(shape) + 1];
  }
  override inverseShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, -1), last(shape) - 1];
  }
}

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
 * Maps packed vectors of length n(n−1)/2 to Cholesky factors of correlation matrices (NumPyro
 * `CorrCholeskyTransform`): tanh gives partial correlations in (−1, 1), then each row is filled by stick
 * breaking on the squared norm so that it has unit length.
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
  forward(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const n = sideFromPacked(last(xt.shape), true, "CorrCholeskyTransform.forward");
    const z = vecToTril(tanh(xt), n, true); // strictly lower, partial correlations
    const batch = z.shape.slice(0, -2);
    // remaining squared length before column j: Π_{k<j}(1 − z_ik²)
    const logRem = cumsum(log1p(neg(square(z))), -1);
    const shifted = concatenate([zeros([...batch, n, 1]), sliceAxis(logRem, -1, 0, n - 1)], -1);
    const scaleBefore = exp(mul(0.5, shifted));
    return mul(add(z, eyeLike(n)), scaleBefore);
  }
  inverse(y: TensorLike): Tensor {
    const yt = asTensor(y);
    const n = last(yt.shape);
    const batch = yt.shape.slice(0, -2);
    const cum = cumsum(square(yt), -1);
    const before = concatenate([zeros([...batch, n, 1]), sliceAxis(cum, -1, 0, n - 1)], -1);
    const mask = trilMask(n, -1);
    const denom = sqrt(where(gt(mask, 0), sub(1, before), 1));
    const z = div(mul(yt, mask), denom);
    return atanh(trilToVec(z, n, true));
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    const xt = asTensor(x);
    const yt = asTensor(y);
    const n = last(yt.shape);
    // tanh part: Σ log(1 − tanh²x) = Σ 2(log 2 − x − softplus(−2x))
    const tanhPart = sum(mul(2, sub(sub(Math.LN2, xt), softplus(mul(-2, xt)))), -1);
    // stick-breaking part: ½ Σ_{i>j≥1} log(1 − Σ_{k<j} y_ik²)
    const cum = cumsum(square(yt), -1);
    const batch = yt.shape.slice(0, -2);
    const before = concatenate([zeros([...batch, n, 1]), sliceAxis(cum, -1, 0, n - 1)], -1);
    const mask = trilMask(n, -1);
    const sb = mul(0.5, sum(log(where(gt(mask, 0), sub(1, before), 1)), [-2, -1]));
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

const eyeLike = (n: number): Tensor =>
  asTensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))));

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
