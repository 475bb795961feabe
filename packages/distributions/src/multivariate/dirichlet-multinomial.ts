import {
  type Constraint,
  independent,
  type MultinomialConstraint,
  multinomial,
  positive,
} from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { counts, lgammaScalar, scalarCount } from "../internal/multinomial-helpers.js";
import {
  add,
  asTensor,
  div,
  gammaSample,
  type Key,
  lgamma,
  log,
  mul,
  splitKey,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
} from "../internal/ops.js";
import { rejectUndefinedArgs } from "../internal/util.js";

/**
 * DirichletMultinomial(concentration α `[..., K]`, totalCount n): Multinomial with Dirichlet(α) probabilities;
 * log p(x) = log n! + lgamma(α₀) − lgamma(n + α₀) + Σ [lgamma(xᵢ + αᵢ) − lgamma(αᵢ) − log xᵢ!].
 * @example
 * new DirichletMultinomial([1, 1], 2).logProb([1, 1]).item(); // → -1.0986122886681098
 */
export class DirichletMultinomial extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: independent(positive, 1),
  };
  readonly concentration: Tensor;
  readonly totalCount: number;
  constructor(concentration: TensorLike, totalCount: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("DirichletMultinomial", arguments, ["concentration", "totalCount"]);
    const c = toFloat(asTensor(concentration));
    super(c.shape.slice(0, -1), c.shape.slice(-1), options, { concentration: c });
    this.concentration = c;
    this.totalCount = scalarCount("DirichletMultinomial", totalCount);
  }
  override get support(): MultinomialConstraint {
    return multinomial(this.totalCount);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const g = gammaSample(k1, this.concentration, this.shape(sampleShape));
    const p = div(g, sum(g, -1, true));
    return counts(k2, log(p), this.totalCount, [...sampleShape, ...this.batchShape], this.eventShape[0]!);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.totalCount;
    const a = this.concentration;
    const a0 = sum(a, -1);
    const x = asTensor(value);
    const head = sub(add(lgammaScalar(n + 1), lgamma(a0)), lgamma(add(a0, n)));
    return add(head, sum(sub(sub(lgamma(add(x, a)), lgamma(a)), lgamma(add(x, 1))), -1));
  }
  override get mean(): Tensor {
    const a = this.concentration;
    return mul(div(a, sum(a, -1, true)), this.totalCount);
  }
}
