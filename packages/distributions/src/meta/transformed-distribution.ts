import { type Constraint, independent } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  asTensor,
  type Key,
  PhloxError,
  sub,
  sumRightmost,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { fmtShape } from "../internal/shape.js";
import { ComposeTransform, type Transform } from "../transforms/transform.js";

/**
 * The distribution of f(X) for X ~ base and a bijection f (a transform or a list applied in order):
 * log p(y) = log p_base(f⁻¹(y)) − log|det J_f(f⁻¹(y))|.
 * @example
 * new TransformedDistribution(new Normal(0, 1), new ExpTransform()).logProb(1).item(); // → -0.9189385332046727
 */
export class TransformedDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  readonly baseDist: Distribution;
  readonly transforms: readonly Transform[];
  private readonly transform: ComposeTransform;
  constructor(
    base: Distribution,
    transforms: Transform | readonly Transform[],
    options?: DistributionOptions,
  ) {
    const list = Array.isArray(transforms)
      ? [...(transforms as readonly Transform[])]
      : [transforms as Transform];
    const t = new ComposeTransform(list);
    const baseShape = base.shape();
    const domainEventDim = t.domain.eventDim;
    if (baseShape.length < domainEventDim) {
      throw new PhloxError(
        "distribution-transform-shape",
        `TransformedDistribution: the base distribution's shape ${fmtShape(baseShape)} has fewer dimensions than ` +
          `the transform's domain needs (${domainEventDim}).`,
      );
    }
    const shape = t.forwardShape(baseShape);
    const expandedBase = t.inverseShape(shape);
    let b = base;
    if (expandedBase.length !== baseShape.length || expandedBase.some((d, i) => d !== baseShape[i])) {
      b = b.expand(expandedBase.slice(0, expandedBase.length - base.eventDim));
    }
    const reinterpreted = domainEventDim - base.eventDim;
    if (reinterpreted > 0) b = b.toEvent(reinterpreted);
    const eventDim = t.codomain.eventDim + Math.max(base.eventDim - domainEventDim, 0);
    super(
      shape.slice(0, shape.length - eventDim),
      shape.slice(shape.length - eventDim),
      options ?? {
        validateArgs: base.validateArgs,
      },
    );
    this.baseDist = b;
    this.transforms = list;
    this.transform = t;
  }
  override get support(): Constraint {
    const c = this.transform.codomain;
    const extra = this.eventDim - c.eventDim;
    return extra > 0 ? independent(c, extra) : c;
  }
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.transform.forward(this.baseDist.rsample(key, sampleShape));
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.transform.forward(this.baseDist.sample(key, sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const y = asTensor(value);
    const x = this.transform.inverse(y);
    const ldj = this.transform.logAbsDetJacobian(x, y);
    const extra = this.eventDim - this.transform.codomain.eventDim;
    return sub(this.baseDist.logProb(x), sumRightmost(ldj, extra));
  }
  override cdf(value: TensorLike): Tensor {
    const x = this.transform.inverse(value);
    const c = this.baseDist.cdf(x);
    return this.transform.sign >= 0 ? c : sub(1, c);
  }
  override icdf(q: TensorLike): Tensor {
    const qq = this.transform.sign >= 0 ? asTensor(q) : sub(1, q);
    return this.transform.forward(this.baseDist.icdf(qq));
  }
}
