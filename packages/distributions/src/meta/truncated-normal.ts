import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Normal } from "../continuous/normal.js";
import type { DistributionOptions } from "../distribution.js";
import {
  add,
  broadcastTo,
  div,
  exp,
  gt,
  mul,
  square,
  sub,
  type Tensor,
  type TensorLike,
  where,
} from "../internal/ops.js";
import type { TruncationBounds } from "../internal/truncated-helpers.js";
import { HALF_LOG_2PI } from "../internal/util.js";
import { TruncatedDistribution } from "./truncated-distribution.js";

/**
 * Normal(loc, scale) truncated to [low, high] (either optional), with closed-form mean and variance.
 * @example
 * new TruncatedNormal(0, 1, { low: 0 }).mean.item(); // → 0.7978845608028654
 */
export class TruncatedNormal extends TruncatedDistribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
    low: real,
    high: real,
  };
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike, scale: TensorLike, bounds: TruncationBounds, options?: DistributionOptions) {
    const base = new Normal(loc, scale, options);
    super(base, bounds, options);
    this.loc = base.loc;
    this.scale = base.scale;
  }
  private std(bound: Tensor | undefined, fill: number): Tensor {
    return bound ? div(sub(bound, this.loc), this.scale) : broadcastTo(fill, this.batchShape);
  }
  private moments(): { a: Tensor; b: Tensor; pa: Tensor; pb: Tensor; z: Tensor } {
    const a = this.std(this.low, Number.NEGATIVE_INFINITY);
    const b = this.std(this.high, Number.POSITIVE_INFINITY);
    const phi = (x: Tensor): Tensor => exp(sub(mul(-0.5, square(x)), HALF_LOG_2PI));
    const std = new Normal(0, 1);
    const mass = sub(std.cdf(b), std.cdf(a));
    return { a, b, pa: phi(a), pb: phi(b), z: mass };
  }
  override get mean(): Tensor {
    const { pa, pb, z } = this.moments();
    return add(this.loc, mul(this.scale, div(sub(pa, pb), z)));
  }
  override get variance(): Tensor {
    const { a, b, pa, pb, z } = this.moments();
    const fin = (x: Tensor, p: Tensor): Tensor => where(gt(p, 0), mul(x, p), 0);
    const t1 = div(sub(fin(a, pa), fin(b, pb)), z);
    const t2 = square(div(sub(pa, pb), z));
    return mul(square(this.scale), sub(add(1, t1), t2));
  }
}
