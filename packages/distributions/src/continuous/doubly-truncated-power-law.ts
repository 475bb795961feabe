import {
  type Constraint,
  greaterThan,
  greaterThanEq,
  type Interval,
  interval,
  real,
} from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  eq,
  type Key,
  log,
  maximum,
  minimum,
  mul,
  ne,
  pow,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Power law x^α on [low, high]: p(x) = x^α / Z with Z = (high^{1+α} − low^{1+α})/(1+α), or
 * log(high/low) when α = −1 (NumPyro's DoublyTruncatedPowerLaw). Moments, which NumPyro leaves undefined,
 * are the ratios ∫x^{α+k}/∫x^α of the closed-form integrals.
 * At α = −1 the log-density is written as α·log x − log(log high − log low) − (α+1)·(log high + log low)/2,
 * whose value is exact and whose α-derivative is the limit of the α ≠ −1 one (NumPyro gets it from a
 * custom JVP that averages α ± 10⁻³).
 * @param alpha - index α (any real).
 * @param low - lower bound (≥ 0).
 * @param high - upper bound (> low).
 * @example
 * new DoublyTruncatedPowerLaw(0, 1, 3).cdf(2).item(); // → 0.5
 */
export class DoublyTruncatedPowerLaw extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    alpha: real,
    low: greaterThanEq(0),
    high: greaterThan(0),
  };
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["alpha", "low", "high"];
  readonly alpha: Tensor;
  readonly low: Tensor;
  readonly high: Tensor;
  constructor(alpha: TensorLike, low: TensorLike, high: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("DoublyTruncatedPowerLaw", alpha, low, high);
    super(batchShape, [], options, { alpha: ps[0], low: ps[1], high: ps[2] });
    [this.alpha, this.low, this.high] = ps as [Tensor, Tensor, Tensor];
  }
  override get support(): Interval {
    return interval(this.low, this.high);
  }
  /** α where α ≠ −1, else 0 (so the α ≠ −1 branch stays finite where it is not selected). */
  #safeAlpha(): Tensor {
    return where(ne(this.alpha, -1), this.alpha, 0);
  }
  /** ∫_low^high x^{α+k} dx: (high^e − low^e)/e with e = α+k+1, or log(high/low) where e = 0. */
  #powerIntegral(k: number): Tensor {
    const e = add(this.alpha, k + 1);
    const zero = eq(e, 0);
    const safeE = where(zero, 1, e);
    const general = div(sub(pow(this.high, safeE), pow(this.low, safeE)), safeE);
    return where(zero, log(div(this.high, this.low)), general);
  }
  override get mean(): Tensor {
    return div(this.#powerIntegral(1), this.#powerIntegral(0));
  }
  override get variance(): Tensor {
    const z = this.#powerIntegral(0);
    const m = div(this.#powerIntegral(1), z);
    return sub(div(this.#powerIntegral(2), z), mul(m, m));
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.#safeAlpha();
    const a1 = add(a, 1);
    const z = sub(pow(this.high, a1), pow(this.low, a1));
    const general = add(mul(a, log(value)), log(div(a1, z)));
    const lh = log(this.high);
    const ll = log(this.low);
    const slope = mul(add(this.alpha, 1), mul(0.5, add(lh, ll)));
    const logCase = sub(sub(mul(this.alpha, log(value)), log(sub(lh, ll))), slope);
    return where(eq(this.alpha, -1), logCase, general);
  }
  override cdf(value: TensorLike): Tensor {
    const a1 = add(this.#safeAlpha(), 1);
    const lowP = pow(this.low, a1);
    const general = div(sub(pow(value, a1), lowP), sub(pow(this.high, a1), lowP));
    const logCase = div(log(div(value, this.low)), log(div(this.high, this.low)));
    const c = where(eq(this.alpha, -1), logCase, general);
    return minimum(maximum(c, 0), 1);
  }
  override icdf(q: TensorLike): Tensor {
    const a1 = add(this.#safeAlpha(), 1);
    const lowP = pow(this.low, a1);
    const general = pow(add(lowP, mul(q, sub(pow(this.high, a1), lowP))), div(1, a1));
    const logCase = mul(pow(div(this.high, this.low), q), this.low);
    return where(eq(this.alpha, -1), logCase, general);
  }
}
