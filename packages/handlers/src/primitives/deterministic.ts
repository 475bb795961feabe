import type { Tensor } from "@phlox/tensor";
import { Message } from "../message.js";
import { applyStack, stackIsEmpty } from "../stack.js";

/**
 * Records a deterministic function of other sites in the trace (NumPyro's `deterministic`), so
 * that it appears in posterior samples and predictions.
 * @param name - the site name.
 * @param value - the value to record.
 * @returns `value` (or a value substituted by a handler).
 * @example
 * deterministic("y", tensor(2)).item(); // → 2
 */
export function deterministic(name: string, value: Tensor): Tensor {
  if (stackIsEmpty()) return value;
  const msg = new Message("deterministic", name);
  msg.value = value;
  applyStack(msg);
  return msg.value ?? value;
}
