import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  abs,
  add,
  div,
  exp,
  expm1,
  ge,
  type Key,
  log,
  log1p,
  logAddExp,
  mul,
  neg,
  sigmoid,
  sign,
  softplus,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { tan } from "../internal/ops-extra.js";
import { atan, EULER_GAMMA, promote } from "../internal/util.js";

/**
 * Laplace(loc, scale): log p(x) = −log(2σ) − |x − μ|/σ.
 * @example
 * new Laplace(0, 1).logProb(0).item(); // → -0.6931471805599453
 */
export class Laplace extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { loc: real, scale: positive };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Laplace", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const u = uniform(key, this.shape(sampleShape), -1 + 1e-16, 1);
    return sub(this.loc, mul(mul(this.scale, sign(u)), log1p(neg(abs(u)))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(abs(sub(value, this.loc)), this.scale);
    return sub(neg(z), log(mul(2, this.scale)));
  }
  override cdf(value: TensorLike): Tensor {
    const z = div(sub(value, this.loc), this.scale);
    return sub(0.5, mul(mul(0.5, sign(z)), expm1(neg(abs(z)))));
  }
  override icdf(q: TensorLike): Tensor {
    const a = sub(q, 0.5);
    return sub(this.loc, mul(mul(this.scale, sign(a)), log1p(mul(-2, abs(a)))));
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return mul(2, square(this.scale));
  }
  override entropy(): Tensor {
    return add(log(mul(2, this.scale)), 1);
  }
}

/**
 * Asymmetric Laplace with asymmetry κ: log p(x) = log(κ/(1+κ²)) − log σ − z·κ for z ≥ 0, + z/κ for z < 0.
 */
export class AsymmetricLaplace extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
    asymmetry: positive,
  };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly asymmetry: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, asymmetry: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("AsymmetricLaplace", loc, scale, asymmetry);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1], asymmetry: ps[2] });
    [this.loc, this.scale, this.asymmetry] = ps as [Tensor, Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const k = this.asymmetry;
    const z = div(sub(value, this.loc), this.scale);
    const expo = where(ge(z, 0), mul(neg(z), k), div(z, k));
    return add(sub(log(div(k, add(1, square(k)))), log(this.scale)), expo);
  }
  override cdf(value: TensorLike): Tensor {
    const k = this.asymmetry;
    const k2 = square(k);
    const z = div(sub(value, this.loc), this.scale);
    const zNeg = where(ge(z, 0), 0, z);
    const zPos = where(ge(z, 0), z, 0);
    const left = mul(div(k2, add(1, k2)), exp(div(zNeg, k)));
    const right = sub(1, div(exp(mul(neg(zPos), k)), add(1, k2)));
    return where(ge(z, 0), right, left);
  }
  override icdf(q: TensorLike): Tensor {
    const k = this.asymmetry;
    const k2 = square(k);
    const p0 = div(k2, add(1, k2));
    const leftSide = ge(p0, q);
    const qL = where(leftSide, q, p0);
    const qR = where(leftSide, p0, q);
    const zL = mul(k, log(div(qL, p0)));
    const zR = div(neg(log(mul(sub(1, qR), add(1, k2)))), k);
    return add(this.loc, mul(this.scale, where(leftSide, zL, zR)));
  }
  override get mean(): Tensor {
    const k = this.asymmetry;
    return add(this.loc, mul(this.scale, sub(div(1, k), k)));
  }
  override get variance(): Tensor {
    const k2 = square(this.asymmetry);
    return mul(square(this.scale), add(div(1, k2), k2));
  }
}

/**
 * SoftLaplace: a smooth, log-concave Laplace-like density, log p(x) = log(2/π) − log σ − log(eᶻ + e⁻ᶻ).
 */
export class SoftLaplace extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { loc: real, scale: positive };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("SoftLaplace", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    return sub(sub(Math.log(2 / Math.PI), log(this.scale)), logAddExp(z, neg(z)));
  }
  override cdf(value: TensorLike): Tensor {
    return mul(2 / Math.PI, atan(exp(div(sub(value, this.loc), this.scale))));
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.loc, mul(this.scale, log(tan(mul(Math.PI / 2, q)))));
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return mul(square(this.scale), (Math.PI / 2) ** 2);
  }
}

/**
 * Logistic(loc, scale): log p(x) = −z − 2 softplus(−z) − log σ.
 */
export class Logistic extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { loc: real, scale: positive };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Logistic", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    return sub(sub(neg(z), mul(2, softplus(neg(z)))), log(this.scale));
  }
  override cdf(value: TensorLike): Tensor {
    return sigmoid(div(sub(value, this.loc), this.scale));
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.loc, mul(this.scale, sub(log(q), log1p(neg(q)))));
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return mul(square(this.scale), Math.PI ** 2 / 3);
  }
  override entropy(): Tensor {
    return add(log(this.scale), 2);
  }
}

/**
 * Gumbel(loc, scale): log p(x) = −(z + e⁻ᶻ) − log σ.
 */
export class Gumbel extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { loc: real, scale: positive };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Gumbel", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    return sub(neg(add(z, exp(neg(z)))), log(this.scale));
  }
  override cdf(value: TensorLike): Tensor {
    return exp(neg(exp(neg(div(sub(value, this.loc), this.scale)))));
  }
  override icdf(q: TensorLike): Tensor {
    return sub(this.loc, mul(this.scale, log(neg(log(q)))));
  }
  override get mean(): Tensor {
    return add(this.loc, mul(this.scale, EULER_GAMMA));
  }
  override get variance(): Tensor {
    return mul(square(this.scale), Math.PI ** 2 / 6);
  }
  override entropy(): Tensor {
    return add(log(this.scale), EULER_GAMMA + 1);
  }
}
