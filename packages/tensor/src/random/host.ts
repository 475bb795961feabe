/**
 * Samplers that need data-dependent loops (rejection, inversion by search) run on the host over a concrete
 * key: element i draws its uniforms from the threefry stream with counters (j, i), j = 0, 1, …, so results
 * are identical on every backend and every run. The outputs are constants for autodiff. (Gamma, Beta, Dirichlet,
 * Poisson and Binomial are traceable and live in gamma.ts, poisson.ts and binomial.ts; they are re-exported here.)
 */
import { ConstraintError } from "../core/errors.js";
import { broadcastShapes, sizeOf, stridesOf } from "../core/shape.js";
import { fromArray, type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { type Key, keyWords } from "./key.js";
import { threefry2x32 } from "./threefry.js";

export { binomial } from "./binomial.js";
export { beta, dirichlet, gamma } from "./gamma.js";
export { poisson } from "./poisson.js";

/**
 * (k + ½)/2⁵³ from the top 53 bits of two uint32 words, strictly inside (0, 1): for k = 2⁵³ − 1, where k + ½ rounds
 * up to 2⁵³, it returns 1 − 2⁻⁵³ instead of 1. (Exported for tests.)
 * @param w0 - high word (uint32).
 * @param w1 - low word (uint32).
 * @returns a float64 in [2⁻⁵⁴, 1 − 2⁻⁵³].
 */
export function openUnit53(w0: number, w1: number): number {
  const u = ((w0 >>> 5) * 67108864 + (w1 >>> 6) + 0.5) / 9007199254740992;
  return u < 1 ? u : 0.9999999999999999;
}

/** A per-element uniform stream on the open interval (0, 1). */
export class Stream {
  private readonly w = new Uint32Array(2);
  private j = 0;
  constructor(
    private readonly k0: number,
    private readonly k1: number,
    private readonly i: number,
  ) {}
  uniform(): number {
    threefry2x32(this.k0, this.k1, this.j++, this.i, this.w, 0);
    return openUnit53(this.w[0], this.w[1]);
  }
}

/** Reads a parameter's values broadcast to `shape`. */
export function paramValues(x: TensorLike, shape: readonly number[], op: string): Float64Array {
  const t = toTensor(x)._concrete(op);
  const d = t.dataSync();
  const s = t.shape;
  broadcastShapes(s, shape, op);
  const out = new Float64Array(sizeOf(shape));
  if (d.length === 1) return out.fill(d[0]);
  const st = stridesOf(s);
  const off = shape.length - s.length;
  const os = stridesOf(shape);
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    for (let a = 0; a < s.length; a++) {
      const idx = Math.floor(i / os[a + off]) % shape[a + off];
      if (s[a] !== 1) src += idx * st[a];
    }
    out[i] = d[src];
  }
  return out;
}

/**
 * A random permutation of 0 … n − 1 (int32) when given a number, or of `x` along axis 0 when given a tensor.
 * @example
 * permutation(key(0), 4).shape; // → [4]
 */
export function permutation(k: Key, n: number | Tensor): Tensor {
  const len = typeof n === "number" ? n : n.shape[0];
  if (!(Number.isInteger(len) && len >= 0))
    throw new ConstraintError("bad-count", `permutation: n must be a non-negative integer, got ${len}.`);
  const [k0, k1] = keyWords(k, "permutation");
  const s = new Stream(k0, k1, 0);
  const idx = new Int32Array(len);
  for (let i = 0; i < len; i++) idx[i] = i;
  for (let i = len - 1; i > 0; i--) {
    const j = Math.floor(s.uniform() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  const perm = fromArray(idx, [len], "int32");
  return typeof n === "number" ? perm : n.take(perm, 0);
}

/**
 * Draws from 0 … n − 1 (or from the entries of `a` along axis 0): with replacement by default, optionally with
 * probabilities `p`; without replacement by weighted sampling (Efraimidis–Spirakis keys).
 * @throws ConstraintError when sampling more than n without replacement.
 * @example
 * choice(key(0), 5, [3]).shape; // → [3]
 */
export function choice(
  k: Key,
  a: number | Tensor,
  shape: readonly number[] = [],
  options: { replace?: boolean; p?: TensorLike } = {},
): Tensor {
  const n = typeof a === "number" ? a : a.shape[0];
  const m = sizeOf(shape);
  const replace = options.replace ?? true;
  const p = options.p === undefined ? null : paramValues(options.p, [n], "choice");
  const [k0, k1] = keyWords(k, "choice");
  const idx = new Int32Array(m);
  if (replace) {
    const cdf = new Float64Array(n);
    if (p) {
      let acc = 0;
      for (let i = 0; i < n; i++) cdf[i] = acc += p[i];
      for (let i = 0; i < n; i++) cdf[i] /= acc;
    }
    for (let i = 0; i < m; i++) {
      const u = new Stream(k0, k1, i).uniform();
      if (!p) idx[i] = Math.min(n - 1, Math.floor(u * n));
      else {
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cdf[mid] < u) lo = mid + 1;
          else hi = mid;
        }
        idx[i] = lo;
      }
    }
  } else {
    if (m > n)
      throw new ConstraintError(
        "choice-too-many",
        `choice: cannot take ${m} samples from ${n} without replacement.`,
      );
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = new Stream(k0, k1, i).uniform();
      keys[i] = p ? Math.log(u) / p[i] : u;
    }
    const order = [...Array(n).keys()].sort((x, y) => keys[y] - keys[x]);
    for (let i = 0; i < m; i++) idx[i] = order[i];
  }
  const out = fromArray(idx, [...shape], "int32");
  return typeof a === "number" ? out : a.take(out, 0);
}
