import { type Constraint, orderedVector, real } from "../constraints/constraint.js";
import type { DistributionOptions } from "../distribution.js";
import {
  asTensor,
  broadcastTo,
  concatenate,
  ones,
  reshape,
  sigmoid,
  sub,
  type Tensor,
  type TensorLike,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { Categorical } from "./categorical.js";

/**
 * OrderedLogistic(predictor η, cutpoints c `[..., K−1]`): a Categorical over K ordered classes with
 * P(Y ≤ k) = σ(c_k − η).
 * @example
 * new OrderedLogistic(0, [0]).probs.toArray(); // → [0.5, 0.5]
 */
export class OrderedLogistic extends Categorical {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    predictor: real,
    cutpoints: orderedVector,
  };
  readonly predictor: Tensor;
  readonly cutpoints: Tensor;
  constructor(predictor: TensorLike, cutpoints: TensorLike, options?: DistributionOptions) {
    const eta = asTensor(predictor);
    const c = asTensor(cutpoints);
    const shape = broadcastShapes("OrderedLogistic", [...eta.shape, 1], c.shape);
    const cum = sigmoid(sub(broadcastTo(c, shape), broadcastTo(reshape(eta, [...eta.shape, 1]), shape)));
    const batch = shape.slice(0, -1);
    const upper = concatenate([cum, ones([...batch, 1])], -1);
    const lower = concatenate([zeros([...batch, 1]), cum], -1);
    super({ probs: sub(upper, lower) }, options);
    this.validateParams({ predictor: eta, cutpoints: c });
    this.predictor = eta;
    this.cutpoints = c;
  }
}
