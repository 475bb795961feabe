import { histogramEdges, linspaceEdges } from "./histogram.js";

/** Ranks 1…n of `x` with ties given their average rank, as `scipy.stats.rankdata(x, method="average")`. */
export function rankData(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** ArviZ's default number of rank bins: Sturges' formula doubled, ⌈2·log2(draws)⌉ + 1. */
export function defaultRankBins(numDraws: number): number {
  return Math.ceil(2 * Math.log2(numDraws)) + 1;
}

/** Rank histograms of one scalar quantity, as ArviZ's `plot_rank` computes them. */
export interface RankHistogram {
  /** Bin edges over [0, chains·draws]. */
  edges: Float64Array;
  /** `counts[chain][bin]`. */
  counts: Float64Array[];
}

/**
 * Ranks the pooled draws of all chains (average ranks for ties) and counts each chain's ranks in `bins`
 * equal bins over [0, chains·draws], as ArviZ's `plot_rank`.
 * @param data - draws, row-major `[chain, draw]`.
 * @param numChains - number of chains.
 * @param bins - number of bins; default {@link defaultRankBins} of the draws per chain.
 * @returns the edges and per-chain counts.
 * @example
 * rankHistogram(Float64Array.from([1, 2, 3, 4]), 2, 2).counts.map((c) => Array.from(c)); // → [[2, 0], [0, 2]]
 */
export function rankHistogram(data: Float64Array, numChains: number, bins?: number): RankHistogram {
  const n = data.length;
  const D = n / numChains;
  const nb = bins ?? defaultRankBins(D);
  const ranks = rankData(data);
  const edges = linspaceEdges(0, n, nb);
  const counts: Float64Array[] = [];
  for (let c = 0; c < numChains; c++) counts.push(histogramEdges(ranks.subarray(c * D, (c + 1) * D), edges));
  return { edges, counts };
}
