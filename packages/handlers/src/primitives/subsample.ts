import type { Tensor } from "@phlox/tensor";
import { HandlerError } from "../internal/errors.js";
import { Message } from "../message.js";
import { applyStack, stackIsEmpty } from "../stack.js";

/**
 * Subsamples `data` along the batch dimensions of the enclosing subsampled plates (NumPyro's
 * `subsample`).
 * @param data - batched data.
 * @param eventDim - number of rightmost event dimensions of `data`.
 * @returns the subsampled data.
 * @example
 * plate("data", 3, () => subsample(tensor([1, 2, 3]), 0)).shape; // → [3]
 */
export function subsample(data: Tensor, eventDim: number): Tensor {
  if (stackIsEmpty()) return data;
  if (!Number.isInteger(eventDim) || eventDim < 0) {
    throw new HandlerError(
      "bad-event-dim",
      `subsample(data, ${eventDim}): eventDim must be a non-negative integer.`,
    );
  }
  const msg = new Message("subsample", "");
  msg.value = data;
  msg.eventDim = eventDim;
  applyStack(msg);
  return msg.value as Tensor;
}
