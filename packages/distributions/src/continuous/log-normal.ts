import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  exp,
  expm1,
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
import { HALF_LOG_2PI, promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * LogNormal: exp(X) for X ~ Normal(loc, scale); log p(x) = log N(log x; μ, σ) − log x.
 * @example
 * new LogNormal(0, 1).logProb(1).item(); // → -0.9189385332046727
 */
export class LogNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
  };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("LogNormal", arguments, ["loc", "scale"]);
    const { ps, batchShape } = promote("LogNormal", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    this.loc = ps[0]!;
    this.scale = ps[1]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return exp(add(this.loc, mul(this.scale, normal(key, this.shape(sampleShape)))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const lx = log(value);
    const z = div(sub(lx, this.loc), this.scale);
    return sub(sub(sub(mul(-0.5, square(z)), log(this.scale)), HALF_LOG_2PI), lx);
  }
  override get mean(): Tensor {
    return exp(add(this.loc, mul(0.5, square(this.scale))));
  }
  override get variance(): Tensor {
    const s2 = square(this.scale);
    return mul(expm1(s2), exp(add(mul(2, this.loc), s2)));
  }
  override cdf(value: TensorLike): Tensor {
    return ndtr(div(sub(log(value), this.loc), this.scale));
  }
  override icdf(q: TensorLike): Tensor {
    return exp(add(this.loc, mul(this.scale, ndtri(q))));
  }
  override entropy(): Tensor {
    return add(add(this.loc, log(this.scale)), 0.5 + HALF_LOG_2PI);
  }
}
