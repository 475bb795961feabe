import { boolean, type Constraint, IntegerInterval, integerInterval, real, unitInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  binomialSample,
  broadcastTo,
  type Key,
  lgamma,
  log,
  lt,
  mul,
  neg,
  reshape,
  sigmoid,
  softplus,
  sub,
  type Tensor,
  type TensorLike,
  toFloat,
  uniform,
  values,
  xlog1py,
  xlogy,
  arange,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/** Either probabilities or logits (log-odds). */
export type ProbsOrLogits = { probs: TensorLike; logits?: undefined } | { logits: TensorLike; probs?: undefined };

/** Splits `TensorLike | { probs } | { logits }` into a parameter tensor and a flag. */
export function probsOrLogits(who: string, p: TensorLike | ProbsOrLogits): { value: TensorLike; isLogits: boolean } {
  if (typeof p === "object" && p !== null && !Array.isArray(p) && ("probs" in p || "logits" in p)) {
    const o = p as ProbsOrLogits;
    if (o.logits !== undefined) return { value: o.logits, isLogits: true };
    if (o.probs !== undefined) return { value: o.probs, isLogits: false };
    throw new Error(`${who}: pass exactly one of { probs } or { logits }.`);
  }
  return { value: p as TensorLike, isLogits: false };
}

const logitOf = (p: Tensor): Tensor => sub(log(p), log(sub(1, p)));

/**
 * Bernoulli over {0, 1} with `probs` p or `logits` l: log p(x) = x·l − softplus(l).
 * @param p - probabilities, or `{ probs }` / `{ logits }`.
 * @example
 * new Bernoulli({ logits: 0 }).logProb(1).item(); // → -0.6931471805599453
 */
export class Bernoulli extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { probs: unitInterval, logits: real };
  static override readonly support: Constraint = boolean;
  static override readonly hasEnumerateSupport = true;
  private readonly param: Tensor;
  private readonly isLogits: boolean;
  constructor(p: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    const { value, isLogits } = probsOrLogits("Bernoulli", p);
    const { ps, batchShape } = promote("Bernoulli", value);
    super(batchShape, [], options, isLogits ? { logits: ps[0] } : { probs: ps[0] });
    this.param = ps[0]!;
    this.isLogits = isLogits;
  }
  /** Success probability. */
  get probs(): Tensor {
    return this.isLogits ? sigmoid(this.param) : this.param;
  }
  /** Log-odds. */
  get logits(): Tensor {
    return this.isLogits ? this.param : logitOf(this.param);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return toFloat(lt(uniform(key, this.shape(sampleShape)), this.probs));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    if (this.isLogits) return sub(mul(value, this.param), softplus(this.param));
    return add(xlogy(value, this.param), xlog1py(sub(1, value), neg(this.param)));
  }
  override get mean(): Tensor {
    return this.probs;
  }
  override get variance(): Tensor {
    const p = this.probs;
    return mul(p, sub(1, p));
  }
  override entropy(): Tensor {
    const p = this.probs;
    return neg(add(xlogy(p, p), xlog1py(sub(1, p), neg(p))));
  }
  override enumerateSupport(expand = true): Tensor {
    const v = reshape(asTensor([0, 1]), [2, ...this.batchShape.map(() => 1)]);
    return expand ? broadcastTo(v, [2, ...this.batchShape]) : v;
  }
}

/**
 * Binomial(totalCount n, probs p | logits l): log p(k) = log C(n, k) + k log p + (n−k) log(1−p).
 * @example
 * new Binomial(2, 0.5).logProb(1).item(); // → -0.6931471805599453
 */
export class Binomial extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    totalCount: integerInterval(0, Number.POSITIVE_INFINITY),
    probs: unitInterval,
    logits: real,
  };
  static override readonly hasEnumerateSupport = true;
  readonly totalCount: Tensor;
  private readonly param: Tensor;
  private readonly isLogits: boolean;
  constructor(totalCount: TensorLike, p: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    const { value, isLogits } = probsOrLogits("Binomial", p);
    const { ps, batchShape } = promote("Binomial", totalCount, value);
    super(batchShape, [], options, isLogits ? { totalCount: ps[0], logits: ps[1] } : { totalCount: ps[0], probs: ps[1] });
    [this.totalCount, this.param] = ps as [Tensor, Tensor];
    this.isLogits = isLogits;
  }
  override get support(): IntegerInterval {
    return integerInterval(0, this.totalCount);
  }
  get probs(): Tensor {
    return this.isLogits ? sigmoid(this.param) : this.param;
  }
  get logits(): Tensor {
    return this.isLogits ? this.param : logitOf(this.param);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return binomialSample(key, this.totalCount, this.probs, this.shape(sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.totalCount;
    const lc = sub(sub(lgamma(add(n, 1)), lgamma(add(value, 1))), lgamma(add(sub(n, value), 1)));
    if (this.isLogits) return add(lc, sub(mul(value, this.param), mul(n, softplus(this.param))));
    return add(lc, add(xlogy(value, this.param), xlog1py(sub(n, value), neg(this.param))));
  }
  override get mean(): Tensor {
    return mul(this.totalCount, this.probs);
  }
  override get variance(): Tensor {
    const p = this.probs;
    return mul(mul(this.totalCount, p), sub(1, p));
  }
  override enumerateSupport(expand = true): Tensor {
    const ns = values(this.totalCount);
    const n = ns[0] ?? 0;
    if (!ns.every((x) => x === n)) {
      throw new Error("Binomial.enumerateSupport: totalCount must be the same for every batch element.");
    }
    const v = reshape(arange(n + 1), [n + 1, ...this.batchShape.map(() => 1)]);
    return expand ? broadcastTo(v, [n + 1, ...this.batchShape]) : v;
  }
}
