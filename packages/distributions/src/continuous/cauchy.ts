import type { DistributionOptions } from "../distribution.js";
import { LOG_PI } from "../internal/heavy-tailed-helpers.js";
import { LocScaleDistribution } from "../internal/loc-scale.js";
import { add, div, log, log1p, mul, square, sub, type Tensor, type TensorLike } from "../internal/ops.js";
import { tan } from "../internal/ops-extra.js";
import { atan, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Cauchy(loc, scale): log p(x) = −log π − log σ − log(1 + z²).
 * @example
 * new Cauchy(0, 1).cdf(0).item(); // → 0.5
 */
export class Cauchy extends LocScaleDistribution {
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Cauchy", arguments, ["loc", "scale"]);
    super("Cauchy", loc, scale, options);
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
