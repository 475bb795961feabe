/**
 * A Float64Array copy of a tensor's (or any `dataSync()` array's) elements, for tests that index, sort or
 * reduce draws returned as `Tensor`s.
 * @param t - anything with a synchronous `dataSync()` read.
 * @returns a new Float64Array.
 * @example
 * f64({ dataSync: () => [1, 2] })[1]; // → 2
 */
export function f64(t: { dataSync(): ArrayLike<number> }): Float64Array {
  return Float64Array.from(t.dataSync());
}
