import { histogramEdges, linspaceEdges } from "./histogram.js";

/** Ranks 1…n of `x` with ties given their average rank, as `scipy.stats.rankdata(x, method="average")`. */
export function rankData(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const s = (x instanceof Float64Array ? x.slice() : Float64Array.from(x)).sort();
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    // first index ≥ v and first index > v in the sorted copy
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (s[m]! < v) lo = m + 1;
      else hi = m;
    }
    let lo2 = lo;
    let hi2 = n;
    while (lo2 < hi2) {
      const m = (lo2 + hi2) >> 1;
      if (s[m]! <= v) lo2 = m + 1;
      else hi2 = m;
    }
    r[i] = (lo + lo2 + 1) / 2;
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
 * rankHistogram(Float64Array.from([1, 2, 3, 4]), 2, 2).counts.map((c) => Array.from(c)); // → [[1, 1], [0, 2]]
 */
export function rankHistogram(data: Float64Array, numChains: number, bins?: number): RankHistogram {
  const n = data.length;
  const D = n / numChains;
  const nb = bins ?? defaultRankBins(D);
  const edges = linspaceEdges(0, n, nb);
  // Each chain's values sorted, merged against all values sorted: #(< v) and #(≤ v) give v's average rank
  // (the same numbers rankData gives, without a rank per draw).
  const all = data.slice().sort();
  const counts: Float64Array[] = [];
  const ranks = new Float64Array(D);
  for (let c = 0; c < numChains; c++) {
    const mine = data.slice(c * D, (c + 1) * D).sort();
    let less = 0;
    let leq = 0;
    for (let i = 0; i < D; i++) {
      const v = mine[i]!;
      while (less < n && all[less]! < v) less++;
      if (leq < less) leq = less;
      while (leq < n && all[leq]! <= v) leq++;
      ranks[i] = (less + leq + 1) / 2;
    }
    counts.push(histogramEdges(ranks, edges));
  }
  return { edges, counts };
}
