import { type Constraint, orderedVector, real } from "../constraints/constraint.js";
import type { DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  concatenate,
  eq,
  log1mexp,
  neg,
  reshape,
  sliceAxis,
  softplus,
  sub,
  type Tensor,
  type TensorLike,
  where,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { Categorical } from "./categorical.js";

/**
 * OrderedLogistic(predictor η, cutpoints c `[..., K−1]`): a Categorical over K ordered classes with
 * P(Y ≤ k) = σ(c_k − η).
 *
 * The log-probabilities are formed in log space, never as differences of sigmoids (which round to 0, or keep a
 * digit or two, once both sigmoids are within ε of 1 or both underflow): with d_k = c_k − η,
 * log P(0) = −softplus(−d₀), log P(K−1) = −softplus(d_{K−2}), and in between
 * log(σ(d_k) − σ(d_{k−1})) = −softplus(−d_k) − softplus(d_{k−1}) + log(1 − e^(c_{k−1} − c_k)).
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
  private readonly logp: Tensor;
  constructor(predictor: TensorLike, cutpoints: TensorLike, options?: DistributionOptions) {
    const eta = asTensor(predictor);
    const c0 = asTensor(cutpoints);
    const shape = broadcastShapes("OrderedLogistic", [...eta.shape, 1], c0.shape);
    const c = broadcastTo(c0, shape);
    const d = sub(c, broadcastTo(reshape(eta, [...eta.shape, 1]), shape));
    const n = shape[shape.length - 1]!;
    const zero = zeros([...shape.slice(0, -1), 1]);
    // log σ(d_k) for the upper end of classes 0..K−2, log(1 − σ(d_{k−1})) for the lower end of classes 1..K−1
    const logUpper = concatenate([neg(softplus(neg(d))), zero], -1);
    const logLower = concatenate([zero, neg(softplus(d))], -1);
    // log(1 − e^(c_{k−1} − c_k)) from the cutpoints themselves (not d_{k−1} − d_k, which rounds with η); equal
    // cutpoints (infinite ones too, where the difference is ∞ − ∞) leave an empty class: log(1 − e⁰) = −∞
    const lo = sliceAxis(c, -1, 0, n - 1);
    const hi = sliceAxis(c, -1, 1, n);
    const gap = log1mexp(where(eq(lo, hi), 0, sub(lo, hi)));
    const logp = add(add(logUpper, logLower), concatenate([zero, gap, zero], -1));
    super({ logits: logp }, options);
    this.validateParams({ predictor: eta, cutpoints: c0 });
    this.predictor = eta;
    this.cutpoints = c0;
    this.logp = logp;
  }
  /** Normalised log-probabilities `[..., K]` (already normalised: no log-sum-exp). */
  override get logits(): Tensor {
    return this.logp;
  }
}
