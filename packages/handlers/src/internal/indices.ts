import { arangeIndices, int32Tensor, type Key, type Tensor, uniformNumbers } from "./ops.js";

export { arangeIndices };

/**
 * `n` distinct indices from `[0, size)`, uniformly at random: the last `n` positions of a partial
 * Fisher–Yates shuffle (the algorithm NumPyro's `_subsample_fn` uses on CPU).
 */
export function subsampleIndices(k: Key, size: number, n: number): Tensor {
  const perm = new Int32Array(size);
  for (let i = 0; i < size; i++) perm[i] = i;
  const u = uniformNumbers(k, n);
  for (let t = 0; t < n; t++) {
    const i = size - 1 - t;
    const j = Math.min(i, Math.floor(u[t] * (i + 1)));
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  return int32Tensor(Array.from(perm.subarray(size - n)));
}
