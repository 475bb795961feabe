import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  abs,
  add,
  div,
  expm1,
  type Key,
  log,
  log1p,
  mul,
  neg,
  sign,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Laplace(loc, scale): log p(x) = −log(2σ) − |x − μ|/σ.
 * @example
 * new Laplace(0, 1).logProb(0).item(); // → -0.6931471805599453
 */
export class Laplace extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
  };
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
