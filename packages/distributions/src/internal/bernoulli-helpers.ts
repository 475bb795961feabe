import { log, PhloxError, sub, type Tensor, type TensorLike } from "./ops.js";

/** Either probabilities or logits (log-odds). */
export type ProbsOrLogits =
  | { probs: TensorLike; logits?: undefined }
  | { logits: TensorLike; probs?: undefined };

/** Splits `TensorLike | { probs } | { logits }` into a parameter tensor and a flag. */
export function probsOrLogits(
  who: string,
  p: TensorLike | ProbsOrLogits,
): { value: TensorLike; isLogits: boolean } {
  if (typeof p === "object" && p !== null && !Array.isArray(p) && ("probs" in p || "logits" in p)) {
    const o = p as ProbsOrLogits;
    if (o.logits !== undefined) return { value: o.logits, isLogits: true };
    if (o.probs !== undefined) return { value: o.probs, isLogits: false };
    throw new PhloxError(
      "distribution-bad-arguments",
      `${who}: pass exactly one of { probs } or { logits }.`,
    );
  }
  return { value: p as TensorLike, isLogits: false };
}

export const logitOf = (p: Tensor): Tensor => sub(log(p), log(sub(1, p)));
