import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  exp,
  ge,
  type Key,
  log,
  mul,
  neg,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Asymmetric Laplace with asymmetry κ: log p(x) = log(κ/(1+κ²)) − log σ − z·κ for z ≥ 0, + z/κ for z < 0.
 * @example
 * new AsymmetricLaplace(0, 1, 2).mean.item(); // → -1.5
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
  constructor(
    loc: TensorLike = 0,
    scale: TensorLike = 1,
    asymmetry: TensorLike = 1,
    options?: DistributionOptions,
  ) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("AsymmetricLaplace", arguments, ["loc", "scale", "asymmetry"]);
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
