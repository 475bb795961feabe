import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { LOG_PI } from "../internal/heavy-tailed-helpers.js";
import {
  add,
  div,
  gammaSample,
  gt,
  type Key,
  lgamma,
  log,
  log1p,
  minimum,
  mul,
  neg,
  normal,
  splitKey,
  sqrt,
  square,
  stopGradient,
  sub,
  type Tensor,
  type TensorLike,
  where,
} from "../internal/ops.js";
import { betainc, betaincinv, gammaRsample } from "../internal/special.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Student's t with `df` degrees of freedom, location and scale:
 * log p(x) = lgamma((ν+1)/2) − lgamma(ν/2) − ½ log(νπ) − log σ − (ν+1)/2 · log1p(z²/ν), z = (x−μ)/σ.
 * @example
 * new StudentT(1, 0, 1).logProb(0).item(); // → -1.1447298858494002
 */
export class StudentT extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    df: positive,
    loc: real,
    scale: positive,
  };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly df: Tensor;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("StudentT", arguments, ["df", "loc", "scale"]);
    const { ps, batchShape } = promote("StudentT", df, loc, scale);
    super(batchShape, [], options, { df: ps[0], loc: ps[1], scale: ps[2] });
    [this.df, this.loc, this.scale] = ps as [Tensor, Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.draw(key, sampleShape, true);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return stopGradient(this.draw(key, sampleShape, false));
  }
  private draw(key: Key, sampleShape: readonly number[], reparam: boolean): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const shape = this.shape(sampleShape);
    const chi2 = mul(2, (reparam ? gammaRsample : gammaSample)(k2, mul(0.5, this.df), shape));
    const t = mul(normal(k1, shape), sqrt(div(this.df, chi2)));
    return add(this.loc, mul(this.scale, t));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    const half = mul(0.5, add(this.df, 1));
    const norm = sub(
      sub(sub(lgamma(half), lgamma(mul(0.5, this.df))), mul(0.5, add(log(this.df), LOG_PI))),
      log(this.scale),
    );
    return sub(norm, mul(half, log1p(div(square(z), this.df))));
  }
  /** ½ I_{ν/(ν+t²)}(ν/2, ½) in the tail on the side of t, t = (x − μ)/σ. */
  override cdf(value: TensorLike): Tensor {
    const t = div(sub(value, this.loc), this.scale);
    const tail = mul(0.5, betainc(mul(0.5, this.df), 0.5, div(this.df, add(this.df, square(t)))));
    return where(gt(t, 0), sub(1, tail), tail);
  }
  /** t = ±√(ν(1/x − 1)) with x = I⁻¹(ν/2, ½; 2·min(q, 1 − q)), signed by q − ½. */
  override icdf(q: TensorLike): Tensor {
    const tail = minimum(q, sub(1, q));
    const x = betaincinv(mul(0.5, this.df), 0.5, mul(2, tail));
    const t = sqrt(mul(this.df, sub(div(1, x), 1)));
    return add(this.loc, mul(this.scale, where(gt(q, 0.5), t, neg(t))));
  }
  override get mean(): Tensor {
    return where(gt(this.df, 1), this.loc, Number.NaN);
  }
  override get variance(): Tensor {
    const v = div(mul(square(this.scale), this.df), sub(this.df, 2));
    return where(gt(this.df, 2), v, where(gt(this.df, 1), Number.POSITIVE_INFINITY, Number.NaN));
  }
}
