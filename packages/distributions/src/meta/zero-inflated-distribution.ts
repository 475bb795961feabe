import { type Constraint, real, unitInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import type { ProbsOrLogits } from "../internal/bernoulli-helpers.js";
import {
  add,
  broadcastTo,
  eq,
  type Key,
  logAddExp,
  lt,
  mul,
  PhloxError,
  splitKey,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { gateParts } from "../internal/zero-inflated-helpers.js";

/**
 * Zero-inflated `base`: with probability `gate` the value is 0, otherwise it is drawn from `base`;
 * log p(0) = log(g + (1−g) p_base(0)), log p(x) = log(1−g) + log p_base(x) for x ≠ 0.
 * @param gate - probability of a structural zero, or `{ probs }` / `{ logits }` for it.
 * @example
 * new ZeroInflatedDistribution(new Poisson(2), 0.5).mean.item(); // → 1
 */
export class ZeroInflatedDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    gate: unitInterval,
    gateLogits: real,
  };
  readonly baseDist: Distribution;
  readonly gate: Tensor;
  private readonly logGate: Tensor;
  private readonly log1mGate: Tensor;
  constructor(base: Distribution, gate: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    if (base.eventDim !== 0) {
      throw new PhloxError(
        "distribution-zero-inflated",
        "ZeroInflatedDistribution: the base must be univariate.",
      );
    }
    const parts = gateParts("ZeroInflatedDistribution", gate);
    const batch = broadcastShapes("ZeroInflatedDistribution", base.batchShape, parts.gate.shape);
    super(batch, [], options ?? { validateArgs: base.validateArgs }, { gate: parts.gate });
    this.baseDist = base;
    this.gate = broadcastTo(parts.gate, batch);
    this.logGate = parts.logGate;
    this.log1mGate = parts.log1mGate;
  }
  override get support(): Constraint {
    return this.baseDist.support;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const shape = this.shape(sampleShape);
    const x = broadcastTo(this.baseDist.sample(k2, sampleShape), shape);
    return where(lt(uniform(k1, shape), this.gate), 0, x);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const lp = this.baseDist.logProb(value);
    const nonzero = add(this.log1mGate, lp);
    return where(eq(value, 0), logAddExp(this.logGate, nonzero), nonzero);
  }
  override get mean(): Tensor {
    return mul(sub(1, this.gate), this.baseDist.mean);
  }
  override get variance(): Tensor {
    const m = this.baseDist.mean;
    const g = this.gate;
    return sub(mul(sub(1, g), add(this.baseDist.variance, square(m))), square(mul(sub(1, g), m)));
  }
}
