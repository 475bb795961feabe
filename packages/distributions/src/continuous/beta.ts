import { type Constraint, positive, unitInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  betaln,
  betaSample,
  digamma,
  div,
  gammaSample,
  type Key,
  mul,
  neg,
  splitKey,
  square,
  stopGradient,
  sub,
  type Tensor,
  type TensorLike,
  xlog1py,
  xlogy,
} from "../internal/ops.js";
import { betainc, betaincinv, gammaRsample } from "../internal/special.js";
import { promote } from "../internal/util.js";

/**
 * Beta(concentration1 α, concentration0 β): log p(x) = (α−1) log x + (β−1) log(1−x) − log B(α, β).
 * @example
 * new Beta(2, 2).mean.item(); // → 0.5
 */
export class Beta extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration1: positive,
    concentration0: positive,
  };
  static override readonly support: Constraint = unitInterval;
  static override readonly hasRsample = true;
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  constructor(concentration1: TensorLike, concentration0: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Beta", concentration1, concentration0);
    super(batchShape, [], options, { concentration1: ps[0], concentration0: ps[1] });
    [this.concentration1, this.concentration0] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.draw(key, sampleShape, true);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    // The same Gamma draws as `draw`, normalised in log space where both underflow (tiny concentrations).
    const shape = this.shape(sampleShape);
    return stopGradient(betaSample(key, this.concentration1, this.concentration0, shape));
  }
  private draw(key: Key, sampleShape: readonly number[], reparam: boolean): Tensor {
    const [k1, k0] = splitKey(key, 2) as [Key, Key];
    const shape = this.shape(sampleShape);
    const g = reparam ? gammaRsample : gammaSample;
    const g1 = g(k1, this.concentration1, shape);
    const g0 = g(k0, this.concentration0, shape);
    return div(g1, add(g1, g0));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration1;
    const b = this.concentration0;
    return sub(add(xlogy(sub(a, 1), value), xlog1py(sub(b, 1), neg(value))), betaln(a, b));
  }
  /** I_x(α, β), the regularised incomplete beta function. */
  override cdf(value: TensorLike): Tensor {
    return betainc(this.concentration1, this.concentration0, value);
  }
  /** I⁻¹(α, β; q) by Newton's method (see `betaincinv`). */
  override icdf(q: TensorLike): Tensor {
    return betaincinv(this.concentration1, this.concentration0, q);
  }
  override get mean(): Tensor {
    return div(this.concentration1, add(this.concentration1, this.concentration0));
  }
  override get variance(): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const t = add(a, b);
    return div(mul(a, b), mul(square(t), add(t, 1)));
  }
  override entropy(): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const t = add(a, b);
    return add(
      sub(sub(betaln(a, b), mul(sub(a, 1), digamma(a))), mul(sub(b, 1), digamma(b))),
      mul(sub(t, 2), digamma(t)),
    );
  }
}
