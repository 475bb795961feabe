import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  gammaSample,
  gt,
  type Key,
  lgamma,
  log,
  log1p,
  mul,
  normal,
  splitKey,
  sqrt,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { tan } from "../internal/ops-extra.js";
import { atan, promote } from "../internal/util.js";

const LOG_PI = Math.log(Math.PI);

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
    const { ps, batchShape } = promote("StudentT", df, loc, scale);
    super(batchShape, [], options, { df: ps[0], loc: ps[1], scale: ps[2] });
    [this.df, this.loc, this.scale] = ps as [Tensor, Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const shape = this.shape(sampleShape);
    const chi2 = mul(2, gammaSample(k2, mul(0.5, this.df), shape));
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
  override get mean(): Tensor {
    return where(gt(this.df, 1), this.loc, Number.NaN);
  }
  override get variance(): Tensor {
    const v = div(mul(square(this.scale), this.df), sub(this.df, 2));
    return where(gt(this.df, 2), v, where(gt(this.df, 1), Number.POSITIVE_INFINITY, Number.NaN));
  }
}

/**
 * Cauchy(loc, scale): log p(x) = −log π − log σ − log(1 + z²).
 * @example
 * new Cauchy(0, 1).cdf(0).item(); // → 0.5
 */
export class Cauchy extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { loc: real, scale: positive };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Cauchy", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    return sub(sub(mul(-1, log1p(square(z))), log(this.scale)), LOG_PI);
  }
  override cdf(value: TensorLike): Tensor {
    return add(0.5, div(atan(div(sub(value, this.loc), this.scale)), Math.PI));
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.loc, mul(this.scale, tan(mul(Math.PI, sub(q, 0.5)))));
  }
  override get mean(): Tensor {
    return mul(this.loc, Number.NaN);
  }
  override get variance(): Tensor {
    return add(mul(this.loc, 0), Number.POSITIVE_INFINITY);
  }
  override entropy(): Tensor {
    return add(log(this.scale), Math.log(4 * Math.PI));
  }
}

/**
 * Half-Cauchy: |X| for X ~ Cauchy(0, scale); log p(x) = log 2 − log π − log σ − log(1 + (x/σ)²), x ≥ 0.
 * @example
 * new HalfCauchy(1).cdf(1).item(); // → 0.5
 */
export class HalfCauchy extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { scale: positive };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  constructor(scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("HalfCauchy", scale);
    super(batchShape, [], options, { scale: ps[0] });
    this.scale = ps[0]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(value, this.scale);
    return sub(sub(mul(-1, log1p(square(z))), log(this.scale)), LOG_PI - Math.LN2);
  }
  override cdf(value: TensorLike): Tensor {
    return mul(2 / Math.PI, atan(div(value, this.scale)));
  }
  override icdf(q: TensorLike): Tensor {
    return mul(this.scale, tan(mul(Math.PI / 2, q)));
  }
  override get mean(): Tensor {
    return add(mul(this.scale, 0), Number.POSITIVE_INFINITY);
  }
  override get variance(): Tensor {
    return add(mul(this.scale, 0), Number.POSITIVE_INFINITY);
  }
  override entropy(): Tensor {
    return add(log(this.scale), Math.log(2 * Math.PI));
  }
}
