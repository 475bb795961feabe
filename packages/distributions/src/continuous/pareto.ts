import { type Constraint, type GreaterThan, greaterThan, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  exp,
  gt,
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
  where,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Pareto(scale xₘ, alpha α): log p(x) = log α + α log xₘ − (α+1) log x, x ≥ xₘ.
 * @example
 * new Pareto(1, 3).mean.item(); // → 1.5
 */
export class Pareto extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    scale: positive,
    alpha: positive,
  };
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  readonly alpha: Tensor;
  constructor(scale: TensorLike, alpha: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Pareto", scale, alpha);
    super(batchShape, [], options, { scale: ps[0], alpha: ps[1] });
    [this.scale, this.alpha] = ps as [Tensor, Tensor];
  }
  override get support(): GreaterThan {
    return greaterThan(this.scale);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.alpha;
    return sub(add(log(a), mul(a, log(this.scale))), mul(add(a, 1), log(value)));
  }
  override cdf(value: TensorLike): Tensor {
    return sub(1, pow(div(this.scale, value), this.alpha));
  }
  override icdf(q: TensorLike): Tensor {
    return mul(this.scale, exp(div(neg(log1p(neg(q))), this.alpha)));
  }
  override get mean(): Tensor {
    const a = this.alpha;
    return where(gt(a, 1), div(mul(a, this.scale), sub(a, 1)), Number.POSITIVE_INFINITY);
  }
  override get variance(): Tensor {
    const a = this.alpha;
    const v = div(mul(square(this.scale), a), mul(square(sub(a, 1)), sub(a, 2)));
    return where(gt(a, 2), v, Number.POSITIVE_INFINITY);
  }
  override entropy(): Tensor {
    return add(add(log(div(this.scale, this.alpha)), div(1, this.alpha)), 1);
  }
}
