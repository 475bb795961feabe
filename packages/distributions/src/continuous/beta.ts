import { type Constraint, positive, unitInterval, openInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  betaln,
  digamma,
  div,
  exp,
  expm1,
  gammaSample,
  type Key,
  log,
  log1p,
  mul,
  neg,
  pow,
  splitKey,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  xlog1py,
  xlogy,
} from "../internal/ops.js";
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
    const [k1, k0] = splitKey(key, 2) as [Key, Key];
    const shape = this.shape(sampleShape);
    const g1 = gammaSample(k1, this.concentration1, shape);
    const g0 = gammaSample(k0, this.concentration0, shape);
    return div(g1, add(g1, g0));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration1;
    const b = this.concentration0;
    return sub(add(xlogy(sub(a, 1), value), xlog1py(sub(b, 1), neg(value))), betaln(a, b));
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

/**
 * Beta parametrised by its mean μ ∈ (0, 1) and concentration κ: Beta(μκ, (1−μ)κ).
 */
export class BetaProportion extends Beta {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    mean: openInterval(0, 1),
    concentration: positive,
  };
  readonly concentration: Tensor;
  private readonly meanParam: Tensor;
  constructor(mean: TensorLike, concentration: TensorLike, options?: DistributionOptions) {
    const { ps } = promote("BetaProportion", mean, concentration);
    const [m, c] = ps as [Tensor, Tensor];
    super(mul(m, c), mul(sub(1, m), c), options);
    this.meanParam = m;
    this.concentration = c;
  }
  override get mean(): Tensor {
    return this.meanParam;
  }
}

/**
 * Kumaraswamy(a = concentration1, b = concentration0): log p(x) = log a + log b + (a−1) log x + (b−1) log(1−xᵃ).
 */
export class Kumaraswamy extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration1: positive,
    concentration0: positive,
  };
  static override readonly support: Constraint = unitInterval;
  static override readonly hasRsample = true;
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  constructor(concentration1: TensorLike, concentration0: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Kumaraswamy", concentration1, concentration0);
    super(batchShape, [], options, { concentration1: ps[0], concentration0: ps[1] });
    [this.concentration1, this.concentration0] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const u = uniform(key, this.shape(sampleShape));
    // x = (1 − (1 − u)^{1/b})^{1/a}
    const inner = neg(expm1(div(log1p(neg(u)), this.concentration0)));
    return pow(inner, div(1, this.concentration1));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration1;
    const b = this.concentration0;
    return add(
      add(add(log(a), log(b)), xlogy(sub(a, 1), value)),
      xlog1py(sub(b, 1), neg(pow(value, a))),
    );
  }
  override get mean(): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    return mul(b, exp(betaln(add(1, div(1, a)), b)));
  }
  override get variance(): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const m2 = mul(b, exp(betaln(add(1, div(2, a)), b)));
    return sub(m2, square(this.mean));
  }
}


