import type { DistributionOptions } from "../distribution.js";
import { LocScaleDistribution } from "../internal/loc-scale.js";
import {
  add,
  div,
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
import { HALF_LOG_2PI, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Normal(μ = loc, σ = scale): log p(x) = −½((x−μ)/σ)² − log σ − ½ log 2π.
 * @param loc - mean, any shape.
 * @param scale - standard deviation (> 0), broadcastable with `loc`.
 * @example
 * new Normal(0, 1).logProb(0).item(); // → -0.9189385332046727
 */
export class Normal extends LocScaleDistribution {
  static readonly reparametrizedParams = ["loc", "scale"];
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Normal", arguments, ["loc", "scale"]);
    super("Normal", loc, scale, options);
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
