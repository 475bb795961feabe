/** Draws of one site: a Tensor (`dataSync()`, `shape`) or `{ data, shape }`, as the samplers return them. */
export type SiteDraws =
  | { readonly data: ArrayLike<number>; readonly shape: readonly number[] }
  | { dataSync(): ArrayLike<number>; readonly shape: readonly number[] };

/**
 * Reads draws whichever form they come in (a Tensor or `{ data, shape }`) as a Float64Array and a shape.
 * @param v - the draws.
 * @returns `{ data, shape }`.
 */
export function toDraws(v: SiteDraws): { data: Float64Array; shape: number[] } {
  const data = "dataSync" in v ? v.dataSync() : v.data;
  return { data: Float64Array.from(data), shape: [...v.shape] };
}
