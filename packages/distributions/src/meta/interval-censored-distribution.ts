import { boolean, type Constraint, independent } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { CDF_MIN, censoredSetup, EPS } from "../internal/censored-helpers.js";
import {
  abs,
  add,
  and,
  asTensor,
  ConstraintError,
  eq,
  exp,
  type Key,
  le,
  log,
  log1mexp,
  log1p,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  not,
  or,
  reshape,
  ShapeError,
  sliceAxis,
  stackLast,
  sub,
  type Tensor,
  type TensorLike,
  values,
  where,
} from "../internal/ops.js";

/** x[..., i] for a trailing axis of size 2. */
function bound(value: Tensor, i: number): Tensor {
  return reshape(sliceAxis(value, -1, i, i + 1), value.shape.slice(0, -1));
}

/**
 * Interval-censored outcomes of a univariate `base` (NumPyro's IntervalCensoredDistribution; R's
 * `Surv(l, r, type = "interval2")`). A value is a pair (lower, upper) in its last axis; with F the base cdf
 * and f its density it contributes
 * log F(upper) when only `leftCensored`, log(1 − F(lower)) when only `rightCensored`, log(F(upper) − F(lower))
 * when neither (log f(lower) when lower ≈ upper, NumPy's `isclose`), and log(1 − (F(upper) − F(lower))) when
 * both. F is clipped to [100·tiny, 1 − ε] as in NumPyro. (NumPyro 0.21 documents log f for point intervals but
 * its code returns 0 for them; Phlox returns log f.)
 * `sample` draws x from `base` and returns the point interval (x, x) — NumPyro returns x alone, which does not
 * match its own event shape [2].
 * @param base - univariate distribution with a `cdf`.
 * @param leftCensored - 0/1 indicator, broadcast with `base.batchShape`.
 * @param rightCensored - 0/1 indicator.
 * @example
 * new IntervalCensoredDistribution(new Exponential(1), 0, 1).logProb([2, Infinity]).item(); // → -2
 */
export class IntervalCensoredDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    leftCensored: boolean,
    rightCensored: boolean,
  };
  readonly baseDist: Distribution;
  readonly leftCensored: Tensor;
  readonly rightCensored: Tensor;
  constructor(
    base: Distribution,
    leftCensored: TensorLike,
    rightCensored: TensorLike,
    options?: DistributionOptions,
  ) {
    const { batchShape, flags } = censoredSetup("IntervalCensoredDistribution", base, [
      leftCensored,
      rightCensored,
    ]);
    super(batchShape, [2], options, { leftCensored: flags[0], rightCensored: flags[1] });
    this.baseDist = base;
    [this.leftCensored, this.rightCensored] = flags as [Tensor, Tensor];
  }
  override get support(): Constraint {
    return independent(this.baseDist.support, 1);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const x = this.baseDist.expand(this.batchShape).sample(key, sampleShape);
    return stackLast([x, x]);
  }
  /** Masks (left only, right only, interval, double, point) for the bounds x1, x2. */
  #masks(x1: Tensor, x2: Tensor): [Tensor, Tensor, Tensor, Tensor, Tensor] {
    const l = ne(this.leftCensored, 0);
    const r = ne(this.rightCensored, 0);
    const mLeft = and(l, not(r));
    const mRight = and(r, not(l));
    const neither = and(not(l), not(r));
    const close = or(eq(x1, x2), le(abs(sub(x1, x2)), add(1e-8, mul(1e-5, abs(x2)))));
    const mPoint = and(close, neither);
    return [mLeft, mRight, and(neither, not(mPoint)), and(l, r), mPoint];
  }
  logProb(value: TensorLike): Tensor {
    const v = asTensor(value);
    this.validateSample(v);
    const x1 = bound(v, 0);
    const x2 = bound(v, 1);
    const [mLeft, mRight, mInt, mDouble, mPoint] = this.#masks(x1, x2);
    const feasible = this.baseDist.support.feasibleLike(x1);
    const f1 = where(mLeft, 0, this.baseDist.cdf(where(mLeft, feasible, x1)));
    const f2 = where(mRight, 1, this.baseDist.cdf(where(mRight, feasible, x2)));
    const F1 = minimum(maximum(f1, CDF_MIN), 1 - EPS);
    const F2 = minimum(maximum(f2, CDF_MIN), 1 - EPS);
    const logF1 = log(F1);
    const logF2 = log(F2);
    const diff = minimum(sub(logF1, logF2), -CDF_MIN);
    let lpInterval = add(logF2, log1p(neg(exp(diff))));
    lpInterval = where(mPoint, this.baseDist.logProb(x1), lpInterval);
    let lp = mul(logF1, 0);
    lp = where(mLeft, logF2, lp);
    lp = where(mRight, log1p(neg(F1)), lp);
    lp = where(mInt, lpInterval, lp);
    lp = where(mDouble, log1mexp(lpInterval), lp);
    // NumPyro 0.21 documents log f for point intervals, but its code drops them (returns 0); Phlox follows
    // the documentation
    return where(mPoint, lpInterval, lp);
  }
  /**
   * With validation on: the last axis must hold (lower, upper), and the bounds each row uses must lie in the
   * base support (upper when left-censored, lower when right-censored, both otherwise).
   */
  protected override validateSample(value: TensorLike): void {
    if (!this.validateArgs) return;
    const v = asTensor(value);
    if (v.shape[v.shape.length - 1] !== 2) {
      throw new ShapeError(
        "distribution-value-shape",
        `IntervalCensoredDistribution.logProb: value of shape [${v.shape.join(", ")}] must end in an axis of ` +
          "size 2 holding (lower, upper).",
      );
    }
    const x1 = bound(v, 0);
    const x2 = bound(v, 1);
    const [mLeft, mRight] = this.#masks(x1, x2);
    const in1 = this.baseDist.support.check(x1);
    const in2 = this.baseDist.support.check(x2);
    const ok = where(mLeft, in2, where(mRight, in1, and(in1, in2)));
    const bad = values(ok).findIndex((b) => !b);
    if (bad >= 0) {
      const pairs = values(v);
      throw new ConstraintError(
        "distribution-value-outside-support",
        `IntervalCensoredDistribution.logProb: interval ${bad} (${pairs[2 * bad]}, ${pairs[2 * bad + 1]}) has a ` +
          `bound outside the support ${this.baseDist.support.name} of ${this.baseDist.name} (the upper bound ` +
          "is used when left-censored, the lower when right-censored, both otherwise).",
      );
    }
  }
}
