import { type Constraint, unitInterval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import type { ProbsOrLogits } from "../internal/bernoulli-helpers.js";
import {
  add,
  broadcastTo,
  div,
  eq,
  expm1,
  type Key,
  log1mexp,
  lt,
  mul,
  neg,
  PhloxError,
  splitKey,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  values,
  where,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { gateParts } from "../internal/zero-inflated-helpers.js";

/**
 * Hurdle model (NumPyro `HurdleProbs`/`HurdleLogits`): 0 with probability `gate`, otherwise a draw from `base`
 * conditioned to be nonzero (zero-truncated for a discrete base):
 * log p(0) = log g; log p(x) = log(1−g) + log p_base(x) − log(1 − p_base(0)) for x ≠ 0.
 * Sampling the discrete case redraws zeros eagerly (it reads values, so it does not trace under jit).
 * @example
 * new HurdleDistribution(new Poisson(1), 0.25).logProb(0).item(); // → -1.3862943611198906
 */
export class HurdleDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { gate: unitInterval };
  readonly baseDist: Distribution;
  readonly gate: Tensor;
  private readonly logGate: Tensor;
  private readonly log1mGate: Tensor;
  constructor(base: Distribution, gate: TensorLike | ProbsOrLogits, options?: DistributionOptions) {
    if (base.eventDim !== 0) {
      throw new PhloxError("distribution-hurdle", "HurdleDistribution: the base must be univariate.");
    }
    const parts = gateParts("HurdleDistribution", gate);
    const batch = broadcastShapes("HurdleDistribution", base.batchShape, parts.gate.shape);
    super(batch, [], options ?? { validateArgs: base.validateArgs }, { gate: parts.gate });
    this.baseDist = base;
    this.gate = broadcastTo(parts.gate, batch);
    this.logGate = parts.logGate;
    this.log1mGate = parts.log1mGate;
  }
  override get support(): Constraint {
    return this.baseDist.support;
  }
  private logOneMinusP0(): Tensor {
    return log1mexp(this.baseDist.logProb(0));
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const shape = this.shape(sampleShape);
    let [k, kb] = splitKey(key, 2) as [Key, Key];
    let x = broadcastTo(this.baseDist.sample(kb, sampleShape), shape);
    if (this.baseDist.isDiscrete) {
      for (let i = 0; i < 1000 && values(eq(x, 0)).some((v) => v !== 0); i++) {
        [k, kb] = splitKey(k, 2) as [Key, Key];
        x = where(eq(x, 0), broadcastTo(this.baseDist.sample(kb, sampleShape), shape), x);
      }
    }
    const [kg] = splitKey(k, 1) as [Key];
    return where(lt(uniform(kg, shape), this.gate), 0, x);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const safe = where(eq(value, 0), 1, value);
    let nonzero = add(this.log1mGate, this.baseDist.logProb(safe));
    if (this.baseDist.isDiscrete) nonzero = sub(nonzero, this.logOneMinusP0());
    return where(eq(value, 0), broadcastTo(this.logGate, nonzero.shape), nonzero);
  }
  override get mean(): Tensor {
    const m = mul(sub(1, this.gate), this.baseDist.mean);
    return this.baseDist.isDiscrete ? div(m, neg(expm1(this.baseDist.logProb(0)))) : m;
  }
}
