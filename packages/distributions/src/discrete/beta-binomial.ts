import {
  type Constraint,
  type IntegerInterval,
  integerInterval,
  nonnegativeInteger,
  positive,
} from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  arange,
  betaln,
  binomialSample,
  broadcastTo,
  div,
  gammaSample,
  type Key,
  lgamma,
  mul,
  reshape,
  splitKey,
  square,
  sub,
  type Tensor,
  type TensorLike,
  values,
} from "../internal/ops.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * BetaBinomial(concentration1 α, concentration0 β, totalCount n): Binomial with a Beta(α, β) probability.
 * @example
 * new BetaBinomial(1, 1, 4).logProb(2).item(); // → -1.6094379124341003
 */
export class BetaBinomial extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration1: positive,
    concentration0: positive,
    totalCount: nonnegativeInteger,
  };
  static override readonly hasEnumerateSupport = true;
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  readonly totalCount: Tensor;
  constructor(
    concentration1: TensorLike,
    concentration0: TensorLike,
    totalCount: TensorLike = 1,
    options?: DistributionOptions,
  ) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("BetaBinomial", arguments, ["concentration1", "concentration0", "totalCount"]);
    const { ps, batchShape } = promote("BetaBinomial", concentration1, concentration0, totalCount);
    super(batchShape, [], options, { concentration1: ps[0], concentration0: ps[1], totalCount: ps[2] });
    [this.concentration1, this.concentration0, this.totalCount] = ps as [Tensor, Tensor, Tensor];
  }
  override get support(): IntegerInterval {
    return integerInterval(0, this.totalCount);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k0, kb] = splitKey(key, 3) as [Key, Key, Key];
    const shape = this.shape(sampleShape);
    const g1 = gammaSample(k1, this.concentration1, shape);
    const g0 = gammaSample(k0, this.concentration0, shape);
    return binomialSample(kb, this.totalCount, div(g1, add(g1, g0)), shape);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.totalCount;
    const a = this.concentration1;
    const b = this.concentration0;
    const lc = sub(sub(lgamma(add(n, 1)), lgamma(add(value, 1))), lgamma(add(sub(n, value), 1)));
    return add(lc, sub(betaln(add(value, a), add(sub(n, value), b)), betaln(a, b)));
  }
  override get mean(): Tensor {
    return div(mul(this.totalCount, this.concentration1), add(this.concentration1, this.concentration0));
  }
  override get variance(): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const n = this.totalCount;
    const t = add(a, b);
    return div(mul(mul(mul(n, a), b), add(t, n)), mul(square(t), add(t, 1)));
  }
  override enumerateSupport(expand = true): Tensor {
    const ns = values(this.totalCount);
    const n = ns[0] ?? 0;
    const v = reshape(arange(n + 1), [n + 1, ...this.batchShape.map(() => 1)]);
    return expand ? broadcastTo(v, [n + 1, ...this.batchShape]) : v;
  }
}
