import { type Constraint, independent, real } from "../constraints/constraint.js";
import { ZeroSum } from "../constraints/zero-sum.js";
import {
  add,
  asTensor,
  broadcastTo,
  concatenate,
  div,
  mul,
  sliceAxis,
  sub,
  sum,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { Transform } from "./transform.js";

/**
 * Maps ℝ^{n₁−1 × … × n_k−1} onto arrays whose rightmost k = `transformNdims` axes each sum to zero
 * (NumPyro's ZeroSumTransform, after PyMC): along each axis of size m = n − 1 it appends
 * s/(√n + n) − s/√n (s the sum along the axis) and subtracts s/(√n + n) from every entry. The map is an
 * isometry onto the zero-sum subspace, so log|det J| = 0.
 * @param transformNdims - number of rightmost axes to constrain (default 1).
 * @example
 * new ZeroSumTransform().forward([1, 2]).sum().item(); // → 0
 */
export class ZeroSumTransform extends Transform {
  constructor(readonly transformNdims = 1) {
    super();
  }
  get domain(): Constraint {
    return independent(real, this.transformNdims);
  }
  get codomain(): Constraint {
    return new ZeroSum(this.transformNdims);
  }
  forward(x: TensorLike): Tensor {
    let t = asTensor(x);
    for (let k = this.transformNdims; k >= 1; k--) t = extendAxis(t, -k);
    return t;
  }
  inverse(y: TensorLike): Tensor {
    let t = asTensor(y);
    for (let k = this.transformNdims; k >= 1; k--) t = extendAxisRev(t, -k);
    return t;
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    const k = this.transformNdims;
    const xs = asTensor(x).shape;
    const ys = asTensor(y).shape;
    return broadcastTo(
      0,
      broadcastShapes("ZeroSumTransform", xs.slice(0, xs.length - k), ys.slice(0, ys.length - k)),
    );
  }
  override forwardShape(shape: readonly number[]): number[] {
    const k = this.transformNdims;
    return [...shape.slice(0, shape.length - k), ...shape.slice(shape.length - k).map((s) => s + 1)];
  }
  override inverseShape(shape: readonly number[]): number[] {
    const k = this.transformNdims;
    return [...shape.slice(0, shape.length - k), ...shape.slice(shape.length - k).map((s) => s - 1)];
  }
}

function extendAxis(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? x.shape.length + axis : axis;
  const n = x.shape[ax]! + 1;
  const s = sum(x, ax, true);
  const norm = div(s, Math.sqrt(n) + n);
  const fill = sub(norm, div(s, Math.sqrt(n)));
  return sub(concatenate([x, fill], ax), norm);
}

function extendAxisRev(y: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? y.shape.length + axis : axis;
  const n = y.shape[ax]!;
  const last = sliceAxis(y, ax, n - 1, n);
  const norm = div(mul(last, -Math.sqrt(n)), Math.sqrt(n) + n);
  return add(sliceAxis(y, ax, 0, n - 1), norm);
}
