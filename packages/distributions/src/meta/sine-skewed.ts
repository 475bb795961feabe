import { Constraint, circular, independent } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  abs,
  add,
  asTensor,
  broadcastTo,
  floor,
  type Key,
  le,
  log1p,
  mul,
  PhloxError,
  reshape,
  sin,
  splitKey,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  uniform,
  where,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";

const TWO_PI = 2 * Math.PI;

/** Vectors with Σ|λᵢ| ≤ 1 (NumPyro's `l1_ball`), the skewness constraint. */
class SkewnessL1Ball extends Constraint {
  readonly name = "l1Ball";
  override readonly eventDim = 1;
  check(x: TensorLike): Tensor {
    return le(sum(abs(x), -1), 1);
  }
}

/** (x + π) mod 2π − π. */
const wrap = (x: Tensor): Tensor => {
  const y = add(x, Math.PI);
  return sub(sub(y, mul(TWO_PI, floor(mul(y, 1 / TWO_PI)))), Math.PI);
};

/**
 * Sine-skewing of a distribution on the d-torus (NumPyro's SineSkewed):
 * p(x) = p_base(x)·(1 + Σᵢ λᵢ sin(xᵢ − μᵢ)), with μ the base mean and Σ|λᵢ| ≤ 1. Draws flip a base draw y to
 * 2μ − y with probability ½(1 − Σλᵢ sin(yᵢ − μᵢ)), then wrap into [−π, π).
 * @param base - a distribution on the torus with event shape `[d]` (e.g. `new VonMises(loc, k).toEvent(1)`).
 * @param skewness - λ, shape `[..., d]`, with Σ|λᵢ| ≤ 1.
 * @example
 * new SineSkewed(new VonMises([0], [1]).toEvent(1), [0.5]).logProb([Math.PI / 2]).item(); // → -1.6683263168083597
 */
export class SineSkewed extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    skewness: new SkewnessL1Ball(),
  };
  static override readonly support: Constraint = independent(circular, 1);
  readonly baseDist: Distribution;
  readonly skewness: Tensor;
  constructor(base: Distribution, skewness: TensorLike, options?: DistributionOptions) {
    const s = toFloat(asTensor(skewness));
    const d = s.shape[s.shape.length - 1];
    if (base.eventDim !== 1 || d === undefined || base.eventShape[0] !== d) {
      throw new PhloxError(
        "distribution-shape",
        `SineSkewed: the base distribution must have event shape [d] matching the skewness's last axis; got ` +
          `event shape [${base.eventShape.join(", ")}] and skewness shape [${s.shape.join(", ")}].`,
      );
    }
    const batch = broadcastShapes("SineSkewed", base.batchShape, s.shape.slice(0, -1));
    super(batch, [d], options, { skewness: s });
    this.skewness = broadcastTo(s, [...batch, d]);
    this.baseDist =
      base.batchShape.length === batch.length && base.batchShape.every((b, i) => b === batch[i])
        ? base
        : base.expand(batch);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [kb, ks] = splitKey(key, 2) as [Key, Key];
    const mu = this.baseDist.mean;
    const ys = this.baseDist.sample(kb, sampleShape);
    const u = uniform(ks, [...sampleShape, ...this.batchShape]);
    const keep = le(u, add(0.5, mul(0.5, sum(mul(this.skewness, sin(sub(ys, mu))), -1))));
    const flipped = sub(mul(2, mu), ys);
    return wrap(where(reshape(keep, [...keep.shape, 1]), ys, flipped));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const skew = log1p(sum(mul(this.skewness, sin(sub(value, this.baseDist.mean))), -1));
    return add(this.baseDist.logProb(value), skew);
  }
  /** The base distribution's mean, as in NumPyro. */
  override get mean(): Tensor {
    return this.baseDist.mean;
  }
}
