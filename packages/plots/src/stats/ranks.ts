import { linspaceEdges } from "./histogram.js";
import { Slot, scratch } from "./scratch.js";
import { sortInPlace, sortRange } from "./sort.js";

/**
 * Bottom-up merge passes over `src` made of sorted runs of length `run` (the last may be shorter), ping-
 * ponging between the two work arrays; returns the fully sorted one.
 */
function mergeRuns(src: Float64Array, run: number, a: Float64Array, b: Float64Array): Float64Array {
  const n = src.length;
  let from = src;
  let to = a;
  for (let w = run; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(lo + w, n);
      const hi = Math.min(lo + 2 * w, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) to[k++] = from[i]! <= from[j]! ? from[i++]! : from[j++]!;
      while (i < mid) to[k++] = from[i++]!;
      while (j < hi) to[k++] = from[j++]!;
    }
    from = to;
    to = to === a ? b : a;
  }
  return from;
}

/**
 * `histogramEdges` for ascending values: one walk along the edges instead of a binary search per value
 * (the same bins: the largest k < bins with edges[k] ≤ v; values outside [edges[0], edges[bins]] dropped).
 */
function histogramSorted(x: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const first = edges[0]!;
  const last = edges[bins]!;
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!(v >= first && v <= last)) continue;
    while (k + 1 < bins && edges[k + 1]! <= v) k++;
    counts[k]++;
  }
  return counts;
}

/** Ranks 1…n of `x` with ties given their average rank, as `scipy.stats.rankdata(x, method="average")`. */
export function rankData(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const s = sortInPlace(x instanceof Float64Array ? x.slice() : Float64Array.from(x));
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
 * @param bins - number of bins; default `defaultRankBins` of the draws per chain.
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
  // each chain sorted once (in a work array); all values sorted by merging the sorted chains
  const chains = scratch(Slot.RankChains, n);
  chains.set(data);
  for (let c = 0; c < numChains; c++) sortRange(chains, c * D, (c + 1) * D - 1);
  const all = mergeRuns(chains, D, scratch(Slot.RankMergeA, n), scratch(Slot.RankMergeB, n));
  const counts: Float64Array[] = [];
  const ranks = scratch(Slot.RankRanks, D);
  for (let c = 0; c < numChains; c++) {
    const off = c * D;
    let less = 0;
    let leq = 0;
    for (let i = 0; i < D; i++) {
      const v = chains[off + i]!;
      while (less < n && all[less]! < v) less++;
      if (leq < less) leq = less;
      while (leq < n && all[leq]! <= v) leq++;
      ranks[i] = (less + leq + 1) / 2;
    }
    counts.push(histogramSorted(ranks, edges));
  }
  return { edges, counts };
}
