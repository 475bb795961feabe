import { type Constraint, independent, lowerCholesky, positive, real, realVector } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  cholesky,
  cumsum,
  concatenate,
  diagonal,
  div,
  eye,
  gammaSample,
  gt,
  type Key,
  lgamma,
  log,
  log1p,
  matmul,
  matT,
  matvec,
  mul,
  normal,
  reshape,
  sliceAxis,
  solveTrilVec,
  splitKey,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  where,
  arange,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { HALF_LOG_2PI, promote } from "../internal/util.js";

/**
 * Normal with low-rank-plus-diagonal covariance Σ = WWᵀ + diag(D), `W` `[..., n, r]`, `D` `[..., n]`;
 * the density uses the capacitance matrix I + WᵀD⁻¹W (Woodbury), O(n r²).
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
    return add(matmul(this.covFactor, matT(this.covFactor)), mul(reshape(this.covDiag, [...this.covDiag.shape, 1]), eye(n)));
  }
}

/**
 * Multivariate Student t(ν, loc, scaleTril L): log p(x) = lgamma((ν+n)/2) − lgamma(ν/2) − (n/2) log(νπ)
 * − Σ log Lᵢᵢ − (ν+n)/2 · log(1 + ‖L⁻¹(x−μ)‖²/ν).
 */
export class MultivariateStudentT extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    df: positive,
    loc: realVector,
    scaleTril: lowerCholesky,
  };
  static override readonly support: Constraint = realVector;
  static override readonly hasRsample = true;
  readonly df: Tensor;
  readonly loc: Tensor;
  readonly scaleTril: Tensor;
  constructor(df: TensorLike, loc: TensorLike, scaleTril: TensorLike, options?: DistributionOptions) {
    const d = toFloat(asTensor(df));
    const l = toFloat(asTensor(loc));
    const L = toFloat(asTensor(scaleTril));
    const n = L.shape[L.shape.length - 1]!;
    const batch = broadcastShapes("MultivariateStudentT", d.shape, l.shape.slice(0, -1), L.shape.slice(0, -2));
    super(batch, [n], options, { df: d, loc: l, scaleTril: L });
    this.df = broadcastTo(d, batch);
    this.loc = broadcastTo(l, [...batch, n]);
    this.scaleTril = broadcastTo(L, [...batch, n, n]);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const bshape = [...sampleShape, ...this.batchShape];
    const chi2 = mul(2, gammaSample(k2, mul(0.5, this.df), bshape));
    const scale = sqrt(div(this.df, chi2));
    const z = matvec(this.scaleTril, normal(k1, this.shape(sampleShape)));
    return add(this.loc, mul(z, reshape(scale, [...scale.shape, 1])));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.eventShape[0]!;
    const z = solveTrilVec(this.scaleTril, sub(value, this.loc));
    const m = sum(square(z), -1);
    const nu = this.df;
    const half = mul(0.5, add(nu, n));
    const norm = sub(
      sub(lgamma(half), lgamma(mul(0.5, nu))),
      mul(0.5 * n, add(log(nu), Math.log(Math.PI))),
    );
    return sub(sub(norm, sum(log(diagonal(this.scaleTril)), -1)), mul(half, log1p(div(m, nu))));
  }
  override get mean(): Tensor {
    const ok = reshape(gt(this.df, 1), [...this.batchShape, 1]);
    return where(broadcastTo(ok, this.loc.shape), this.loc, Number.NaN);
  }
  override get variance(): Tensor {
    const f = where(gt(this.df, 2), div(this.df, sub(this.df, 2)), Number.POSITIVE_INFINITY);
    return mul(sum(square(this.scaleTril), -1), reshape(f, [...f.shape, 1]));
  }
}

/**
 * Gaussian random walk of `numSteps` steps: x₀ ~ N(0, σ), xₜ − xₜ₋₁ ~ N(0, σ); event shape `[numSteps]`.
 */
export class GaussianRandomWalk extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { scale: positive };
  static override readonly support: Constraint = realVector;
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  readonly numSteps: number;
  constructor(scale: TensorLike = 1, numSteps = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("GaussianRandomWalk", scale);
    super(batchShape, [numSteps], options, { scale: ps[0] });
    this.scale = ps[0]!;
    this.numSteps = numSteps;
  }
  private get scaleCol(): Tensor {
    return reshape(this.scale, [...this.scale.shape, 1]);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return cumsum(mul(normal(key, this.shape(sampleShape)), this.scaleCol), -1);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const x = asTensor(value);
    const T = this.numSteps;
    const steps =
      T > 1 ? concatenate([sliceAxis(x, -1, 0, 1), sub(sliceAxis(x, -1, 1, T), sliceAxis(x, -1, 0, T - 1))], -1) : x;
    const z = div(steps, this.scaleCol);
    return sum(sub(sub(mul(-0.5, square(z)), log(this.scaleCol)), HALF_LOG_2PI), -1);
  }
  override get mean(): Tensor {
    return broadcastTo(0, this.shape());
  }
  override get variance(): Tensor {
    return mul(square(this.scaleCol), add(arange(this.numSteps), 1));
  }
}
