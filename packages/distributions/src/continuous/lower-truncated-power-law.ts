import { type Constraint, type GreaterThan, greaterThan, lessThan } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  gt,
  type Key,
  le,
  log,
  lt,
  mul,
  ne,
  neg,
  or,
  pow,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Power law x^α truncated below at `low` (a Pareto with index −(1+α)):
 * log p(x) = α log x + log(−(1+α)) − (1+α) log low, x > low; F(x) = 1 − (x/low)^{1+α}.
 * Moments (which NumPyro leaves undefined) are Pareto's: mean low·(1+α)/(2+α) for α < −2, else +∞.
 * @param alpha - index α < −1.
 * @param low - lower bound (> 0).
 * @example
 * new LowerTruncatedPowerLaw(-2, 1).cdf(2).item(); // → 0.5
 */
export class LowerTruncatedPowerLaw extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    alpha: lessThan(-1),
    low: greaterThan(0),
  };
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["alpha", "low"];
  readonly alpha: Tensor;
  readonly low: Tensor;
  constructor(alpha: TensorLike, low: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("LowerTruncatedPowerLaw", alpha, low);
    super(batchShape, [], options, { alpha: ps[0], low: ps[1] });
    [this.alpha, this.low] = ps as [Tensor, Tensor];
  }
  override get support(): GreaterThan {
    return greaterThan(this.low);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a1 = add(this.alpha, 1);
    return sub(add(mul(this.alpha, log(value)), log(neg(a1))), mul(a1, log(this.low)));
  }
  override cdf(value: TensorLike): Tensor {
    return where(le(value, this.low), 0, sub(1, pow(div(value, this.low), add(this.alpha, 1))));
  }
  /** low·(1 − q)^{1/(1+α)}; NaN for q outside [0, 1] (or NaN), as in NumPyro. */
  override icdf(q: TensorLike): Tensor {
    const bad = or(or(ne(q, q), lt(q, 0)), gt(q, 1));
    const safeQ = where(bad, 0.5, q);
    const x = mul(this.low, pow(sub(1, safeQ), div(1, add(this.alpha, 1))));
    return where(bad, Number.NaN, x);
  }
  /** low·(1+α)/(2+α) for α < −2, else +∞. */
  override get mean(): Tensor {
    const a = this.alpha;
    const safe = where(lt(a, -2), a, -3);
    return where(lt(a, -2), div(mul(this.low, add(safe, 1)), add(safe, 2)), Number.POSITIVE_INFINITY);
  }
  /** low²·(1+α)/(3+α) − mean² for α < −3, else +∞. */
  override get variance(): Tensor {
    const a = this.alpha;
    const safe = where(lt(a, -3), a, -4);
    const m2 = div(mul(mul(this.low, this.low), add(safe, 1)), add(safe, 3));
    const m = div(mul(this.low, add(safe, 1)), add(safe, 2));
    return where(lt(a, -3), sub(m2, mul(m, m)), Number.POSITIVE_INFINITY);
  }
}
