import type { Key } from "@phlox/tensor";
import { warn } from "../internal/errors.js";
import { Message } from "../message.js";
import { applyStack, stackIsEmpty } from "../stack.js";

/**
 * Draws a fresh PRNG key from the enclosing `seed` (NumPyro's `prng_key`).
 * @returns a key, or `null` (with a warning) when no handler can provide one.
 * @example
 * seed(() => prngKey(), 0)() !== null; // → true
 */
export function prngKey(): Key | null {
  if (stackIsEmpty()) {
    warn("prng-key-outside-seed", "prngKey() was called outside any seed handler and returns null.");
    return null;
  }
  const msg = applyStack(new Message("prngKey", ""));
  return msg.key;
}
