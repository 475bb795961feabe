import { type Constraint, lowerCholesky, positive, realVector } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  diagonal,
  div,
  gammaSample,
  gt,
  type Key,
  lgamma,
  log,
  log1p,
  matvec,
  mul,
  normal,
  reshape,
  solveTrilVec,
  splitKey,
  sqrt,
  square,
  stopGradient,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  where,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { gammaRsample } from "../internal/special.js";

/**
 * Multivariate Student t(ν, loc, scaleTril L): log p(x) = lgamma((ν+n)/2) − lgamma(ν/2) − (n/2) log(νπ)
 * − Σ log Lᵢᵢ − (ν+n)/2 · log(1 + ‖L⁻¹(x−μ)‖²/ν).
 * @example
 * new MultivariateStudentT(4, [0, 0], [[1, 0], [0, 1]]).variance.toArray(); // → [2, 2]
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
    const batch = broadcastShapes(
      "MultivariateStudentT",
      d.shape,
      l.shape.slice(0, -1),
      L.shape.slice(0, -2),
    );
    super(batch, [n], options, { df: d, loc: l, scaleTril: L });
    this.df = broadcastTo(d, batch);
    this.loc = broadcastTo(l, [...batch, n]);
    this.scaleTril = broadcastTo(L, [...batch, n, n]);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.draw(key, sampleShape, true);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return stopGradient(this.draw(key, sampleShape, false));
  }
  private draw(key: Key, sampleShape: readonly number[], reparam: boolean): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const bshape = [...sampleShape, ...this.batchShape];
    const chi2 = mul(2, (reparam ? gammaRsample : gammaSample)(k2, mul(0.5, this.df), bshape));
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
    const norm = sub(sub(lgamma(half), lgamma(mul(0.5, nu))), mul(0.5 * n, add(log(nu), Math.log(Math.PI))));
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
