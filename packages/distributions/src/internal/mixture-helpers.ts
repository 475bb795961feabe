import { mul, reshape, sum, type Tensor } from "./ops.js";

/** Moves a one-hot selector `[..., K]` onto draws `[..., K, ...event]` and sums over K. */
export function select(draws: Tensor, sel: Tensor, eventDim: number): Tensor {
  const s = reshape(sel, [...sel.shape, ...new Array(eventDim).fill(1)]);
  return sum(mul(draws, s), -1 - eventDim);
}
