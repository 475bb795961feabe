import type { DistributionOptions } from "../distribution.js";
import { LocScaleDistribution } from "../internal/loc-scale.js";
import { add, div, exp, log, mul, neg, square, sub, type Tensor, type TensorLike } from "../internal/ops.js";
import { EULER_GAMMA, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Gumbel(loc, scale): log p(x) = −(z + e⁻ᶻ) − log σ.
 * @example
 * new Gumbel(0, 1).cdf(0).item(); // → 0.36787944117144233
 */
export class Gumbel extends LocScaleDistribution {
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Gumbel", arguments, ["loc", "scale"]);
    super("Gumbel", loc, scale, options);
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
