/** What the ensemble kernels (AIES, ESS) share about their moves. */
import type { ChainRandom } from "@phlox/tensor";
import { normaliseMoves } from "../ensemble.js";
import { randInt } from "../potential-kernel.js";

/** A kernel's moves with their normalised weights, and the pairs as given (for the worker recipe). */
export interface MoveTable<M> {
  moves: M[];
  weights: number[];
  /** The [move, weight] pairs the user gave, or undefined for the default move. */
  raw: [M, number][] | undefined;
}

/** Checks and normalises `moves` (see {@link normaliseMoves}); `fallback` alone when they are undefined. */
export function moveTable<M>(
  name: string,
  moves: ReadonlyArray<readonly [M, number]> | ReadonlyMap<M, number> | undefined,
  fallback: M,
  isMove: (m: unknown) => m is M,
  valid: string,
): MoveTable<M> {
  const m = normaliseMoves(name, moves, fallback, isMove, valid);
  return { ...m, raw: moves ? m.moves.map((mv, i) => [mv, m.weights[i]]) : undefined };
}

/** Two distinct indices i ≠ j drawn uniformly from {0, …, m − 1} (i first). */
export function distinctPair(rng: ChainRandom, m: number): [number, number] {
  const i = randInt(rng, m);
  let j = randInt(rng, m - 1);
  if (j >= i) j++;
  return [i, j];
}
