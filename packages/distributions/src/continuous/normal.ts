import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  abs,
  add,
  div,
  erf,
  exp,
  expm1,
  type Key,
  log,
  mul,
  ndtr,
  ndtri,

  normal,
  square,
  sub,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { HALF_LOG_2PI, promote } from "../internal/util.js";

/**
 * Normal(μ = loc, σ = scale): log p(x) = −½((x−μ)/σ)² − log σ − ½ log 2π.
 * @param loc - mean, any shape.
 * @param scale - standard deviation (> 0), broadcastable with `loc`.
 * @example
 * new Normal(0, 1).logProb(0).item(); // → -0.9189385332046727
 */
export class Normal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { loc: real, scale: positive };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["loc", "scale"];
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Normal", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    this.loc = ps[0]!;
    this.scale = ps[1]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return add(this.loc, mul(this.scale, normal(key, this.shape(sampleShape))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    return sub(sub(mul(-0.5, square(z)), log(this.scale)), HALF_LOG_2PI);
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return square(this.scale);
  }
  override cdf(value: TensorLike): Tensor {
    return ndtr(div(sub(value, this.loc), this.scale));
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.loc, mul(this.scale, ndtri(q)));
  }
  override entropy(): Tensor {
    return add(log(this.scale), 0.5 + HALF_LOG_2PI);
  }
}

/**
 * Half-normal: |X| for X ~ Normal(0, scale); log p(x) = log 2 + log N(x; 0, σ) for x ≥ 0.
 * @example
 * new HalfNormal(1).mean.item(); // → 0.7978845608028654
 */
export class HalfNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { scale: positive };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  constructor(scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("HalfNormal", scale);
    super(batchShape, [], options, { scale: ps[0] });
    this.scale = ps[0]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return mul(this.scale, abs(normal(key, this.shape(sampleShape))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(value, this.scale);
    return sub(sub(mul(-0.5, square(z)), log(this.scale)), HALF_LOG_2PI - Math.LN2);
  }
  override get mean(): Tensor {
    return mul(this.scale, Math.sqrt(2 / Math.PI));
  }
  override get variance(): Tensor {
    return mul(square(this.scale), 1 - 2 / Math.PI);
  }
  override cdf(value: TensorLike): Tensor {
    return erf(div(value, mul(this.scale, Math.SQRT2)));
  }
  override icdf(q: TensorLike): Tensor {
    return mul(this.scale, ndtri(mul(add(q, 1), 0.5)));
  }
  override entropy(): Tensor {
    return add(log(this.scale), 0.5 * Math.log(Math.PI / 2) + 0.5);
  }
}

/**
 * LogNormal: exp(X) for X ~ Normal(loc, scale); log p(x) = log N(log x; μ, σ) − log x.
 * @example
 * new LogNormal(0, 1).logProb(1).item(); // → -0.9189385332046727
 */
export class LogNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { loc: real, scale: positive };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("LogNormal", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    this.loc = ps[0]!;
    this.scale = ps[1]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return exp(add(this.loc, mul(this.scale, normal(key, this.shape(sampleShape)))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const lx = log(value);
    const z = div(sub(lx, this.loc), this.scale);
    return sub(sub(sub(mul(-0.5, square(z)), log(this.scale)), HALF_LOG_2PI), lx);
  }
  override get mean(): Tensor {
    return exp(add(this.loc, mul(0.5, square(this.scale))));
  }
  override get variance(): Tensor {
    const s2 = square(this.scale);
    return mul(expm1(s2), exp(add(mul(2, this.loc), s2)));
  }
  override cdf(value: TensorLike): Tensor {
    return ndtr(div(sub(log(value), this.loc), this.scale));
  }
  override icdf(q: TensorLike): Tensor {
    return exp(add(this.loc, mul(this.scale, ndtri(q))));
  }
  override entropy(): Tensor {
    return add(add(this.loc, log(this.scale)), 0.5 + HALF_LOG_2PI);
  }
}

