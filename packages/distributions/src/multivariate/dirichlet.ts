import { type Constraint, independent, positive, simplex } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  digamma,
  dirichletSample,
  div,
  type Key,
  lgamma,
  mul,
  reshape,
  stopGradient,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  xlogy,
} from "../internal/ops.js";
import { gammaRsample } from "../internal/special.js";

/**
 * Dirichlet(concentration α `[..., K]`) on the simplex:
 * log p(x) = Σ (αᵢ−1) log xᵢ − Σ lgamma(αᵢ) + lgamma(Σ αᵢ).
 * @example
 * new Dirichlet([1, 1, 1]).logProb([0.2, 0.3, 0.5]).item(); // → 0.6931471805599453
 */
export class Dirichlet extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: independent(positive, 1),
  };
  static override readonly support: Constraint = simplex;
  static override readonly hasRsample = true;
  readonly concentration: Tensor;
  constructor(concentration: TensorLike, options?: DistributionOptions) {
    const c = toFloat(asTensor(concentration));
    super(c.shape.slice(0, -1), c.shape.slice(-1), options, { concentration: c });
    this.concentration = c;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const g = gammaRsample(key, this.concentration, this.shape(sampleShape));
    return div(g, sum(g, -1, true));
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    // The same Gamma draws, normalised in log space where all of them underflow (tiny concentrations).
    const shape = this.shape(sampleShape);
    return stopGradient(dirichletSample(key, this.concentration, shape.slice(0, -1)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration;
    const norm = sub(lgamma(sum(a, -1)), sum(lgamma(a), -1));
    return add(sum(xlogy(sub(a, 1), value), -1), norm);
  }
  private get a0(): Tensor {
    const s = sum(this.concentration, -1);
    return reshape(s, [...s.shape, 1]);
  }
  override get mean(): Tensor {
    return div(this.concentration, this.a0);
  }
  override get variance(): Tensor {
    const a0 = this.a0;
    const m = div(this.concentration, a0);
    return div(mul(m, sub(1, m)), add(a0, 1));
  }
  override entropy(): Tensor {
    const a = this.concentration;
    const k = a.shape[a.shape.length - 1]!;
    const a0 = sum(a, -1);
    const logB = sub(sum(lgamma(a), -1), lgamma(a0));
    return sub(add(logB, mul(sub(a0, k), digamma(a0))), sum(mul(sub(a, 1), digamma(a)), -1));
  }
}
