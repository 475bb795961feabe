import { type Constraint, lowerCholesky, positiveDefinite, realVector } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  cholesky,
  diagonal,
  eye,
  type Key,
  log,
  matmul,
  matT,
  matvec,
  mul,
  normal,
  PhloxError,
  solveTrilVec,
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

/** One of the three ways to give a multivariate normal's spread. */
export type MVNScale =
  | { covarianceMatrix: TensorLike; precisionMatrix?: undefined; scaleTril?: undefined }
  | { precisionMatrix: TensorLike; covarianceMatrix?: undefined; scaleTril?: undefined }
  | { scaleTril: TensorLike; covarianceMatrix?: undefined; precisionMatrix?: undefined };

/**
 * Inverse of a lower-triangular matrix `[..., n, n]`.
 * @example
 * trilInverse(tensor([[2, 0], [0, 4]])).toArray(); // → [[0.5, 0], [0, 0.25]]
 */
export function trilInverse(L: Tensor): Tensor {
  const n = L.shape[L.shape.length - 1]!;
  return triangularSolve(L, broadcastTo(eye(n), L.shape), { lower: true });
}

/**
 * Lower Cholesky factor of the inverse of an SPD matrix P: chol(P⁻¹).
 * @example
 * choleskyOfInverse(tensor([[4, 0], [0, 1]])).toArray(); // → [[0.5, 0], [0, 1]]
 */
export function choleskyOfInverse(P: Tensor): Tensor {
  const Linv = trilInverse(cholesky(P));
  return cholesky(matmul(matT(Linv), Linv));
}

/**
 * Multivariate normal with mean `loc` `[..., n]` and one of `covarianceMatrix`, `precisionMatrix` or
 * `scaleTril` (`[..., n, n]`): log p(x) = −½‖L⁻¹(x−μ)‖² − Σ log Lᵢᵢ − (n/2) log 2π, with Σ = LLᵀ.
 * @example
 * new MultivariateNormal([0, 0], { covarianceMatrix: [[1, 0], [0, 1]] }).logProb([0, 0]).item(); // → -1.8378770664093453
 */
export class MultivariateNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: realVector,
    covarianceMatrix: positiveDefinite,
    precisionMatrix: positiveDefinite,
    scaleTril: lowerCholesky,
  };
  static override readonly support: Constraint = realVector;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scaleTril: Tensor;
  constructor(loc: TensorLike, scale: MVNScale, options?: DistributionOptions) {
    let L: Tensor;
    const given = [scale.covarianceMatrix, scale.precisionMatrix, scale.scaleTril].filter(
      (x) => x !== undefined,
    );
    if (given.length !== 1) {
      throw new PhloxError(
        "distribution-bad-arguments",
        "MultivariateNormal: pass exactly one of { covarianceMatrix }, { precisionMatrix } or { scaleTril }.",
      );
    }
    if (scale.scaleTril !== undefined) L = toFloat(asTensor(scale.scaleTril));
    else if (scale.covarianceMatrix !== undefined) L = cholesky(toFloat(asTensor(scale.covarianceMatrix)));
    else L = choleskyOfInverse(toFloat(asTensor(scale.precisionMatrix!)));
    const l0 = toFloat(asTensor(loc));
    const n = L.shape[L.shape.length - 1]!;
    const lv = l0.shape.length === 0 ? broadcastTo(l0, [n]) : l0;
    const batch = broadcastShapes("MultivariateNormal", lv.shape.slice(0, -1), L.shape.slice(0, -2));
    super(batch, [n], options, {
      loc: lv,
      covarianceMatrix: scale.covarianceMatrix,
      precisionMatrix: scale.precisionMatrix,
      scaleTril: scale.scaleTril,
    });
    this.loc = broadcastTo(lv, [...batch, n]);
    this.scaleTril = broadcastTo(L, [...batch, n, n]);
  }
  /** Σ = LLᵀ. */
  get covarianceMatrix(): Tensor {
    return matmul(this.scaleTril, matT(this.scaleTril));
  }
  /** Σ⁻¹. */
  get precisionMatrix(): Tensor {
    const Li = trilInverse(this.scaleTril);
    return matmul(matT(Li), Li);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const eps = normal(key, this.shape(sampleShape));
    return add(this.loc, matvec(this.scaleTril, eps));
  }
  private halfLogDet(): Tensor {
    return sum(log(diagonal(this.scaleTril)), -1);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.eventShape[0]!;
    const diff = sub(value, this.loc);
    const z = solveTrilVec(this.scaleTril, diff);
    return sub(sub(mul(-0.5, sum(square(z), -1)), this.halfLogDet()), n * HALF_LOG_2PI);
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return sum(square(this.scaleTril), -1);
  }
  override entropy(): Tensor {
    const n = this.eventShape[0]!;
    return add(this.halfLogDet(), n * (0.5 + HALF_LOG_2PI));
  }
}
