import { type Draws, type NumericArray, type TensorLike, toFlat } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { quantileSorted } from "./internal/core.js";

function isDrawsObject(x: NumericArray | Draws | TensorLike): x is Draws | TensorLike {
  return !Array.isArray(x) && !(x instanceof Float64Array) && !(x instanceof Float32Array);
}

/**
 * Highest-density interval of sorted draws: the narrowest [s_i, s_{i+L}] with L = ⌊prob·n⌋ over s[0..n)
 * (the first on ties), as NumPyro's `hpdi` and ArviZ's `hdi`. At prob = 1, where both raise (⌊n⌋ = n leaves
 * no interval to compare), L = n − 1: [min, max], the interval holding every draw and the limit ArviZ gives
 * for every prob in [(n − 1)/n, 1). As NumPy's argmin, the first NaN width wins (NaN sorts last, so draws
 * containing NaN give a NaN bound, like NumPyro and ArviZ).
 * @param s - draws sorted ascending (NaN last), at least `n` of them.
 * @param n - number of draws used, ≥ 1.
 * @param prob - mass of the interval, in (0, 1] (not checked here; {@link hpdi} checks it).
 * @returns `[lower, upper]`.
 * @example
 * hpdiSorted(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 10, 0.5); // → [1, 6]
 */
export function hpdiSorted(s: Float64Array, n: number, prob: number): [number, number] {
  const len = Math.min(Math.floor(prob * n), n - 1);
  const count = n - len;
  let best = 0;
  let width = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const w = s[i + len] - s[i];
    if (Number.isNaN(w)) {
      best = i;
      break;
    }
    if (w < width) {
      width = w;
      best = i;
    }
  }
  return [s[best], s[best + len]];
}

/**
 * Highest posterior density interval: the narrowest interval holding ⌊prob·n⌋ + 1 of the sorted draws
 * (NumPyro `hpdi`, ArviZ `hdi` for unimodal draws); at prob = 1 every draw, [min, max] (see
 * {@link hpdiSorted}: NumPyro and ArviZ raise there).
 * @param x - draws: a 1-D array, or a tensor or `{ data, shape: [n, ...rest] }` reduced over the first axis.
 * @param prob - probability mass of the interval, in (0, 1]; default 0.9.
 * @returns Float64Array `[lower, upper]` for 1-D input, else shape `[2, ...rest]` (lower row, then upper).
 * @throws DiagnosticsError for prob outside (0, 1] or empty draws.
 * @example
 * Array.from(hpdi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)); // → [1, 6]
 */
export function hpdi(x: NumericArray | Draws | TensorLike, prob = 0.9): Float64Array {
  if (!(prob > 0 && prob <= 1)) {
    throw new DiagnosticsError("invalid-argument", `hpdi(x, prob): prob must lie in (0, 1], got ${prob}.`);
  }
  const { data, shape } = isDrawsObject(x)
    ? toFlat(x, "hpdi(x)")
    : { data: x instanceof Float64Array ? x : Float64Array.from(x), shape: [x.length] };
  const n = shape.length === 0 ? 1 : shape[0];
  if (n === 0) throw new DiagnosticsError("invalid-input", "hpdi(x): no draws.");
  const rest = data.length / n;
  const out = new Float64Array(2 * rest);
  const col = new Float64Array(n);
  for (let e = 0; e < rest; e++) {
    for (let i = 0; i < n; i++) col[i] = data[i * rest + e];
    col.sort();
    const [lo, hi] = hpdiSorted(col, n, prob);
    out[e] = lo;
    out[rest + e] = hi;
  }
  return out;
}

/**
 * Quantiles of 1-D draws by linear interpolation between order statistics (R type 7, NumPy `linear`).
 * @param x - the draws.
 * @param q - a probability in [0, 1], or several.
 * @returns a number for one probability, a Float64Array for several.
 * @throws DiagnosticsError for a probability outside [0, 1] or empty draws.
 * @example
 * quantile([1, 2, 3, 4], 0.5); // → 2.5
 */
export function quantile(x: NumericArray | TensorLike, q: number): number;
export function quantile(x: NumericArray | TensorLike, q: readonly number[]): Float64Array;
export function quantile(x: NumericArray | TensorLike, q: number | readonly number[]): number | Float64Array {
  const xs = isDrawsObject(x) ? toFlat(x, "quantile(x, q)").data : x;
  const n = xs.length;
  if (n === 0) throw new DiagnosticsError("invalid-input", "quantile(x, q): no draws.");
  const s = Float64Array.from(xs).sort();
  const one = (p: number): number => {
    if (!(p >= 0 && p <= 1)) {
      throw new DiagnosticsError("invalid-argument", `quantile(x, q): q must lie in [0, 1], got ${p}.`);
    }
    return quantileSorted(s, n, p);
  };
  if (typeof q === "number") return one(q);
  return Float64Array.from(q, one);
}
