import { type Constraint, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  asTensor,
  broadcastTo,
  type Key,
  type Tensor,
  type TensorLike,
  toFloat,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";

/**
 * A trivial distribution over empty values carrying a log factor; `handlers.factor` samples it.
 * `logProb` ignores its argument and returns `logFactor`.
 * @example
 * new Unit(-2).logProb(zeros([0])).item(); // → -2
 */
export class Unit extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { logFactor: real };
  readonly logFactor: Tensor;
  constructor(logFactor: TensorLike, options?: DistributionOptions) {
    const lf = toFloat(asTensor(logFactor));
    super(lf.shape, [0], options, { logFactor: lf });
    this.logFactor = lf;
  }
  override sample(_key: Key, sampleShape: readonly number[] = []): Tensor {
    return zeros(this.shape(sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    const v = asTensor(value);
    const shape = broadcastShapes("Unit.logProb", v.shape.slice(0, -1), this.batchShape);
    return broadcastTo(this.logFactor, shape);
  }
}
