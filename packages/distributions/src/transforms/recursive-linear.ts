import { type Constraint, realMatrix } from "../constraints/constraint.js";
import {
  asTensor,
  broadcastTo,
  concatenate,
  matmul,
  matT,
  reshape,
  ShapeError,
  sliceAxis,
  sub,
  type Tensor,
  type TensorLike,
  toFloat,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes, fmtShape } from "../internal/shape.js";
import { Transform } from "./transform.js";

/**
 * The linear recursion yₜ = A yₜ₋₁ + xₜ over the time axis (NumPyro's `RecursiveLinearTransform`), with
 * y₋₁ = `initialValue` (default 0). Values are matrices `[..., T, n]` (time on axis −2); A is `[..., n, n]`
 * and may carry a batch of transition matrices. The map is unit lower-block-triangular, so log|det J| = 0.
 * Use it to turn independent innovations into a (vector) autoregressive process, e.g. a random walk with
 * A = I inside a `TransformedDistribution`.
 * @param transitionMatrix - A, `[..., n, n]`.
 * @param initialValue - y₋₁, `[..., n]` (default zeros).
 * @throws ShapeError when A is not square or `initialValue` does not end in n.
 * @example
 * new RecursiveLinearTransform([[1]]).forward([[1], [2], [3]]).toArray(); // → [[1], [3], [6]]
 */
export class RecursiveLinearTransform extends Transform {
  readonly transitionMatrix: Tensor;
  readonly initialValue: Tensor;
  constructor(transitionMatrix: TensorLike, initialValue?: TensorLike) {
    super();
    const a = toFloat(asTensor(transitionMatrix));
    const n = a.shape.at(-1);
    if (a.shape.length < 2 || n === undefined || a.shape.at(-2) !== n)
      throw new ShapeError(
        "transform-shape",
        `RecursiveLinearTransform: transitionMatrix must be square matrices [..., n, n], got ${fmtShape(a.shape)}.`,
      );
    const iv = initialValue === undefined ? zeros([n]) : toFloat(asTensor(initialValue));
    if (iv.shape.at(-1) !== n)
      throw new ShapeError(
        "transform-shape",
        `RecursiveLinearTransform: initialValue must end in the ${n} states of transitionMatrix ` +
          `${fmtShape(a.shape)}, got ${fmtShape(iv.shape)}.`,
      );
    this.transitionMatrix = a;
    this.initialValue = iv;
  }
  get domain(): Constraint {
    return realMatrix;
  }
  get codomain(): Constraint {
    return realMatrix;
  }
  /** y₋₁ broadcast to the batch of values, A's batch and its own, as `[..., 1, n]`. */
  private initial(sampleShape: readonly number[]): Tensor {
    const n = this.initialValue.shape.at(-1)!;
    const batch = broadcastShapes(
      "RecursiveLinearTransform",
      sampleShape,
      this.transitionMatrix.shape.slice(0, -2),
      this.initialValue.shape.slice(0, -1),
    );
    return reshape(broadcastTo(this.initialValue, [...batch, n]), [...batch, 1, n]);
  }
  private checkValue(v: Tensor, what: string): void {
    const n = this.initialValue.shape.at(-1)!;
    if (v.shape.length < 2 || v.shape.at(-1) !== n)
      throw new ShapeError(
        "transform-shape",
        `RecursiveLinearTransform.${what}: values must be [..., T, ${n}] (time on axis −2), got ${fmtShape(v.shape)}.`,
      );
  }
  forward(x: TensorLike): Tensor {
    const xt = toFloat(asTensor(x));
    this.checkValue(xt, "forward");
    const steps = xt.shape.at(-2)!;
    const at = matT(this.transitionMatrix);
    let y = this.initial(xt.shape.slice(0, -2));
    const out: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      y = matmul(y, at).add(sliceAxis(xt, -2, t, t + 1));
      out.push(y);
    }
    return out.length === 1 ? out[0]! : concatenate(out, -2);
  }
  inverse(y: TensorLike): Tensor {
    const yt = toFloat(asTensor(y));
    this.checkValue(yt, "inverse");
    const steps = yt.shape.at(-2)!;
    const init = this.initial(yt.shape.slice(0, -2));
    const lead = broadcastShapes("RecursiveLinearTransform", init.shape.slice(0, -2), yt.shape.slice(0, -2));
    const yb = broadcastTo(yt, [...lead, ...yt.shape.slice(-2)]);
    const prev =
      steps === 1
        ? broadcastTo(init, [...lead, ...init.shape.slice(-2)])
        : concatenate(
            [broadcastTo(init, [...lead, ...init.shape.slice(-2)]), sliceAxis(yb, -2, 0, steps - 1)],
            -2,
          );
    return sub(yb, matmul(prev, matT(this.transitionMatrix)));
  }
  logAbsDetJacobian(x: TensorLike, _y: TensorLike): Tensor {
    const xt = asTensor(x);
    return zeros(xt.shape.slice(0, -2));
  }
}
