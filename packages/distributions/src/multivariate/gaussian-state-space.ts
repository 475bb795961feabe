import { type Constraint, realMatrix } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  concatenate,
  cumsum,
  diagonal,
  type Key,
  log,
  matmul,
  matT,
  mul,
  normal,
  reshape,
  ShapeError,
  sliceAxis,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  triangularSolve,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { HALF_LOG_2PI } from "../internal/util.js";
import { MultivariateNormal, type MVNScale } from "./mvn.js";

/**
 * NumPyro's GaussianStateSpace: a linear-Gaussian process over `numSteps` steps of a d-dimensional state,
 * xₜ = A xₜ₋₁ + εₜ with εₜ ~ N(0, Σ) and x₀ = `initialValue` (zeros by default); the event is the
 * `[numSteps, d]` trajectory x₁…x_T. log p(x) = Σₜ log N(xₜ | A xₜ₋₁, Σ).
 * @param numSteps - T, a positive integer.
 * @param transitionMatrix - A, `[d, d]`.
 * @param noise - Σ as `{ covarianceMatrix }`, `{ precisionMatrix }` or `{ scaleTril }` (may carry a batch shape).
 * @param initialValue - x₀, `[..., d]` (its batch dims join the batch shape).
 * @example
 * new GaussianStateSpace(3, [[0.5]], { covarianceMatrix: [[1]] }).variance.toArray(); // → [[1], [1.25], [1.3125]]
 */
export class GaussianStateSpace extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  static override readonly support: Constraint = realMatrix;
  static override readonly hasRsample = true;
  readonly numSteps: number;
  readonly transitionMatrix: Tensor;
  /** Lower Cholesky factor of Σ, `[...batch, d, d]`. */
  readonly scaleTril: Tensor;
  readonly initialValue: Tensor;
  constructor(
    numSteps: number,
    transitionMatrix: TensorLike,
    noise: MVNScale,
    initialValue?: TensorLike,
    options?: DistributionOptions,
  ) {
    const A = toFloat(asTensor(transitionMatrix));
    if (!Number.isInteger(numSteps) || numSteps < 1) {
      throw new ShapeError(
        "distribution-shape",
        `GaussianStateSpace: numSteps must be a positive integer, got ${numSteps}.`,
      );
    }
    if (A.shape.length !== 2 || A.shape[0] !== A.shape[1]) {
      throw new ShapeError(
        "distribution-shape",
        `GaussianStateSpace: transitionMatrix must be a square matrix, got shape [${A.shape.join(", ")}].`,
      );
    }
    const d = A.shape[0]!;
    const L = new MultivariateNormal(zeros([d]), noise, options).scaleTril;
    if (L.shape.at(-1) !== d) {
      throw new ShapeError(
        "distribution-shape",
        `GaussianStateSpace: the noise is ${L.shape.at(-1)}-dimensional but transitionMatrix is ${d}×${d}.`,
      );
    }
    const x0 = initialValue === undefined ? zeros([d]) : toFloat(asTensor(initialValue));
    const batch = broadcastShapes("GaussianStateSpace", L.shape.slice(0, -2), x0.shape.slice(0, -1));
    super(batch, [numSteps, d], options);
    this.numSteps = numSteps;
    this.transitionMatrix = A;
    this.scaleTril = broadcastTo(L, [...batch, d, d]);
    this.initialValue = broadcastTo(x0, [...batch, d]);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const d = this.eventShape[1]!;
    const lead = [...sampleShape, ...this.batchShape];
    const eps = normal(key, [...lead, this.numSteps, d, 1]);
    const noise = reshape(matmul(reshape(this.scaleTril, [...this.batchShape, 1, d, d]), eps), [
      ...lead,
      this.numSteps,
      d,
    ]);
    let x = broadcastTo(this.initialValue, [...lead, d]);
    const steps: Tensor[] = [];
    for (let t = 0; t < this.numSteps; t++) {
      x = add(
        reshape(matmul(reshape(x, [...lead, 1, d]), matT(this.transitionMatrix)), [...lead, d]),
        reshape(sliceAxis(noise, -2, t, t + 1), [...lead, d]),
      );
      steps.push(reshape(x, [...lead, 1, d]));
    }
    return concatenate(steps, -2);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const x = asTensor(value);
    const [T, d] = this.eventShape as [number, number];
    const lead = broadcastShapes("GaussianStateSpace.logProb", x.shape.slice(0, -2), this.batchShape);
    const xb = broadcastTo(x, [...lead, T, d]);
    const x0 = reshape(broadcastTo(this.initialValue, [...lead, d]), [...lead, 1, d]);
    const prev = concatenate([x0, sliceAxis(xb, -2, 0, T - 1)], -2);
    const diff = sub(xb, matmul(prev, matT(this.transitionMatrix)));
    const z = triangularSolve(broadcastTo(this.scaleTril, [...lead, d, d]), matT(diff), { lower: true });
    const logDet = sum(log(diagonal(this.scaleTril)), -1);
    return sub(sub(mul(-0.5, sum(square(z), [-2, -1])), mul(T, logDet)), T * d * HALF_LOG_2PI);
  }
  /** Aᵗ x₀ for t = 1…T. */
  override get mean(): Tensor {
    const d = this.eventShape[1]!;
    let x = this.initialValue;
    const steps: Tensor[] = [];
    for (let t = 0; t < this.numSteps; t++) {
      x = reshape(matmul(reshape(x, [...this.batchShape, 1, d]), matT(this.transitionMatrix)), [
        ...this.batchShape,
        d,
      ]);
      steps.push(reshape(x, [...this.batchShape, 1, d]));
    }
    return concatenate(steps, -2);
  }
  /** diag Σ_{k<t} Aᵏ Σ Aᵏᵀ for t = 1…T. */
  override get variance(): Tensor {
    const d = this.eventShape[1]!;
    let m = this.scaleTril;
    const diags: Tensor[] = [];
    for (let t = 0; t < this.numSteps; t++) {
      diags.push(reshape(diagonal(matmul(m, matT(m))), [...this.batchShape, 1, d]));
      m = matmul(this.transitionMatrix, m);
    }
    return cumsum(concatenate(diags, -2), -2);
  }
}
