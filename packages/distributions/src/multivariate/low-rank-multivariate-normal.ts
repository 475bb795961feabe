import { type Constraint, independent, positive, real, realVector } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  cholesky,
  diagonal,
  div,
  eye,
  type Key,
  log,
  matmul,
  matT,
  matvec,
  mul,
  normal,
  reshape,
  solveTrilVec,
  splitKey,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { HALF_LOG_2PI } from "../internal/util.js";

/**
 * Normal with low-rank-plus-diagonal covariance Σ = WWᵀ + diag(D), `W` `[..., n, r]`, `D` `[..., n]`;
 * the density uses the capacitance matrix I + WᵀD⁻¹W (Woodbury), O(n r²).
 * @example
 * new LowRankMultivariateNormal([0, 0], [[1], [1]], [1, 1]).variance.toArray(); // → [2, 2]
 */
export class LowRankMultivariateNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: realVector,
    covFactor: independent(real, 2),
    covDiag: independent(positive, 1),
  };
  static override readonly support: Constraint = realVector;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly covFactor: Tensor;
  readonly covDiag: Tensor;
  constructor(loc: TensorLike, covFactor: TensorLike, covDiag: TensorLike, options?: DistributionOptions) {
    const l = toFloat(asTensor(loc));
    const W = toFloat(asTensor(covFactor));
    const D = toFloat(asTensor(covDiag));
    const n = W.shape[W.shape.length - 2]!;
    const r = W.shape[W.shape.length - 1]!;
    const batch = broadcastShapes(
      "LowRankMultivariateNormal",
      l.shape.slice(0, -1),
      W.shape.slice(0, -2),
      D.shape.slice(0, -1),
    );
    super(batch, [n], options, { loc: l, covFactor: W, covDiag: D });
    this.loc = broadcastTo(l, [...batch, n]);
    this.covFactor = broadcastTo(W, [...batch, n, r]);
    this.covDiag = broadcastTo(D, [...batch, n]);
  }
  private capacitanceTril(): Tensor {
    const W = this.covFactor;
    const r = W.shape[W.shape.length - 1]!;
    const WtDinv = matT(div(W, reshape(this.covDiag, [...this.covDiag.shape, 1])));
    return cholesky(add(eye(r), matmul(WtDinv, W)));
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const r = this.covFactor.shape[this.covFactor.shape.length - 1]!;
    const eW = normal(k1, [...sampleShape, ...this.batchShape, r]);
    const eD = normal(k2, this.shape(sampleShape));
    return add(add(this.loc, matvec(this.covFactor, eW)), mul(sqrt(this.covDiag), eD));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.eventShape[0]!;
    const diff = sub(value, this.loc);
    const dInvDiff = div(diff, this.covDiag);
    const Lc = this.capacitanceTril();
    const WtDinvDiff = matvec(matT(this.covFactor), dInvDiff);
    const z = solveTrilVec(Lc, WtDinvDiff);
    const maha = sub(sum(mul(diff, dInvDiff), -1), sum(square(z), -1));
    const logDet = add(sum(log(this.covDiag), -1), mul(2, sum(log(diagonal(Lc)), -1)));
    return sub(mul(-0.5, add(maha, logDet)), n * HALF_LOG_2PI);
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return add(sum(square(this.covFactor), -1), this.covDiag);
  }
  /** Σ = WWᵀ + diag(D). */
  get covarianceMatrix(): Tensor {
    const n = this.eventShape[0]!;
    return add(
      matmul(this.covFactor, matT(this.covFactor)),
      mul(reshape(this.covDiag, [...this.covDiag.shape, 1]), eye(n)),
    );
  }
}
