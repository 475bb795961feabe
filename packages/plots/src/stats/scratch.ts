/**
 * Reusable work arrays for the statistics drawn hundreds of times per figure (a trace of 100 variables × 4
 * chains computes 400 KDEs): V8 allocates every Float64Array longer than 64 bytes outside the heap, and
 * allocating and collecting thousands of them per figure cost more than the arithmetic. Each caller owns
 * its slots; an array is valid until its slot is requested again, so results are never scratch arrays.
 */

/** Slots (one per work array; functions that call each other use different ones). */
export const Slot = {
  KdeF: 0,
  KdePadded: 1,
  KdeKernel: 2,
  KdeCounts: 3,
  KdeEdges: 4,
  SilvermanCopy: 5,
  IsjRel: 6,
  IsjRe: 7,
  IsjIm: 8,
  IsjAk: 9,
  IsjPow: 10,
  IsjWeight2: 11,
  IsjWeight3: 12,
  IsjWeight4: 13,
  IsjWeight5: 14,
  IsjWeight6: 15,
  IsjWeight7: 16,
  RankChains: 17,
  RankMergeA: 18,
  RankMergeB: 19,
  RankRanks: 20,
} as const;

/** A slot number. */
export type SlotId = (typeof Slot)[keyof typeof Slot];

const pool: (Float64Array | undefined)[] = [];

/** The work array of `slot` with exactly `n` elements (contents left from earlier use unless `zero`). */
export function scratch(slot: SlotId, n: number, zero = false): Float64Array {
  let a = pool[slot];
  if (a === undefined || a.length !== n) {
    a = new Float64Array(n);
    pool[slot] = a;
  } else if (zero) a.fill(0);
  return a;
}
