import { type Constraint, independent, real } from "../constraints/constraint.js";
import { asTensor, mul, neg, sumRightmost, type Tensor, type TensorLike } from "../internal/ops.js";

/**
 * A differentiable bijection between two constrained spaces (NumPyro `transforms.Transform`).
 *
 * `logAbsDetJacobian(x, y)` is log |det ∂y/∂x| with shape `x.shape` minus the rightmost `domain.eventDim`
 * axes. Subclass it to add a transform; register one for a constraint with `bijectTo.register`.
 * @example
 * new ExpTransform().forward(0).item(); // → 1
 */
export abstract class Transform {
  /** The set the transform maps from. */
  abstract get domain(): Constraint;
  /** The set the transform maps to. */
  abstract get codomain(): Constraint;
  /** +1 or −1 for monotone scalar transforms (used by TransformedDistribution.cdf). */
  get sign(): number {
    return 1;
  }
  /** y = f(x). */
  abstract forward(x: TensorLike): Tensor;
  /** x = f⁻¹(y). */
  abstract inverse(y: TensorLike): Tensor;
  /** log |det J_f(x)|, with y = f(x) given to save work. */
  abstract logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor;
  /** Shape of `forward(x)` for an input of shape `shape`. */
  forwardShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  /** Shape of `inverse(y)` for an output of shape `shape`. */
  inverseShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  /** The inverse transform. */
  get inv(): Transform {
    return new InverseTransform(this);
  }
  /** Name used in messages. */
  get name(): string {
    return this.constructor.name;
  }
}

/**
 * f⁻¹ as a transform of its own.
 * @example
 * new ExpTransform().inv.forward(1).item(); // → 0
 */
export class InverseTransform extends Transform {
  constructor(readonly base: Transform) {
    super();
  }
  get domain(): Constraint {
    return this.base.codomain;
  }
  get codomain(): Constraint {
    return this.base.domain;
  }
  override get sign(): number {
    return this.base.sign;
  }
  forward(x: TensorLike): Tensor {
    return this.base.inverse(x);
  }
  inverse(y: TensorLike): Tensor {
    return this.base.forward(y);
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    return neg(this.base.logAbsDetJacobian(y, x));
  }
  override forwardShape(shape: readonly number[]): number[] {
    return this.base.inverseShape(shape);
  }
  override inverseShape(shape: readonly number[]): number[] {
    return this.base.forwardShape(shape);
  }
  override get inv(): Transform {
    return this.base;
  }
}

/**
 * y = x.
 * @example
 * new IdentityTransform().forward(3).item(); // → 3
 */
export class IdentityTransform extends Transform {
  constructor(readonly eventDim = 0) {
    super();
  }
  get domain(): Constraint {
    return this.eventDim === 0 ? real : independent(real, this.eventDim);
  }
  get codomain(): Constraint {
    return this.domain;
  }
  forward(x: TensorLike): Tensor {
    return asTensor(x);
  }
  inverse(y: TensorLike): Tensor {
    return asTensor(y);
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    return sumRightmost(mul(x, 0), this.eventDim);
  }
}

/**
 * Treats the rightmost `reinterpretedBatchNdims` axes of `base` as event axes: the log-Jacobian sums over them.
 * @example
 * new IndependentTransform(new ExpTransform(), 1).logAbsDetJacobian([1, 2], [0, 0]).item(); // → 3
 */
export class IndependentTransform extends Transform {
  constructor(
    readonly base: Transform,
    readonly reinterpretedBatchNdims: number,
  ) {
    super();
  }
  get domain(): Constraint {
    return independent(this.base.domain, this.reinterpretedBatchNdims);
  }
  get codomain(): Constraint {
    return independent(this.base.codomain, this.reinterpretedBatchNdims);
  }
  override get sign(): number {
    return this.base.sign;
  }
  forward(x: TensorLike): Tensor {
    return this.base.forward(x);
  }
  inverse(y: TensorLike): Tensor {
    return this.base.inverse(y);
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    return sumRightmost(this.base.logAbsDetJacobian(x, y), this.reinterpretedBatchNdims);
  }
  override forwardShape(shape: readonly number[]): number[] {
    return this.base.forwardShape(shape);
  }
  override inverseShape(shape: readonly number[]): number[] {
    return this.base.inverseShape(shape);
  }
}

/**
 * Composition f = parts[n−1] ∘ … ∘ parts[0]: `forward` applies `parts[0]` first.
 * @example
 * new ComposeTransform([new ExpTransform(), new AffineTransform(1, 2)]).forward(0).item(); // → 3
 */
export class ComposeTransform extends Transform {
  readonly parts: readonly Transform[];
  constructor(parts: readonly Transform[]) {
    super();
    this.parts = [...parts];
  }
  private get inputEventDim(): number {
    let d = this.parts[this.parts.length - 1]?.codomain.eventDim ?? 0;
    for (let i = this.parts.length - 1; i >= 0; i--) {
      const p = this.parts[i]!;
      d += p.domain.eventDim - p.codomain.eventDim;
      d = Math.max(d, p.domain.eventDim);
    }
    return d;
  }
  private get outputEventDim(): number {
    let d = this.parts[0]?.domain.eventDim ?? 0;
    for (const p of this.parts) {
      d += p.codomain.eventDim - p.domain.eventDim;
      d = Math.max(d, p.codomain.eventDim);
    }
    return d;
  }
  get domain(): Constraint {
    const first = this.parts[0];
    if (!first) return real;
    const k = this.inputEventDim - first.domain.eventDim;
    return k > 0 ? independent(first.domain, k) : first.domain;
  }
  get codomain(): Constraint {
    const last = this.parts[this.parts.length - 1];
    if (!last) return real;
    const k = this.outputEventDim - last.codomain.eventDim;
    return k > 0 ? independent(last.codomain, k) : last.codomain;
  }
  override get sign(): number {
    return this.parts.reduce((s, p) => s * p.sign, 1);
  }
  forward(x: TensorLike): Tensor {
    let y = asTensor(x);
    for (const p of this.parts) y = p.forward(y);
    return y;
  }
  inverse(y: TensorLike): Tensor {
    let x = asTensor(y);
    for (let i = this.parts.length - 1; i >= 0; i--) x = this.parts[i]!.inverse(x);
    return x;
  }
  logAbsDetJacobian(x: TensorLike, _y: TensorLike): Tensor {
    let eventDim = this.inputEventDim;
    let cur = asTensor(x);
    let total: Tensor | undefined;
    for (const p of this.parts) {
      const next = p.forward(cur);
      const ld = sumRightmost(p.logAbsDetJacobian(cur, next), eventDim - p.domain.eventDim);
      total = total === undefined ? ld : total.add(ld);
      eventDim += p.codomain.eventDim - p.domain.eventDim;
      cur = next;
    }
    return total ?? sumRightmost(mul(asTensor(x), 0), eventDim);
  }
  override forwardShape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (const p of this.parts) s = p.forwardShape(s);
    return s;
  }
  override inverseShape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (let i = this.parts.length - 1; i >= 0; i--) s = this.parts[i]!.inverseShape(s);
    return s;
  }
}
