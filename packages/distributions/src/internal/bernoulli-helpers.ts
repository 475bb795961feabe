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

/**
 * The one-object form of a distribution with a count (or temperature) and probs/logits, as NumPyro's
 * keyword arguments: `{ totalCount, logits }` (`key` names the first parameter).
 */
export type WithProbsOrLogits<K extends string> = { [P in K]: TensorLike } & ProbsOrLogits;

/**
 * Accepts both `(first, p, options?)` and `({ [key]: first, probs | logits }, options?)`.
 * @throws PhloxError (`distribution-bad-arguments`) when the object lacks `key` or has both or neither of
 *   probs and logits, and (`distribution-missing-parameter`) for an `undefined` positional parameter.
 */
export function countedArgs<K extends string, O>(
  who: string,
  key: K,
  a: TensorLike | WithProbsOrLogits<K>,
  b: TensorLike | ProbsOrLogits | O | undefined,
  c: O | undefined,
): { first: TensorLike; p: TensorLike | ProbsOrLogits; options: O | undefined } {
  if (isParamObject(a)) {
    const o = a as Record<string, unknown>;
    if (o[key] === undefined) {
      throw new PhloxError(
        "distribution-bad-arguments",
        `${who}({ ${key}, probs | logits }): ${key} is missing or undefined.`,
      );
    }
    const p = o.logits !== undefined ? { logits: o.logits as TensorLike } : { probs: o.probs as TensorLike };
    if ((o.logits === undefined) === (o.probs === undefined)) {
      throw new PhloxError("distribution-bad-arguments", `${who}: pass exactly one of probs or logits.`);
    }
    return { first: o[key] as TensorLike, p, options: b as O | undefined };
  }
  if (a === undefined || b === undefined) {
    throw new PhloxError(
      "distribution-missing-parameter",
      `${who}: parameter ${a === undefined ? key : "probs/logits"} is undefined. Pass a number or tensor, ` +
        `or the object form new ${who}({ ${key}, logits }).`,
    );
  }
  return { first: a as TensorLike, p: b as TensorLike | ProbsOrLogits, options: c };
}

/** A plain `{ ... }` parameter object (not an array, a tensor or a number). */
function isParamObject(x: unknown): boolean {
  if (typeof x !== "object" || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * The implementation signature of a constructor that takes `(first, p, options?)` or
 * `({ [key]: first, probs | logits }, options?)`.
 */
export type CountedArgs<K extends string, O> = [
  a: TensorLike | WithProbsOrLogits<K>,
  b?: TensorLike | ProbsOrLogits | O,
  c?: O,
];

/**
 * {@link countedArgs} then {@link probsOrLogits}: the first parameter, the probs or logits value with its
 * flag, and the options.
 * @throws PhloxError as {@link countedArgs} and {@link probsOrLogits} do.
 */
export function countedProbsArgs<K extends string, O>(
  who: string,
  key: K,
  [a, b, c]: CountedArgs<K, O>,
): { first: TensorLike; value: TensorLike; isLogits: boolean; options: O | undefined } {
  const { first, p, options } = countedArgs(who, key, a, b, c);
  return { first, ...probsOrLogits(who, p), options };
}
