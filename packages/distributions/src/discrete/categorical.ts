import {
  type Constraint,
  type IntegerInterval,
  integerInterval,
  realVector,
  simplex,
} from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { type ProbsOrLogits, probsOrLogits } from "../internal/bernoulli-helpers.js";
import { logProbs, oneHotMask } from "../internal/categorical-helpers.js";
import {
  arange,
  asTensor,
  broadcastTo,
  categoricalSample,
  exp,
  isfinite,
  type Key,
  logSumExp,
  mul,
  neg,
  reshape,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  where,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";

/**
 * Categorical over {0, …, K−1} with `probs` `[..., K]` (a simplex) or unnormalised `logits` `[..., K]`.
 * @example
 * new Categorical({ probs: [0.25, 0.75] }).logProb(1).item(); // → -0.2876820724517809
 */
export class Categorical extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    probs: simplex,
    logits: realVector,
  };
  static override readonly hasEnumerateSupport = true;
  private readonly param: Tensor;
  private readonly isLogits: boolean;
  readonly numCategories: number;
  constructor(p: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    const { value, isLogits } = probsOrLogits("Categorical", p);
    const t = toFloat(asTensor(value));
    super(t.shape.slice(0, -1), [], options, isLogits ? { logits: t } : { probs: t });
    this.param = t;
    this.isLogits = isLogits;
    this.numCategories = t.shape[t.shape.length - 1]!;
  }
  override get support(): IntegerInterval {
    return integerInterval(0, this.numCategories - 1);
  }
  /** Normalised log-probabilities `[..., K]`. */
  get logits(): Tensor {
    return this.isLogits ? sub(this.param, logSumExp(this.param, -1, true)) : logProbs(this.param);
  }
  /** Probabilities `[..., K]`. */
  get probs(): Tensor {
    return this.isLogits ? exp(this.logits) : this.param;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return categoricalSample(key, this.logits, this.shape(sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const v = asTensor(value);
    const shape = broadcastShapes("Categorical.logProb", v.shape, this.batchShape);
    const lp = this.logits;
    // select (not multiply) the observed entry, so a −∞ entry elsewhere cannot turn 0·(−∞) into NaN
    const oh = oneHotMask(broadcastTo(v, shape), this.numCategories);
    return sum(where(oh, lp, 0), -1);
  }
  override get mean(): Tensor {
    return broadcastTo(Number.NaN, this.batchShape);
  }
  override get variance(): Tensor {
    return broadcastTo(Number.NaN, this.batchShape);
  }
  override entropy(): Tensor {
    // 0·log 0 = 0: zero-probability entries contribute nothing (and no NaN gradient)
    const lp = this.logits;
    return neg(sum(mul(exp(lp), where(isfinite(lp), lp, 0)), -1));
  }
  override enumerateSupport(expand = true): Tensor {
    const k = this.numCategories;
    const v = reshape(arange(k), [k, ...this.batchShape.map(() => 1)]);
    return expand ? broadcastTo(v, [k, ...this.batchShape]) : v;
  }
}
