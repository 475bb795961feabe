import {
  type Constraint,
  independent,
  openInterval,
  positive,
  real,
  unitInterval,
} from "../constraints/constraint.js";
import {
  abs,
  add,
  asTensor,
  atanh,
  broadcastTo,
  clippedSigmoid,
  div,
  exp,
  expm1,
  log,
  log1p,
  mul,
  neg,
  pow,
  softplus,
  sub,
  sumRightmost,
  type Tensor,
  type TensorLike,
  tanh,
  values,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { Transform } from "./transform.js";

/**
 * y = exp(x), from the reals to the positive reals; log|J| = x.
 * @example
 * new ExpTransform().inverse(1).item(); // → 0
 */
export class ExpTransform extends Transform {
  get domain(): Constraint {
    return real;
  }
  get codomain(): Constraint {
    return positive;
  }
  forward(x: TensorLike): Tensor {
    return exp(x);
  }
  inverse(y: TensorLike): Tensor {
    return log(y);
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    return asTensor(x);
  }
}

/**
 * y = loc + scale·x (elementwise; `eventDim` axes form one event, so log|J| sums log|scale| over them).
 * @param loc - shift, broadcastable.
 * @param scale - nonzero factor, broadcastable.
 * @param domain - the domain constraint (default `real`); the codomain is its affine image.
 * @example
 * new AffineTransform(1, 2).forward(3).item(); // → 7
 */
export class AffineTransform extends Transform {
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(
    loc: TensorLike,
    scale: TensorLike,
    readonly eventDim = 0,
    private readonly codomainOverride?: Constraint,
  ) {
    super();
    this.loc = asTensor(loc);
    this.scale = asTensor(scale);
  }
  get domain(): Constraint {
    return this.eventDim === 0 ? real : independent(real, this.eventDim);
  }
  get codomain(): Constraint {
    return this.codomainOverride ?? this.domain;
  }
  override get sign(): number {
    const vs = values(this.scale);
    return vs.every((v) => v > 0) ? 1 : vs.every((v) => v < 0) ? -1 : 0;
  }
  forward(x: TensorLike): Tensor {
    return add(this.loc, mul(this.scale, x));
  }
  inverse(y: TensorLike): Tensor {
    return div(sub(y, this.loc), this.scale);
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    const xt = asTensor(x);
    const shape = broadcastShapes(
      "AffineTransform.logAbsDetJacobian",
      xt.shape,
      this.scale.shape,
      this.loc.shape,
    );
    return sumRightmost(broadcastTo(log(abs(this.scale)), shape), this.eventDim);
  }
  override forwardShape(shape: readonly number[]): number[] {
    return broadcastShapes("AffineTransform.forwardShape", shape, this.loc.shape, this.scale.shape);
  }
  override inverseShape(shape: readonly number[]): number[] {
    return broadcastShapes("AffineTransform.inverseShape", shape, this.loc.shape, this.scale.shape);
  }
}

/**
 * y = 1/(1 + e⁻ˣ), from the reals to (0, 1); log|J| = −softplus(x) − softplus(−x). As in NumPyro, y is clipped
 * to [tiny, 1 − ε] (tiny the smallest normal float64, ε = 2⁻⁵²), so it stays strictly inside (0, 1) where σ(x)
 * would leave the normal range (x ≲ −708) or round to 1 (x ≳ 36.7), and a density on (0, 1) stays finite
 * there; log|J| is that of the unclipped map.
 * @example
 * new SigmoidTransform().forward(0).item(); // → 0.5
 */
export class SigmoidTransform extends Transform {
  get domain(): Constraint {
    return real;
  }
  get codomain(): Constraint {
    return unitInterval;
  }
  forward(x: TensorLike): Tensor {
    return clippedSigmoid(x);
  }
  inverse(y: TensorLike): Tensor {
    return sub(log(y), log1p(neg(y)));
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    return neg(add(softplus(x), softplus(neg(x))));
  }
}

/**
 * y = log(1 + eˣ), from the reals to the positive reals; log|J| = −softplus(−x).
 * @example
 * new SoftplusTransform().forward(0).item(); // → 0.6931471805599453
 */
export class SoftplusTransform extends Transform {
  get domain(): Constraint {
    return real;
  }
  get codomain(): Constraint {
    return positive;
  }
  forward(x: TensorLike): Tensor {
    return softplus(x);
  }
  inverse(y: TensorLike): Tensor {
    // log(expm1(y)) written as y + log(−expm1(−y)) so large y does not overflow
    return add(y, log(neg(expm1(neg(y)))));
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    return neg(softplus(neg(x)));
  }
}

/**
 * y = tanh(x), from the reals to (−1, 1); log|J| = 2(log 2 − x − softplus(−2x)).
 * @example
 * new TanhTransform().inverse(0).item(); // → 0
 */
export class TanhTransform extends Transform {
  get domain(): Constraint {
    return real;
  }
  get codomain(): Constraint {
    return openInterval(-1, 1);
  }
  forward(x: TensorLike): Tensor {
    return tanh(x);
  }
  inverse(y: TensorLike): Tensor {
    return atanh(y);
  }
  logAbsDetJacobian(x: TensorLike): Tensor {
    return mul(2, sub(sub(Math.LN2, x), softplus(mul(-2, x))));
  }
}

/**
 * y = xᵖ on the positive reals; log|J| = log|p·y/x|.
 * @example
 * new PowerTransform(2).forward(3).item(); // → 9
 */
export class PowerTransform extends Transform {
  readonly exponent: Tensor;
  constructor(exponent: TensorLike) {
    super();
    this.exponent = asTensor(exponent);
  }
  get domain(): Constraint {
    return positive;
  }
  get codomain(): Constraint {
    return positive;
  }
  forward(x: TensorLike): Tensor {
    return pow(x, this.exponent);
  }
  inverse(y: TensorLike): Tensor {
    return pow(y, div(1, this.exponent));
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    return log(abs(div(mul(this.exponent, y), x)));
  }
}
