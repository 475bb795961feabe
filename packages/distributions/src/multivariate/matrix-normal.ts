import { type Constraint, lowerCholesky, realMatrix } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  diagonal,
  type Key,
  log,
  matmul,
  matT,
  mul,
  normal,
  reshape,
  ShapeError,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  triangularSolve,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { HALF_LOG_2PI } from "../internal/util.js";

/**
 * Matrix normal over n×p matrices with mean `loc`, among-row covariance U = `scaleTrilRow`·`scaleTrilRow`ᵀ
 * (n×n) and among-column covariance V = `scaleTrilColumn`·`scaleTrilColumn`ᵀ (p×p): vec(X) ~
 * MVN(vec(loc), V ⊗ U), so
 * log p(X) = −½‖Lc⁻¹ (Lr⁻¹(X − M))ᵀ‖²_F − p log|Lr| − n log|Lc| − (np/2) log 2π.
 * @param loc - mean `[..., n, p]`.
 * @param scaleTrilRow - lower Cholesky factor of U, `[..., n, n]`.
 * @param scaleTrilColumn - lower Cholesky factor of V, `[..., p, p]`.
 * @example
 * new MatrixNormal([[0, 0]], [[1]], [[1, 0], [0, 1]]).logProb([[0, 0]]).item(); // → -1.8378770664093453
 */
export class MatrixNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: realMatrix,
    scaleTrilRow: lowerCholesky,
    scaleTrilColumn: lowerCholesky,
  };
  static override readonly support: Constraint = realMatrix;
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["loc", "scaleTrilRow", "scaleTrilColumn"];
  readonly loc: Tensor;
  readonly scaleTrilRow: Tensor;
  readonly scaleTrilColumn: Tensor;
  constructor(
    loc: TensorLike,
    scaleTrilRow: TensorLike,
    scaleTrilColumn: TensorLike,
    options?: DistributionOptions,
  ) {
    const m = toFloat(asTensor(loc));
    const lr = toFloat(asTensor(scaleTrilRow));
    const lc = toFloat(asTensor(scaleTrilColumn));
    if (m.shape.length < 2 || lr.shape.length < 2 || lc.shape.length < 2) {
      throw new ShapeError(
        "distribution-shape",
        `MatrixNormal: loc, scaleTrilRow and scaleTrilColumn must be matrices (at least 2-D), got shapes ` +
          `[${m.shape.join(", ")}], [${lr.shape.join(", ")}] and [${lc.shape.join(", ")}].`,
      );
    }
    const [n, p] = m.shape.slice(-2) as [number, number];
    if (lr.shape.at(-1) !== n || lr.shape.at(-2) !== n || lc.shape.at(-1) !== p || lc.shape.at(-2) !== p) {
      throw new ShapeError(
        "distribution-shape",
        `MatrixNormal: for loc of event shape [${n}, ${p}], scaleTrilRow must end in [${n}, ${n}] and ` +
          `scaleTrilColumn in [${p}, ${p}]; got [${lr.shape.join(", ")}] and [${lc.shape.join(", ")}].`,
      );
    }
    const batch = broadcastShapes(
      "MatrixNormal",
      m.shape.slice(0, -2),
      lr.shape.slice(0, -2),
      lc.shape.slice(0, -2),
    );
    super(batch, [n, p], options, { loc: m, scaleTrilRow: lr, scaleTrilColumn: lc });
    this.loc = broadcastTo(m, [...batch, n, p]);
    this.scaleTrilRow = broadcastTo(lr, [...batch, n, n]);
    this.scaleTrilColumn = broadcastTo(lc, [...batch, p, p]);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const eps = normal(key, this.shape(sampleShape));
    return add(this.loc, matmul(matmul(this.scaleTrilRow, eps), matT(this.scaleTrilColumn)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const [n, p] = this.eventShape as [number, number];
    const diff = sub(value, this.loc);
    const lead = diff.shape.slice(0, -2);
    const a = triangularSolve(broadcastTo(this.scaleTrilRow, [...lead, n, n]), diff, { lower: true });
    const b = triangularSolve(broadcastTo(this.scaleTrilColumn, [...lead, p, p]), matT(a), { lower: true });
    const trace = sum(square(b), [-2, -1]);
    const rowLogDet = sum(log(diagonal(this.scaleTrilRow)), -1);
    const colLogDet = sum(log(diagonal(this.scaleTrilColumn)), -1);
    const logDet = add(add(mul(p, rowLogDet), mul(n, colLogDet)), n * p * HALF_LOG_2PI);
    return sub(mul(-0.5, trace), logDet);
  }
  override get mean(): Tensor {
    return this.loc;
  }
  /** Var Xᵢⱼ = Uᵢᵢ·Vⱼⱼ. */
  override get variance(): Tensor {
    const [n, p] = this.eventShape as [number, number];
    const u = sum(square(this.scaleTrilRow), -1);
    const v = sum(square(this.scaleTrilColumn), -1);
    return mul(reshape(u, [...this.batchShape, n, 1]), reshape(v, [...this.batchShape, 1, p]));
  }
}
