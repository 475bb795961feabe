import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  expm1,
  type Key,
  log,
  log1p,
  mul,
  neg,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Gompertz(concentration η, rate b): log p(x) = log η + log b + bx − η(eᵇˣ − 1), x ≥ 0.
 * @example
 * new Gompertz(1, 1).cdf(0).item(); // → 0
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
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Gompertz", arguments, ["concentration", "rate"]);
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
