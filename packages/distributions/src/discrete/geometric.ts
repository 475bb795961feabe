import { type Constraint, nonnegativeInteger, real, unitInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { type ProbsOrLogits, probsOrLogits } from "../internal/bernoulli-helpers.js";
import {
  add,
  div,
  floor,
  type Key,
  log,
  log1p,
  mul,
  neg,
  sigmoid,
  softplus,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  xlog1py,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Geometric(probs p | logits): number of failures before the first success; log p(k) = k log(1−p) + log p.
 * @example
 * new Geometric({ probs: 0.5 }).logProb(1).item(); // → -1.3862943611198906
 */
export class Geometric extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    probs: unitInterval,
    logits: real,
  };
  static override readonly support: Constraint = nonnegativeInteger;
  readonly probs: Tensor;
  private readonly logitsParam: Tensor | undefined;
  constructor(p: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    const { value, isLogits } = probsOrLogits("Geometric", p);
    const { ps, batchShape } = promote("Geometric", value);
    super(batchShape, [], options, isLogits ? { logits: ps[0] } : { probs: ps[0] });
    this.probs = isLogits ? sigmoid(ps[0]!) : ps[0]!;
    this.logitsParam = isLogits ? ps[0] : undefined;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const u = uniform(key, this.shape(sampleShape));
    return floor(div(log1p(neg(u)), log1p(neg(this.probs))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const l = this.logitsParam;
    if (l) return sub(mul(neg(value), softplus(l)), softplus(neg(l)));
    return add(xlog1py(value, neg(this.probs)), log(this.probs));
  }
  override get mean(): Tensor {
    return div(sub(1, this.probs), this.probs);
  }
  override get variance(): Tensor {
    return div(sub(1, this.probs), square(this.probs));
  }
}
