import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { LOG_PI } from "../internal/heavy-tailed-helpers.js";
import {
  add,
  div,
  type Key,
  log,
  log1p,
  mul,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { tan } from "../internal/ops-extra.js";
import { atan, promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Half-Cauchy: |X| for X ~ Cauchy(0, scale); log p(x) = log 2 − log π − log σ − log(1 + (x/σ)²), x ≥ 0.
 * @example
 * new HalfCauchy(1).cdf(1).item(); // → 0.5
 */
export class HalfCauchy extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { scale: positive };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  constructor(scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("HalfCauchy", arguments, ["scale"]);
    const { ps, batchShape } = promote("HalfCauchy", scale);
    super(batchShape, [], options, { scale: ps[0] });
    this.scale = ps[0]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(value, this.scale);
    return sub(sub(mul(-1, log1p(square(z))), log(this.scale)), LOG_PI - Math.LN2);
  }
  override cdf(value: TensorLike): Tensor {
    return mul(2 / Math.PI, atan(div(value, this.scale)));
  }
  override icdf(q: TensorLike): Tensor {
    return mul(this.scale, tan(mul(Math.PI / 2, q)));
  }
  override get mean(): Tensor {
    return add(mul(this.scale, 0), Number.POSITIVE_INFINITY);
  }
  override get variance(): Tensor {
    return add(mul(this.scale, 0), Number.POSITIVE_INFINITY);
  }
  override entropy(): Tensor {
    return add(log(this.scale), Math.log(2 * Math.PI));
  }
}
