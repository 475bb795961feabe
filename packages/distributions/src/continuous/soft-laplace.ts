import type { DistributionOptions } from "../distribution.js";
import { LocScaleDistribution } from "../internal/loc-scale.js";
import {
  add,
  div,
  exp,
  log,
  logAddExp,
  mul,
  neg,
  square,
  sub,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { tan } from "../internal/ops-extra.js";
import { atan, rejectUndefinedArgs } from "../internal/util.js";

/**
 * SoftLaplace: a smooth, log-concave Laplace-like density, log p(x) = log(2/π) − log σ − log(eᶻ + e⁻ᶻ).
 * @example
 * new SoftLaplace(0, 1).cdf(0).item(); // → 0.5
 */
export class SoftLaplace extends LocScaleDistribution {
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("SoftLaplace", arguments, ["loc", "scale"]);
    super("SoftLaplace", loc, scale, options);
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
