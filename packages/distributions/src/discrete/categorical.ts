import { type Constraint, IntegerInterval, integerInterval, real, realVector, simplex } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  arange,
  asTensor,
  broadcastTo,
  categoricalSample,
  eq,
  exp,
  log,
  logSumExp,
  mul,
  neg,
  reshape,
  sub,
  sum,
  type Key,
  type Tensor,
  type TensorLike,
  toFloat,
  sigmoid,
  concatenate,

  zeros,
  ones,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { type ProbsOrLogits, probsOrLogits } from "./bernoulli.js";

/** One-hot encoding of integer-valued `value` over `k` classes (float, trailing axis k). */
export function oneHot(value: TensorLike, k: number): Tensor {
  const v = asTensor(value);
  return toFloat(eq(reshape(v, [...v.shape, 1]), arange(k)));
}

/**
 * Categorical over {0, …, K−1} with `probs` `[..., K]` (a simplex) or unnormalised `logits` `[..., K]`.
 * @example
 * new Categorical({ probs: [0.25, 0.75] }).logProb(1).item(); // → -0.2876820724517809
 */
export class Categorical extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { probs: simplex, logits: realVector };
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
    return this.isLogits ? sub(this.param, logSumExp(this.param, -1, true)) : log(this.param);
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
    const oh = oneHot(broadcastTo(v, shape), this.numCategories);
    return sum(mul(oh, lp), -1);
  }
  override get mean(): Tensor {
    return broadcastTo(Number.NaN, this.batchShape);
  }
  override get variance(): Tensor {
    return broadcastTo(Number.NaN, this.batchShape);
  }
  override entropy(): Tensor {
    const lp = this.logits;
    return neg(sum(mul(exp(lp), lp), -1));
  }
  override enumerateSupport(expand = true): Tensor {
    const k = this.numCategories;
    const v = reshape(arange(k), [k, ...this.batchShape.map(() => 1)]);
    return expand ? broadcastTo(v, [k, ...this.batchShape]) : v;
  }
}

/**
 * OrderedLogistic(predictor η, cutpoints c `[..., K−1]`): a Categorical over K ordered classes with
 * P(Y ≤ k) = σ(c_k − η).
 */
export class OrderedLogistic extends Categorical {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { predictor: real };
  readonly predictor: Tensor;
  readonly cutpoints: Tensor;
  constructor(predictor: TensorLike, cutpoints: TensorLike, options?: DistributionOptions) {
    const eta = asTensor(predictor);
    const c = asTensor(cutpoints);
    const shape = broadcastShapes("OrderedLogistic", [...eta.shape, 1], c.shape);
    const cum = sigmoid(sub(broadcastTo(c, shape), broadcastTo(reshape(eta, [...eta.shape, 1]), shape)));
    const batch = shape.slice(0, -1);
    const upper = concatenate([cum, ones([...batch, 1])], -1);
    const lower = concatenate([zeros([...batch, 1]), cum], -1);
    super({ probs: sub(upper, lower) }, options);
    this.predictor = eta;
    this.cutpoints = c;
  }
}

