import { type Constraint, GreaterThan, greaterThan, Interval, interval, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  broadcastTo,
  div,
  erfc,
  exp,
  expm1,
  type Key,
  lgamma,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  ndtri,
  neg,
  pow,
  sqrt,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
  gt,
} from "../internal/ops.js";
import { EULER_GAMMA, promote } from "../internal/util.js";

/**
 * Uniform(low, high): log p(x) = −log(high − low) on [low, high].
 * @example
 * new Uniform(0, 4).logProb(1).item(); // → -1.3862943611198906
 */
export class Uniform extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { low: real, high: real };
  static override readonly hasRsample = true;
  readonly low: Tensor;
  readonly high: Tensor;
  constructor(low: TensorLike = 0, high: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Uniform", low, high);
    super(batchShape, [], options, { low: ps[0], high: ps[1] });
    [this.low, this.high] = ps as [Tensor, Tensor];
  }
  override get support(): Interval {
    return interval(this.low, this.high);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const lp = neg(log(sub(this.high, this.low)));
    return add(lp, mul(value, 0));
  }
  override cdf(value: TensorLike): Tensor {
    return minimum(maximum(div(sub(value, this.low), sub(this.high, this.low)), 0), 1);
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.low, mul(q, sub(this.high, this.low)));
  }
  override get mean(): Tensor {
    return mul(add(this.low, this.high), 0.5);
  }
  override get variance(): Tensor {
    return div(square(sub(this.high, this.low)), 12);
  }
  override entropy(): Tensor {
    return log(sub(this.high, this.low));
  }
}

/**
 * LogUniform(low, high): log X uniform on [log low, log high]; log p(x) = −log x − log(log high − log low).
 */
export class LogUniform extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { low: positive, high: positive };
  static override readonly hasRsample = true;
  readonly low: Tensor;
  readonly high: Tensor;
  constructor(low: TensorLike, high: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("LogUniform", low, high);
    super(batchShape, [], options, { low: ps[0], high: ps[1] });
    [this.low, this.high] = ps as [Tensor, Tensor];
  }
  override get support(): Interval {
    return interval(this.low, this.high);
  }
  private get logRange(): Tensor {
    return sub(log(this.high), log(this.low));
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return sub(neg(log(value)), log(this.logRange));
  }
  override cdf(value: TensorLike): Tensor {
    return div(sub(log(value), log(this.low)), this.logRange);
  }
  override icdf(q: TensorLike): Tensor {
    return exp(add(log(this.low), mul(q, this.logRange)));
  }
  override get mean(): Tensor {
    return div(sub(this.high, this.low), this.logRange);
  }
  override get variance(): Tensor {
    const m2 = div(sub(square(this.high), square(this.low)), mul(2, this.logRange));
    return sub(m2, square(this.mean));
  }
}

/**
 * Pareto(scale xₘ, alpha α): log p(x) = log α + α log xₘ − (α+1) log x, x ≥ xₘ.
 */
export class Pareto extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { scale: positive, alpha: positive };
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  readonly alpha: Tensor;
  constructor(scale: TensorLike, alpha: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Pareto", scale, alpha);
    super(batchShape, [], options, { scale: ps[0], alpha: ps[1] });
    [this.scale, this.alpha] = ps as [Tensor, Tensor];
  }
  override get support(): GreaterThan {
    return greaterThan(this.scale);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.alpha;
    return sub(add(log(a), mul(a, log(this.scale))), mul(add(a, 1), log(value)));
  }
  override cdf(value: TensorLike): Tensor {
    return sub(1, pow(div(this.scale, value), this.alpha));
  }
  override icdf(q: TensorLike): Tensor {
    return mul(this.scale, exp(div(neg(log1p(neg(q))), this.alpha)));
  }
  override get mean(): Tensor {
    const a = this.alpha;
    return where(gt(a, 1), div(mul(a, this.scale), sub(a, 1)), Number.POSITIVE_INFINITY);
  }
  override get variance(): Tensor {
    const a = this.alpha;
    const v = div(mul(square(this.scale), a), mul(square(sub(a, 1)), sub(a, 2)));
    return where(gt(a, 2), v, Number.POSITIVE_INFINITY);
  }
  override entropy(): Tensor {
    return add(add(log(div(this.scale, this.alpha)), div(1, this.alpha)), 1);
  }
}

/**
 * Weibull(scale λ, concentration k): log p(x) = log k − log λ + (k−1) log(x/λ) − (x/λ)ᵏ.
 */
export class Weibull extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    scale: positive,
    concentration: positive,
  };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  readonly concentration: Tensor;
  constructor(scale: TensorLike, concentration: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Weibull", scale, concentration);
    super(batchShape, [], options, { scale: ps[0], concentration: ps[1] });
    [this.scale, this.concentration] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const k = this.concentration;
    const lz = sub(log(value), log(this.scale));
    return sub(add(sub(log(k), log(this.scale)), mul(sub(k, 1), lz)), exp(mul(k, lz)));
  }
  override cdf(value: TensorLike): Tensor {
    return neg(expm1(neg(pow(div(value, this.scale), this.concentration))));
  }
  override icdf(q: TensorLike): Tensor {
    return mul(this.scale, pow(neg(log1p(neg(q))), div(1, this.concentration)));
  }
  override get mean(): Tensor {
    return mul(this.scale, exp(lgamma(add(1, div(1, this.concentration)))));
  }
  override get variance(): Tensor {
    const k = this.concentration;
    const g2 = exp(lgamma(add(1, div(2, k))));
    const g1 = exp(lgamma(add(1, div(1, k))));
    return mul(square(this.scale), sub(g2, square(g1)));
  }
  override entropy(): Tensor {
    const k = this.concentration;
    return add(add(mul(EULER_GAMMA, sub(1, div(1, k))), log(div(this.scale, k))), 1);
  }
}

/**
 * Gompertz(concentration η, rate b): log p(x) = log η + log b + bx − η(eᵇˣ − 1), x ≥ 0.
 */
export class Gompertz extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: positive,
    rate: positive,
  };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly concentration: Tensor;
  readonly rate: Tensor;
  constructor(concentration: TensorLike, rate: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Gompertz", concentration, rate);
    super(batchShape, [], options, { concentration: ps[0], rate: ps[1] });
    [this.concentration, this.rate] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const bx = mul(this.rate, value);
    return sub(add(add(log(this.concentration), log(this.rate)), bx), mul(this.concentration, expm1(bx)));
  }
  override cdf(value: TensorLike): Tensor {
    return neg(expm1(neg(mul(this.concentration, expm1(mul(this.rate, value))))));
  }
  override icdf(q: TensorLike): Tensor {
    return div(log1p(div(neg(log1p(neg(q))), this.concentration)), this.rate);
  }
}

/**
 * Lévy(loc, scale): log p(x) = ½ log(σ/2π) − 3/2 log(x−μ) − σ/(2(x−μ)), x > μ.
 */
export class Levy extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { loc: real, scale: positive };
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Levy", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override get support(): GreaterThan {
    return greaterThan(this.loc);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const d = sub(value, this.loc);
    return sub(
      sub(mul(0.5, log(div(this.scale, 2 * Math.PI))), mul(1.5, log(d))),
      div(this.scale, mul(2, d)),
    );
  }
  override cdf(value: TensorLike): Tensor {
    return erfc(sqrt(div(this.scale, mul(2, sub(value, this.loc)))));
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.loc, div(this.scale, square(ndtri(mul(0.5, q)))));
  }
  override get mean(): Tensor {
    return broadcastTo(Number.POSITIVE_INFINITY, this.batchShape);
  }
  override get variance(): Tensor {
    return broadcastTo(Number.POSITIVE_INFINITY, this.batchShape);
  }
  override entropy(): Tensor {
    return add(mul(0.5, log(mul(16 * Math.PI, square(this.scale)))), 0.5 * (1 + 3 * EULER_GAMMA));
  }
}
