import { type Constraint, independent, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  eq,
  type Key,
  log,
  mul,
  sumRightmost,
  type Tensor,
  type TensorLike,
  toFloat,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { rejectUndefinedArgs } from "../internal/util.js";

/**
 * Point mass at `v` (the last `eventDim` axes of `v` form one event), with an optional `logDensity` added to
 * `logProb`: log p(x) = logDensity if x = v, −∞ otherwise.
 * @example
 * new Delta(2).logProb(2).item(); // → 0
 */
export class Delta extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  static override readonly hasRsample = true;
  readonly v: Tensor;
  readonly logDensity: Tensor;
  constructor(v: TensorLike = 0, logDensity: TensorLike = 0, eventDim = 0, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Delta", arguments, ["v", "logDensity", "eventDim"]);
    const vt = toFloat(asTensor(v));
    const cut = vt.shape.length - eventDim;
    const batch = broadcastShapes("Delta", vt.shape.slice(0, cut), asTensor(logDensity).shape);
    super(batch, vt.shape.slice(cut), options);
    this.v = vt;
    this.logDensity = toFloat(asTensor(logDensity));
  }
  override get support(): Constraint {
    return this.eventDim === 0 ? real : independent(real, this.eventDim);
  }
  override rsample(_key: Key, sampleShape: readonly number[] = []): Tensor {
    return broadcastTo(this.v, this.shape(sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    const lp = sumRightmost(log(toFloat(eq(value, this.v))), this.eventDim);
    return add(lp, this.logDensity);
  }
  override get mean(): Tensor {
    return broadcastTo(this.v, this.shape());
  }
  override get variance(): Tensor {
    return mul(broadcastTo(this.v, this.shape()), 0);
  }
  override entropy(): Tensor {
    return zeros(this.batchShape);
  }
}
