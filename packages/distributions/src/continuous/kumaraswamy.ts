import { type Constraint, positive, unitInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  betaln,
  div,
  exp,
  expm1,
  type Key,
  log,
  log1p,
  mul,
  neg,
  pow,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  xlog1py,
  xlogy,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Kumaraswamy(a = concentration1, b = concentration0): log p(x) = log a + log b + (a−1) log x + (b−1) log(1−xᵃ).
 * @example
 * new Kumaraswamy(1, 1).logProb(0.3).item(); // → 0
 */
export class Kumaraswamy extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration1: positive,
    concentration0: positive,
  };
  static override readonly support: Constraint = unitInterval;
  static override readonly hasRsample = true;
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  constructor(concentration1: TensorLike, concentration0: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Kumaraswamy", concentration1, concentration0);
    super(batchShape, [], options, { concentration1: ps[0], concentration0: ps[1] });
    [this.concentration1, this.concentration0] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration1;
    const b = this.concentration0;
    return add(add(add(log(a), log(b)), xlogy(sub(a, 1), value)), xlog1py(sub(b, 1), neg(pow(value, a))));
  }
  override cdf(value: TensorLike): Tensor {
    // F(x) = 1 − (1 − xᵃ)ᵇ
    return neg(expm1(mul(this.concentration0, log1p(neg(pow(value, this.concentration1))))));
  }
  override icdf(q: TensorLike): Tensor {
    const inner = neg(expm1(div(log1p(neg(q)), this.concentration0)));
    return pow(inner, div(1, this.concentration1));
  }
  override get mean(): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    return mul(b, exp(betaln(add(1, div(1, a)), b)));
  }
  override get variance(): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const m2 = mul(b, exp(betaln(add(1, div(2, a)), b)));
    return sub(m2, square(this.mean));
  }
}
