import {
  type Constraint,
  IntegerInterval,
  integerInterval,
  nonnegativeInteger,
  positive,
  real,
  unitInterval,
} from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  arange,
  betaln,
  broadcastTo,
  div,
  exp,
  floor,
  gammaSample,
  binomialSample,
  type Key,
  lgamma,
  log,
  log1p,
  mul,
  neg,
  poissonSample,
  reshape,
  sigmoid,
  softplus,
  splitKey,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  values,
  xlog1py,
  xlogy,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";
import { type ProbsOrLogits, probsOrLogits } from "./bernoulli.js";

/**
 * Poisson(rate λ): log p(k) = k log λ − λ − log k!.
 * @example
 * new Poisson(2).mean.item(); // → 2
 */
export class Poisson extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { rate: positive };
  static override readonly support: Constraint = nonnegativeInteger;
  readonly rate: Tensor;
  constructor(rate: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Poisson", rate);
    super(batchShape, [], options, { rate: ps[0] });
    this.rate = ps[0]!;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return poissonSample(key, this.rate, this.shape(sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return sub(sub(xlogy(value, this.rate), this.rate), lgamma(add(value, 1)));
  }
  override get mean(): Tensor {
    return this.rate;
  }
  override get variance(): Tensor {
    return this.rate;
  }
}

/**
 * GammaPoisson(concentration α, rate β): Poisson with a Gamma(α, β) rate, i.e. a negative binomial;
 * log p(k) = lgamma(k+α) − lgamma(α) − log k! + α log β − (α+k) log(1+β).
 */
export class GammaPoisson extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: positive,
    rate: positive,
  };
  static override readonly support: Constraint = nonnegativeInteger;
  readonly concentration: Tensor;
  readonly rate: Tensor;
  constructor(concentration: TensorLike, rate: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("GammaPoisson", concentration, rate);
    super(batchShape, [], options, { concentration: ps[0], rate: ps[1] });
    [this.concentration, this.rate] = ps as [Tensor, Tensor];
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const shape = this.shape(sampleShape);
    const lam = div(gammaSample(k1, this.concentration, shape), this.rate);
    return poissonSample(k2, lam, shape);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration;
    const b = this.rate;
    const norm = sub(sub(lgamma(add(value, a)), lgamma(a)), lgamma(add(value, 1)));
    return add(norm, sub(mul(a, log(b)), mul(add(a, value), log1p(b))));
  }
  override get mean(): Tensor {
    return div(this.concentration, this.rate);
  }
  override get variance(): Tensor {
    return mul(div(this.concentration, square(this.rate)), add(1, this.rate));
  }
}

/**
 * NegativeBinomial(totalCount r, probs p | logits): NumPyro's `NegativeBinomialProbs`/`Logits`, a
 * GammaPoisson(r, (1−p)/p) with mean r·p/(1−p).
 */
export class NegativeBinomial extends GammaPoisson {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    totalCount: positive,
    probs: unitInterval,
    logits: real,
  };
  readonly totalCount: Tensor;
  readonly probs: Tensor;
  constructor(totalCount: TensorLike, p: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    const { value, isLogits } = probsOrLogits("NegativeBinomial", p);
    const { ps } = promote("NegativeBinomial", totalCount, value);
    const [r, q] = ps as [Tensor, Tensor];
    const rate = isLogits ? exp(neg(q)) : div(sub(1, q), q);
    super(r, rate, options);
    this.totalCount = r;
    this.probs = isLogits ? sigmoid(q) : q;
  }
}

/**
 * NegativeBinomial2(mean μ, concentration φ): GammaPoisson(φ, φ/μ), variance μ + μ²/φ.
 * @example
 * new NegativeBinomial2(3, 2).variance.item(); // → 7.5
 */
export class NegativeBinomial2 extends GammaPoisson {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    mean: positive,
    concentration: positive,
  };
  constructor(mean: TensorLike, concentration: TensorLike, options?: DistributionOptions) {
    const { ps } = promote("NegativeBinomial2", mean, concentration);
    const [m, c] = ps as [Tensor, Tensor];
    super(c, div(c, m), options);
  }
}

/**
 * Geometric(probs p | logits): number of failures before the first success; log p(k) = k log(1−p) + log p.
 */
export class Geometric extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { probs: unitInterval, logits: real };
  static override readonly support: Constraint = nonnegativeInteger;
  readonly probs: Tensor;
  private readonly logitsParam: Tensor | undefined;
  constructor(p: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    const { value, isLogits } = probsOrLogits("Geometric", p);
    const { ps, batchShape } = promote("Geometric", value);
    super(batchShape, [], options, isLogits ? { logits: ps[0] } : { probs: ps[0] });
    this.probs = isLogits ? sigmoid(ps[0]!) : ps[0]!;
    this.logitsParam = isLogits ? ps[0] : undefined;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const u = uniform(key, this.shape(sampleShape));
    return floor(div(log1p(neg(u)), log1p(neg(this.probs))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const l = this.logitsParam;
    if (l) return sub(mul(neg(value), softplus(l)), softplus(neg(l)));
    return add(xlog1py(value, neg(this.probs)), log(this.probs));
  }
  override get mean(): Tensor {
    return div(sub(1, this.probs), this.probs);
  }
  override get variance(): Tensor {
    return div(sub(1, this.probs), square(this.probs));
  }
}

/**
 * BetaBinomial(concentration1 α, concentration0 β, totalCount n): Binomial with a Beta(α, β) probability.
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

/**
 * DiscreteUniform(low, high): uniform over the integers low, …, high; log p = −log(high − low + 1).
 */
export class DiscreteUniform extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  static override readonly hasEnumerateSupport = true;
  readonly low: Tensor;
  readonly high: Tensor;
  constructor(low: TensorLike = 0, high: TensorLike = 1, options?: DistributionOptions) {
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
