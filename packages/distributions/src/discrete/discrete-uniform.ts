import { type Constraint, type IntegerInterval, integerInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  arange,
  broadcastTo,
  div,
  floor,
  type Key,
  log,
  mul,
  neg,
  reshape,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  values,
} from "../internal/ops.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * DiscreteUniform(low, high): uniform over the integers low, …, high; log p = −log(high − low + 1).
 * @example
 * new DiscreteUniform(0, 3).logProb(1).item(); // → -1.3862943611198906
 */
export class DiscreteUniform extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  static override readonly hasEnumerateSupport = true;
  readonly low: Tensor;
  readonly high: Tensor;
  constructor(low: TensorLike = 0, high: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("DiscreteUniform", arguments, ["low", "high"]);
    const { ps, batchShape } = promote("DiscreteUniform", low, high);
    super(batchShape, [], options, {});
    [this.low, this.high] = ps as [Tensor, Tensor];
  }
  override get support(): IntegerInterval {
    return integerInterval(this.low, this.high);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const u = uniform(key, this.shape(sampleShape));
    return floor(add(this.low, mul(u, add(sub(this.high, this.low), 1))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return add(neg(log(add(sub(this.high, this.low), 1))), mul(value, 0));
  }
  override get mean(): Tensor {
    return mul(add(this.low, this.high), 0.5);
  }
  override get variance(): Tensor {
    return div(sub(square(add(sub(this.high, this.low), 1)), 1), 12);
  }
  override enumerateSupport(expand = true): Tensor {
    const lo = values(this.low);
    const hi = values(this.high);
    const l0 = lo[0] ?? 0;
    const n = (hi[0] ?? 0) - l0 + 1;
    const v = reshape(add(arange(n), l0), [n, ...this.batchShape.map(() => 1)]);
    return expand ? broadcastTo(v, [n, ...this.batchShape]) : v;
  }
}
