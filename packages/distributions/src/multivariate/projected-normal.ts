import { type Constraint, realVector, sphere } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  div,
  erf,
  exp,
  type Key,
  log,
  maximum,
  mul,
  normal,
  PhloxError,
  ShapeError,
  sqrt,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
} from "../internal/ops.js";

const TINY = 2.2250738585072014e-308;
const LOG_2PI = Math.log(2 * Math.PI);

/** x/‖x‖ along the last axis (the norm clamped away from 0). */
function normalize(x: Tensor): Tensor {
  const n = sqrt(sum(mul(x, x), -1, true));
  return div(x, maximum(n, TINY));
}

/**
 * ProjectedNormal(concentration c): the direction x/‖x‖ of x ~ N(c, I) on the unit sphere (NumPyro's
 * ProjectedNormal). With t = c·v and r² = ‖c‖² − t², its log-density (w.r.t. the sphere's surface measure) is,
 * for dimension 2, −r²/2 − ½ log 2π + log((e^{−t²/2}√(2/π) + t(1 + erf(t/√2)))/2), and for dimension 3,
 * −r²/2 − log 2π + log(t e^{−t²/2}/√(2π) + (1 + t²)(1 + erf(t/√2))/2). Like NumPyro, logProb exists for
 * dimensions 2 and 3 only. `mean` is NumPyro's: the normalised concentration.
 * @param concentration - c, shape `[..., d]`.
 * @example
 * new ProjectedNormal([0, 0]).logProb([1, 0]).item(); // → -1.8378770664093453
 */
export class ProjectedNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: realVector,
  };
  static override readonly support: Constraint = sphere;
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["concentration"];
  readonly concentration: Tensor;
  constructor(concentration: TensorLike, options?: DistributionOptions) {
    const c = toFloat(asTensor(concentration));
    if (c.shape.length < 1) {
      throw new ShapeError(
        "distribution-shape",
        "ProjectedNormal: concentration must have at least one axis (its last axis is the event).",
      );
    }
    super(c.shape.slice(0, -1), c.shape.slice(-1), options, { concentration: c });
    this.concentration = c;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return normalize(add(this.concentration, normal(key, this.shape(sampleShape))));
  }
  logProb(value: TensorLike): Tensor {
    const v = asTensor(value);
    if (this.validateArgs && v.shape[v.shape.length - 1] !== this.eventShape[0]) {
      throw new ShapeError(
        "distribution-value-shape",
        `ProjectedNormal.logProb: expected event shape [${this.eventShape[0]}], got a value of shape ` +
          `[${v.shape.join(", ")}].`,
      );
    }
    this.validateSample(v);
    const d = this.eventShape[0]!;
    const c = this.concentration;
    const t = sum(mul(c, v), -1);
    const t2 = mul(t, t);
    const r2 = sub(sum(mul(c, c), -1), t2);
    const phi = add(1, erf(mul(t, Math.SQRT1_2)));
    if (d === 2) {
      const para = log(mul(0.5, add(mul(exp(mul(-0.5, t2)), Math.sqrt(2 / Math.PI)), mul(t, phi))));
      return add(para, sub(mul(-0.5, r2), 0.5 * LOG_2PI));
    }
    if (d === 3) {
      const para = log(
        add(div(mul(t, exp(mul(-0.5, t2))), Math.sqrt(2 * Math.PI)), mul(mul(0.5, add(1, t2)), phi)),
      );
      return add(para, sub(mul(-0.5, r2), LOG_2PI));
    }
    throw new PhloxError(
      "distribution-not-implemented",
      `ProjectedNormal.logProb is implemented for dimensions 2 and 3 only (as in NumPyro), got dimension ${d}.`,
    );
  }
  /** The normalised concentration (NumPyro's centroid convention). */
  override get mean(): Tensor {
    return normalize(this.concentration);
  }
}
