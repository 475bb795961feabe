import type { Categorical } from "../discrete/categorical.js";
import { logSumExp, mul, reshape, sub, sum, type Tensor } from "./ops.js";

/** Moves a one-hot selector `[..., K]` onto draws `[..., K, ...event]` and sums over K. */
export function select(draws: Tensor, sel: Tensor, eventDim: number): Tensor {
  const s = reshape(sel, [...sel.shape, ...new Array(eventDim).fill(1)]);
  return sum(mul(draws, s), -1 - eventDim);
}

/**
 * The mixing weights' log-probabilities normalised over K (NumPyro's `log_softmax(mixing.logits)`): weights that
 * do not sum to 1 are renormalised, and the gradient in `probs` is NumPyro's (it differs from log pₖ's by a
 * constant across K, which no direction on the simplex sees).
 */
export function mixingLogProbs(mixing: Categorical): Tensor {
  const l = mixing.logits;
  return sub(l, logSumExp(l, -1, true));
}
