import type { DistributionOptions } from "../distribution.js";
import { LocScaleDistribution } from "../internal/loc-scale.js";
import {
  add,
  div,
  log,
  log1p,
  mul,
  neg,
  sigmoid,
  softplus,
  square,
  sub,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { rejectUndefinedArgs } from "../internal/util.js";

/**
 * Logistic(loc, scale): log p(x) = −z − 2 softplus(−z) − log σ.
 * @example
 * new Logistic(0, 1).cdf(0).item(); // → 0.5
 */
export class Logistic extends LocScaleDistribution {
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Logistic", arguments, ["loc", "scale"]);
    super("Logistic", loc, scale, options);
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
