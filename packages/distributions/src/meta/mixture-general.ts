import type { Constraint } from "../constraints/constraint.js";
import type { Categorical } from "../discrete/categorical.js";
import type { Distribution, DistributionOptions } from "../distribution.js";
import { add, concatenate, mul, reshape, square, sub, sum, type Tensor } from "../internal/ops.js";
import { Mixture } from "./mixture.js";

/** Options of {@link MixtureGeneral}: NumPyro's `support` override besides the usual ones. */
export interface MixtureGeneralOptions extends DistributionOptions {
  /** Support of the mixture; defaults to the first component's (NumPyro infers it from the components). */
  support?: Constraint;
}

/**
 * NumPyro's MixtureGeneral: a finite mixture of distinct component distributions (same batch and event
 * shapes) with a Categorical `mixingDistribution`; log p(x) = logsumexp_k(log wₖ + log pₖ(x)),
 * F(x) = Σₖ wₖFₖ(x), mean Σₖ wₖμₖ, variance Σₖ wₖσₖ² + Σₖ wₖ(μₖ − μ)² (law of total variance).
 * It is {@link Mixture} with NumPyro's name, an optional `support` and the variance.
 * @param mixing - Categorical over the components, batch-shaped like them.
 * @param components - the component distributions.
 * @param options - `support` and `validateArgs`.
 * @example
 * new MixtureGeneral(new Categorical({ probs: [0.5, 0.5] }), [new Normal(-1, 1), new Normal(1, 1)]).variance.item(); // → 2
 */
export class MixtureGeneral extends Mixture {
  readonly #support: Constraint | undefined;
  constructor(mixing: Categorical, components: readonly Distribution[], options: MixtureGeneralOptions = {}) {
    const { support, ...rest } = options;
    super(mixing, components, rest);
    this.#support = support;
  }
  override get support(): Constraint {
    return this.#support ?? super.support;
  }
  override get variance(): Tensor {
    const p = this.mixingDistribution.probs;
    const e = this.eventDim;
    const pw = reshape(p, [...p.shape, ...new Array(e).fill(1)]);
    const stack = (ts: Tensor[]): Tensor =>
      concatenate(
        ts.map((t) => {
          const cut = t.shape.length - e;
          return reshape(t, [...t.shape.slice(0, cut), 1, ...t.shape.slice(cut)]);
        }),
        -1 - e,
      );
    const means = stack(this.componentDistributions.map((d) => d.mean));
    const vars = stack(this.componentDistributions.map((d) => d.variance));
    const m = this.mean;
    const dev = square(
      sub(
        means,
        reshape(m, [...m.shape.slice(0, m.shape.length - e), 1, ...m.shape.slice(m.shape.length - e)]),
      ),
    );
    return add(sum(mul(pw, vars), -1 - e), sum(mul(pw, dev), -1 - e));
  }
}
