import { type Constraint, positive, realVector } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  arange,
  asTensor,
  broadcastTo,
  concatenate,
  cumsum,
  div,
  type Key,
  log,
  mul,
  normal,
  reshape,
  sliceAxis,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { HALF_LOG_2PI, promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Gaussian random walk of `numSteps` steps: x₀ ~ N(0, σ), xₜ − xₜ₋₁ ~ N(0, σ); event shape `[numSteps]`.
 * @example
 * new GaussianRandomWalk(1, 3).variance.toArray(); // → [1, 2, 3]
 */
export class GaussianRandomWalk extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { scale: positive };
  static override readonly support: Constraint = realVector;
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  readonly numSteps: number;
  constructor(scale: TensorLike = 1, numSteps = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("GaussianRandomWalk", arguments, ["scale", "numSteps"]);
    const { ps, batchShape } = promote("GaussianRandomWalk", scale);
    super(batchShape, [numSteps], options, { scale: ps[0] });
    this.scale = ps[0]!;
    this.numSteps = numSteps;
  }
  private get scaleCol(): Tensor {
    return reshape(this.scale, [...this.scale.shape, 1]);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return cumsum(mul(normal(key, this.shape(sampleShape)), this.scaleCol), -1);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const x = asTensor(value);
    const T = this.numSteps;
    const steps =
      T > 1
        ? concatenate([sliceAxis(x, -1, 0, 1), sub(sliceAxis(x, -1, 1, T), sliceAxis(x, -1, 0, T - 1))], -1)
        : x;
    const z = div(steps, this.scaleCol);
    return sum(sub(sub(mul(-0.5, square(z)), log(this.scaleCol)), HALF_LOG_2PI), -1);
  }
  override get mean(): Tensor {
    return broadcastTo(0, this.shape());
  }
  override get variance(): Tensor {
    return mul(square(this.scaleCol), add(arange(this.numSteps), 1));
  }
}
