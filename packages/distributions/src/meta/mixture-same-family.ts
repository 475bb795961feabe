import type { Constraint } from "../constraints/constraint.js";
import type { Categorical } from "../discrete/categorical.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { oneHot } from "../internal/categorical-helpers.js";
import { mixingLogProbs, select } from "../internal/mixture-helpers.js";
import {
  add,
  asTensor,
  type Key,
  logSumExp,
  mul,
  PhloxError,
  reshape,
  splitKey,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { fmtShape } from "../internal/shape.js";

/**
 * A finite mixture whose components are one batched distribution: the rightmost batch axis of
 * `componentDistribution` (size K) indexes the components, `mixingDistribution` is a Categorical over K.
 * log p(x) = logsumexp_k(log wₖ + log pₖ(x)).
 * @example
 * new MixtureSameFamily(new Categorical({ probs: [0.5, 0.5] }), new Normal([-1, 1], 1)).batchShape; // → []
 */
export class MixtureSameFamily extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  readonly mixingDistribution: Categorical;
  readonly componentDistribution: Distribution;
  constructor(mixing: Categorical, component: Distribution, options?: DistributionOptions) {
    const cb = component.batchShape;
    const k = cb[cb.length - 1];
    if (k === undefined || k !== mixing.numCategories) {
      throw new PhloxError(
        "distribution-mixture-shape",
        `MixtureSameFamily: the component batch shape ${fmtShape(cb)} must end in the number of mixture ` +
          `components ${mixing.numCategories}. Give the components batch shape [..., ${mixing.numCategories}].`,
      );
    }
    super(cb.slice(0, -1), component.eventShape, options ?? { validateArgs: component.validateArgs });
    this.mixingDistribution = mixing;
    this.componentDistribution = component;
  }
  override get support(): Constraint {
    return this.componentDistribution.support;
  }
  get numComponents(): number {
    return this.mixingDistribution.numCategories;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const draws = this.componentDistribution.sample(k1, sampleShape); // [S, B, K, E]
    const idx = this.mixingDistribution.expand(this.batchShape).sample(k2, sampleShape); // [S, B]
    return select(draws, oneHot(idx, this.numComponents), this.eventDim);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const v = asTensor(value);
    const e = this.eventDim;
    const x = reshape(v, [...v.shape.slice(0, v.shape.length - e), 1, ...v.shape.slice(v.shape.length - e)]);
    const lp = this.componentDistribution.logProb(x); // [..., K]
    return logSumExp(add(lp, mixingLogProbs(this.mixingDistribution)), -1);
  }
  /** Σₖ wₖ Fₖ(x) for univariate components. */
  override cdf(value: TensorLike): Tensor {
    const v = asTensor(value);
    const c = this.componentDistribution.cdf(reshape(v, [...v.shape, 1]));
    return sum(mul(c, this.mixingDistribution.probs), -1);
  }
  private weights(): Tensor {
    const p = this.mixingDistribution.probs;
    return reshape(p, [...p.shape, ...new Array(this.eventDim).fill(1)]);
  }
  override get mean(): Tensor {
    return sum(mul(this.componentDistribution.mean, this.weights()), -1 - this.eventDim);
  }
  override get variance(): Tensor {
    const w = this.weights();
    const m = this.componentDistribution.mean;
    const second = sum(mul(add(this.componentDistribution.variance, square(m)), w), -1 - this.eventDim);
    return sub(second, square(this.mean));
  }
}
