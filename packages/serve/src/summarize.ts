import { hpdiSorted } from "@phlox/diagnostics";

/** A number, or nested arrays of numbers shaped like a site (JSON out). */
export type NestedValue = number | NestedValue[];

/** What to compute for each predicted site. */
export interface SummaryOptions {
  /** Probabilities of the quantiles, each in [0, 1] (NumPy's `linear` method). */
  readonly quantiles: readonly number[];
  /** Mass of the highest-density interval, in (0, 1] (NumPyro's `hpdi`). */
  readonly hdiProb: number;
  /** Whether to return the draws themselves (`[numDraws, ...shape]`). */
  readonly returnDraws: boolean;
}

/** The predictive summary of one site for one row; every statistic is shaped like the site. */
export interface SiteSummary {
  readonly shape: readonly number[];
  readonly mean: NestedValue;
  /** Standard deviation over draws with ddof = 1 (as ArviZ's summary). */
  readonly sd: NestedValue;
  /** By probability, as written by `String(p)` (`"0.05"`, `"0.5"`, ...). */
  readonly quantiles: Readonly<Record<string, NestedValue>>;
  readonly hdi: { readonly prob: number; readonly lower: NestedValue; readonly upper: NestedValue };
  readonly draws?: NestedValue;
}

/** Reshapes flat values into nested arrays of `shape` (a number for `[]`). */
export function nest(flat: ArrayLike<number>, shape: readonly number[], offset = 0): NestedValue {
  if (shape.length === 0) return flat[offset];
  const [d, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  const out: NestedValue[] = new Array(d);
  for (let i = 0; i < d; i++) out[i] = nest(flat, rest, offset + i * stride);
  return out;
}

/** NumPy's `quantile(..., method="linear")` of sorted `s[0..n)`, with its lerp arithmetic. */
export function quantileOfSorted(s: Float64Array, p: number): number {
  const n = s.length;
  if (n === 1) return s[0];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return s[n - 1];
  const g = h - lo;
  const a = s[lo];
  const b = s[lo + 1];
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

/**
 * NumPyro's `hpdi` of sorted `s`: the narrowest `[s_i, s_{i+L}]` with L = ⌊prob·n⌋ (first on ties); at
 * prob = 1 every draw, [min, max] (`@phlox/diagnostics`' `hpdiSorted`, which this is).
 */
export function hdiOfSorted(s: Float64Array, prob: number): [number, number] {
  return hpdiSorted(s, s.length, prob);
}

/** A column of draws, reused by every call (grown when a call needs more); summaries run synchronously. */
let scratch = new Float64Array(1024);

/**
 * Summarises `n` draws of a site (draw-major, `size` values each): per element the mean, sd (ddof 1),
 * quantiles and HDI, shaped like the site; the draws too when asked.
 * @param draws - `[n · size]` values.
 * @param n - number of draws (≥ 2).
 * @param shape - the site's shape per draw.
 * @param options - quantiles, HDI mass, whether to return the draws.
 * @returns the summary.
 * @example
 * summarizeDraws(new Float64Array([1, 2, 3, 4]), 4, [], { quantiles: [0.5], hdiProb: 0.5, returnDraws: false }).mean; // → 2.5
 */
export function summarizeDraws(
  draws: Float64Array,
  n: number,
  shape: readonly number[],
  options: SummaryOptions,
): SiteSummary {
  const size = shape.reduce((a, b) => a * b, 1);
  const nq = options.quantiles.length;
  const mean = new Float64Array(size);
  const sd = new Float64Array(size);
  const lower = new Float64Array(size);
  const upper = new Float64Array(size);
  const qs: Float64Array[] = new Array(nq);
  for (let i = 0; i < nq; i++) qs[i] = new Float64Array(size);
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  const col = scratch.subarray(0, n); // reused across calls: summaries run synchronously
  for (let j = 0; j < size; j++) {
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const v = draws[k * size + j];
      col[k] = v;
      sum += v;
    }
    const m = sum / n;
    let ss = 0;
    for (let k = 0; k < n; k++) ss += (col[k] - m) ** 2;
    mean[j] = m;
    sd[j] = Math.sqrt(ss / (n - 1));
    col.sort();
    for (let i = 0; i < nq; i++) qs[i][j] = quantileOfSorted(col, options.quantiles[i]);
    const [lo, hi] = hdiOfSorted(col, options.hdiProb);
    lower[j] = lo;
    upper[j] = hi;
  }
  const quantiles: Record<string, NestedValue> = {};
  options.quantiles.forEach((p, i) => {
    quantiles[String(p)] = nest(qs[i], shape);
  });
  const out: SiteSummary = {
    shape: [...shape],
    mean: nest(mean, shape),
    sd: nest(sd, shape),
    quantiles,
    hdi: { prob: options.hdiProb, lower: nest(lower, shape), upper: nest(upper, shape) },
  };
  return options.returnDraws ? { ...out, draws: nest(draws.subarray(0, n * size), [n, ...shape]) } : out;
}
