import { type ProbsOrLogits, probsOrLogits } from "./bernoulli-helpers.js";
import { asTensor, log, log1p, neg, sigmoid, softplus, type Tensor, type TensorLike } from "./ops.js";

export function gateParts(
  who: string,
  gate: TensorLike | ProbsOrLogits,
): { logGate: Tensor; log1mGate: Tensor; gate: Tensor } {
  const { value, isLogits } = probsOrLogits(who, gate);
  const g = asTensor(value);
  if (isLogits) return { logGate: neg(softplus(neg(g))), log1mGate: neg(softplus(g)), gate: sigmoid(g) };
  return { logGate: log(g), log1mGate: log1p(neg(g)), gate: g };
}
