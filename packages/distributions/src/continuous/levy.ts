import { type Constraint, type GreaterThan, greaterThan, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  broadcastTo,
  div,
  erfc,
  type Key,
  log,
  mul,
  ndtri,
  sqrt,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { EULER_GAMMA, promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Lévy(loc, scale): log p(x) = ½ log(σ/2π) − 3/2 log(x−μ) − σ/(2(x−μ)), x > μ.
 * @example
 * new Levy(0, 1).cdf(1).item(); // → 0.31731050786291415
 */
export class Levy extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
  };
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Levy", arguments, ["loc", "scale"]);
    const { ps, batchShape } = promote("Levy", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override get support(): GreaterThan {
    return greaterThan(this.loc);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const d = sub(value, this.loc);
    return sub(
      sub(mul(0.5, log(div(this.scale, 2 * Math.PI))), mul(1.5, log(d))),
      div(this.scale, mul(2, d)),
    );
  }
  override cdf(value: TensorLike): Tensor {
    return erfc(sqrt(div(this.scale, mul(2, sub(value, this.loc)))));
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.loc, div(this.scale, square(ndtri(mul(0.5, q)))));
  }
  override get mean(): Tensor {
    return broadcastTo(Number.POSITIVE_INFINITY, this.batchShape);
  }
  override get variance(): Tensor {
    return broadcastTo(Number.POSITIVE_INFINITY, this.batchShape);
  }
  override entropy(): Tensor {
    return add(mul(0.5, log(mul(16 * Math.PI, square(this.scale)))), 0.5 * (1 + 3 * EULER_GAMMA));
  }
}
