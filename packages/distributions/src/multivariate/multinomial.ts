import { type Constraint, independent, MultinomialConstraint, multinomial, positive, simplex } from "../constraints/constraint.js";
import { type ProbsOrLogits, probsOrLogits } from "../discrete/bernoulli.js";
import { oneHot } from "../discrete/categorical.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  categoricalSample,
  div,
  exp,
  gammaSample,
  type Key,
  lgamma,
  log,
  logSumExp,
  mul,
  splitKey,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  values,
  xlogy,
} from "../internal/ops.js";

function counts(key: Key, logits: Tensor, n: number, batch: readonly number[], k: number): Tensor {
  const draws = categoricalSample(key, logits, [n, ...batch]);
  return sum(oneHot(draws, k), 0);
}

const scalarCount = (who: string, totalCount: TensorLike): number => {
  const vs = values(totalCount);
  const n = vs[0] ?? 0;
  if (!vs.every((v) => v === n) || !Number.isInteger(n) || n < 0) {
    throw new Error(`${who}: totalCount must be one nonnegative integer (got ${vs.slice(0, 4).join(", ")}).`);
  }
  return n;
};

/**
 * Multinomial(totalCount n, probs p `[..., K]` | logits): counts of n categorical draws;
 * log p(x) = log n! − Σ log xᵢ! + Σ xᵢ log pᵢ.
 */
export class Multinomial extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { probs: simplex };
  readonly totalCount: number;
  private readonly logitsN: Tensor;
  constructor(totalCount: TensorLike, p: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    const { value, isLogits } = probsOrLogits("Multinomial", p);
    const t = toFloat(asTensor(value));
    super(t.shape.slice(0, -1), t.shape.slice(-1), options, isLogits ? {} : { probs: t });
    this.totalCount = scalarCount("Multinomial", totalCount);
    this.logitsN = isLogits ? sub(t, logSumExp(t, -1, true)) : log(t);
  }
  override get support(): MultinomialConstraint {
    return multinomial(this.totalCount);
  }
  get probs(): Tensor {
    return exp(this.logitsN);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return counts(key, this.logitsN, this.totalCount, [...sampleShape, ...this.batchShape], this.eventShape[0]!);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.totalCount;
    const x = asTensor(value);
    return add(sub(lgammaScalar(n + 1), sum(lgamma(add(x, 1)), -1)), sum(xlogy(x, this.probs), -1));
  }
  override get mean(): Tensor {
    return mul(this.probs, this.totalCount);
  }
  override get variance(): Tensor {
    const p = this.probs;
    return mul(mul(p, sub(1, p)), this.totalCount);
  }
}

const lgammaScalar = (x: number): Tensor => lgamma(x);

/**
 * DirichletMultinomial(concentration α `[..., K]`, totalCount n): Multinomial with Dirichlet(α) probabilities;
 * log p(x) = log n! + lgamma(α₀) − lgamma(n + α₀) + Σ [lgamma(xᵢ + αᵢ) − lgamma(αᵢ) − log xᵢ!].
 */
export class DirichletMultinomial extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: independent(positive, 1),
  };
  readonly concentration: Tensor;
  readonly totalCount: number;
  constructor(concentration: TensorLike, totalCount: TensorLike = 1, options?: DistributionOptions) {
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

