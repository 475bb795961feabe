import { type Constraint, nonnegativeInteger, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  gammaSample,
  type Key,
  lgamma,
  log,
  log1p,
  mul,
  poissonSample,
  splitKey,
  square,
  sub,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * GammaPoisson(concentration α, rate β): Poisson with a Gamma(α, β) rate, i.e. a negative binomial;
 * log p(k) = lgamma(k+α) − lgamma(α) − log k! + α log β − (α+k) log(1+β).
 * @example
 * new GammaPoisson(2, 1).mean.item(); // → 2
 */
export class GammaPoisson extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: positive,
    rate: positive,
  };
  static override readonly support: Constraint = nonnegativeInteger;
  readonly concentration: Tensor;
  readonly rate: Tensor;
  constructor(concentration: TensorLike, rate: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("GammaPoisson", arguments, ["concentration", "rate"]);
    const { ps, batchShape } = promote("GammaPoisson", concentration, rate);
    super(batchShape, [], options, { concentration: ps[0], rate: ps[1] });
    [this.concentration, this.rate] = ps as [Tensor, Tensor];
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const shape = this.shape(sampleShape);
    const lam = div(gammaSample(k1, this.concentration, shape), this.rate);
    return poissonSample(k2, lam, shape);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration;
    const b = this.rate;
    const norm = sub(sub(lgamma(add(value, a)), lgamma(a)), lgamma(add(value, 1)));
    return add(norm, sub(mul(a, log(b)), mul(add(a, value), log1p(b))));
  }
  override get mean(): Tensor {
    return div(this.concentration, this.rate);
  }
  override get variance(): Tensor {
    return mul(div(this.concentration, square(this.rate)), add(1, this.rate));
  }
}
