import { type Constraint, greaterThan, interval, lessThan, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  div,
  gt,
  type Key,
  log,
  mul,
  PhloxError,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { hasLoc, SYMMETRIC, type TruncationBounds } from "../internal/truncated-helpers.js";

/**
 * A univariate distribution restricted to [low, high] (either bound optional) and renormalised
 * (NumPyro `TruncatedDistribution`, `LeftTruncatedDistribution`, `RightTruncatedDistribution`,
 * `TwoSidedTruncatedDistribution`). Needs `cdf`/`icdf` on the base. For bases symmetric about `loc`
 * (Normal, Cauchy, Laplace, Logistic, SoftLaplace, StudentT) the mass is computed in the far tail by
 * reflection, so bounds deep in a tail keep their accuracy.
 * @example
 * new TruncatedDistribution(new Normal(0, 1), { low: 0 }).logProb(0).item(); // → -0.22579135264472738
 */
export class TruncatedDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { low: real, high: real };
  static override readonly hasRsample = true;
  readonly baseDist: Distribution;
  readonly low: Tensor | undefined;
  readonly high: Tensor | undefined;
  constructor(base: Distribution, bounds: TruncationBounds, options?: DistributionOptions) {
    if (base.eventDim !== 0) {
      throw new PhloxError(
        "distribution-truncated",
        "TruncatedDistribution: the base distribution must be univariate.",
      );
    }
    if (bounds.low === undefined && bounds.high === undefined) {
      throw new PhloxError(
        "distribution-truncated",
        "TruncatedDistribution: give at least one of low or high.",
      );
    }
    const low = bounds.low === undefined ? undefined : asTensor(bounds.low);
    const high = bounds.high === undefined ? undefined : asTensor(bounds.high);
    const batch = broadcastShapes(
      "TruncatedDistribution",
      base.batchShape,
      low?.shape ?? [],
      high?.shape ?? [],
    );
    super(batch, [], options ?? { validateArgs: base.validateArgs }, { low, high });
    this.baseDist = base;
    this.low = low;
    this.high = high;
  }
  override get support(): Constraint {
    if (this.low && this.high) return interval(this.low, this.high);
    if (this.low) return greaterThan(this.low);
    return lessThan(this.high!);
  }
  private get reflect(): Tensor | undefined {
    // For symmetric bases, reflect through loc when the lower bound sits above it.
    const b = this.baseDist;
    if (!this.low || !SYMMETRIC.has(b.constructor.name) || !hasLoc(b)) return undefined;
    return gt(this.low, b.loc);
  }
  /** F(low) and the mass Z = F(high) − F(low), with the reflected forms where that is more accurate. */
  private mass(): { cdfLow: Tensor; z: Tensor } {
    const b = this.baseDist;
    const cdfLow = this.low ? b.cdf(this.low) : broadcastTo(0, this.batchShape);
    const cdfHigh = this.high ? b.cdf(this.high) : broadcastTo(1, this.batchShape);
    let z = sub(cdfHigh, cdfLow);
    const r = this.reflect;
    if (r && hasLoc(b)) {
      const twoLoc = mul(2, b.loc);
      const sLow = b.cdf(sub(twoLoc, this.low!));
      const sHigh = this.high ? b.cdf(sub(twoLoc, this.high)) : broadcastTo(0, this.batchShape);
      z = where(r, sub(sLow, sHigh), z);
    }
    return { cdfLow, z };
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return sub(this.baseDist.logProb(value), log(this.mass().z));
  }
  override cdf(value: TensorLike): Tensor {
    const b = this.baseDist;
    const { cdfLow, z } = this.mass();
    const direct = div(sub(b.cdf(value), cdfLow), z);
    const r = this.reflect;
    if (!r || !hasLoc(b)) return direct;
    // reflected: (S(low) − S(x))/Z with S(t) = F(2·loc − t)
    const twoLoc = mul(2, b.loc);
    const reflected = div(sub(b.cdf(sub(twoLoc, this.low!)), b.cdf(sub(twoLoc, value))), z);
    return where(r, reflected, direct);
  }
  override icdf(q: TensorLike): Tensor {
    const b = this.baseDist;
    const { cdfLow, z } = this.mass();
    const direct = b.icdf(add(cdfLow, mul(q, z)));
    const r = this.reflect;
    if (!r || !hasLoc(b)) return direct;
    // reflected: x = 2·loc − F⁻¹(S(low) − q·Z)
    const twoLoc = mul(2, b.loc);
    const sLow = b.cdf(sub(twoLoc, this.low!));
    const reflected = sub(twoLoc, b.icdf(sub(sLow, mul(q, z))));
    return where(r, reflected, direct);
  }
}
