import type { Constraint } from "../constraints/constraint.js";
import type { Categorical } from "../discrete/categorical.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { oneHot } from "../internal/categorical-helpers.js";
import { mixingLogProbs, select } from "../internal/mixture-helpers.js";
import {
  add,
  concatenate,
  type Key,
  logSumExp,
  mul,
  PhloxError,
  reshape,
  splitKey,
  sum,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";

/**
 * A finite mixture of distinct component distributions with equal batch and event shapes:
 * log p(x) = logsumexp_k(log wₖ + log pₖ(x)).
 * @example
 * new Mixture(new Categorical({ probs: [0.5, 0.5] }), [new Normal(0, 1), new Normal(0, 1)]).logProb(0).item(); // → -0.9189385332046727
 */
export class Mixture extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  readonly mixingDistribution: Categorical;
  readonly componentDistributions: readonly Distribution[];
  constructor(mixing: Categorical, components: readonly Distribution[], options?: DistributionOptions) {
    const first = components[0];
    if (!first || components.length !== mixing.numCategories) {
      throw new PhloxError(
        "distribution-mixture-shape",
        `Mixture: ${components.length} components for a mixing distribution over ${mixing.numCategories}.`,
      );
    }
    super(mixing.batchShape, first.eventShape, options);
    this.mixingDistribution = mixing;
    this.componentDistributions = [...components];
  }
  override get support(): Constraint {
    return this.componentDistributions[0]!.support;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const keys = splitKey(key, this.componentDistributions.length + 1);
    const e = this.eventDim;
    const draws = concatenate(
      this.componentDistributions.map((d, i) => {
        const s = d.expand(this.batchShape).sample(keys[i]!, sampleShape);
        const cut = s.shape.length - e;
        return reshape(s, [...s.shape.slice(0, cut), 1, ...s.shape.slice(cut)]);
      }),
      -1 - e,
    );
    const idx = this.mixingDistribution.sample(keys[keys.length - 1]!, sampleShape);
    return select(draws, oneHot(idx, this.componentDistributions.length), e);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const lps = this.componentDistributions.map((d) => {
      const lp = d.logProb(value);
      return reshape(lp, [...lp.shape, 1]);
    });
    return logSumExp(add(concatenate(lps, -1), mixingLogProbs(this.mixingDistribution)), -1);
  }
  /** Σₖ wₖ Fₖ(x) for univariate components. */
  override cdf(value: TensorLike): Tensor {
    const cs = this.componentDistributions.map((d) => {
      const c = d.cdf(value);
      return reshape(c, [...c.shape, 1]);
    });
    return sum(mul(concatenate(cs, -1), this.mixingDistribution.probs), -1);
  }
  override get mean(): Tensor {
    const p = this.mixingDistribution.probs;
    const e = this.eventDim;
    const ms = this.componentDistributions.map((d) => {
      const m = d.mean;
      const cut = m.shape.length - e;
      return reshape(m, [...m.shape.slice(0, cut), 1, ...m.shape.slice(cut)]);
    });
    return sum(mul(concatenate(ms, -1 - e), reshape(p, [...p.shape, ...new Array(e).fill(1)])), -1 - e);
  }
}
