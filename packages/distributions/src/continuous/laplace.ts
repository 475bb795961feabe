import type { DistributionOptions } from "../distribution.js";
import { LocScaleDistribution } from "../internal/loc-scale.js";
import {
  abs,
  add,
  div,
  expm1,
  ge,
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
  where,
} from "../internal/ops.js";
import { rejectUndefinedArgs } from "../internal/util.js";

/**
 * Laplace(loc, scale): log p(x) = −log(2σ) − |x − μ|/σ.
 * @example
 * new Laplace(0, 1).logProb(0).item(); // → -0.6931471805599453
 */
export class Laplace extends LocScaleDistribution {
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Laplace", arguments, ["loc", "scale"]);
    super("Laplace", loc, scale, options);
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
  // cdf and icdf select a branch on the sign instead of multiplying by sign(z): sign′ = 0 and abs′(0) = 0 would
  // make their derivatives 0 at the loc (the median); the values are the same bit for bit.
  override cdf(value: TensorLike): Tensor {
    const z = div(sub(value, this.loc), this.scale);
    // one expm1 of −|z| (|z| as a selection too): separate expm1(−z) and expm1(z) branches would overflow in the
    // unselected one far in the tails, and its 0·∞ would make the gradient NaN
    const nonNegative = ge(z, 0);
    const e = expm1(neg(where(nonNegative, z, neg(z))));
    return where(nonNegative, sub(0.5, mul(0.5, e)), add(0.5, mul(0.5, e)));
  }
  override icdf(q: TensorLike): Tensor {
    const a = sub(q, 0.5);
    const s = this.scale;
    return where(ge(a, 0), sub(this.loc, mul(s, log1p(mul(-2, a)))), add(this.loc, mul(s, log1p(mul(2, a)))));
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
