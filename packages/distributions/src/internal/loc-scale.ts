import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { type Key, type Tensor, type TensorLike, uniform } from "./ops.js";
import { promote } from "./util.js";

/**
 * Shared base of the real-line location–scale families (Normal, Laplace, Cauchy, Logistic, Gumbel,
 * SoftLaplace): declares `argConstraints = { loc: real, scale: positive }`, `support = real`,
 * `hasRsample = true`, promotes `loc` and `scale` to float tensors broadcast to the batch shape, and
 * draws reparametrized samples by inverse CDF (`icdf(u)`, `u ~ Uniform(0, 1)`) unless a subclass overrides
 * `rsample`.
 * Subclasses keep their own public constructor `(loc = 0, scale = 1, options?)` and pass their name.
 */
export abstract class LocScaleDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
  };
  static override readonly support: Constraint = real;
  static override readonly hasRsample: boolean = true;
  /** Location, float tensor of shape `batchShape`. */
  readonly loc: Tensor;
  /** Scale (> 0), float tensor of shape `batchShape`. */
  readonly scale: Tensor;
  /**
   * @param where - the distribution's name, used in broadcast error messages.
   * @param loc - location, any shape.
   * @param scale - scale (> 0), broadcastable with `loc`.
   * @param options - `{ validateArgs }`.
   * @throws ShapeError when `loc` and `scale` do not broadcast.
   * @throws ConstraintError when validation is on and `scale` is not positive.
   */
  protected constructor(where: string, loc: TensorLike, scale: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote(where, loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  /**
   * Reparametrized draws by inverse CDF: `icdf(u)` with `u ~ Uniform(0, 1)`.
   * @param key - PRNG key.
   * @param sampleShape - leading sample dimensions.
   * @returns tensor of shape `[...sampleShape, ...batchShape]`.
   */
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
}
