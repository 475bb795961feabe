import type { Constraint } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { asTensor, type Key, PhloxError, type Tensor, type TensorLike, zeros } from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";

/**
 * A flat (improper) density on `support`: `logProb` is 0 everywhere; it cannot be sampled (inference
 * initialises such sites in unconstrained space with `bijectTo(support)`).
 * @param support - the constraint the values live in.
 * @param batchShape - batch shape.
 * @param eventShape - event shape (must match `support.eventDim` axes).
 * @example
 * new ImproperUniform(orderedVector, [], [2]).logProb([0, 1]).item(); // → 0
 */
export class ImproperUniform extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  private readonly supportC: Constraint;
  constructor(
    support: Constraint,
    batchShape: readonly number[] = [],
    eventShape: readonly number[] = [],
    options?: DistributionOptions,
  ) {
    super(batchShape, eventShape, options);
    this.supportC = support;
  }
  override get support(): Constraint {
    return this.supportC;
  }
  override sample(_key?: Key, _sampleShape?: readonly number[]): Tensor {
    throw new PhloxError(
      "distribution-improper",
      "ImproperUniform.sample: an improper distribution cannot be sampled. Initialise the site another way " +
        "(inference draws it in unconstrained space), or use a proper prior.",
    );
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const v = asTensor(value);
    const batch = v.shape.slice(0, v.shape.length - this.eventShape.length);
    return zeros(broadcastShapes("ImproperUniform.logProb", batch, this.batchShape));
  }
}
