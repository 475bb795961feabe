/**
 * Samplers that need data-dependent loops (rejection, inversion by search) run on the host over a concrete
 * key: element i draws its uniforms from the threefry stream with counters (j, i), j = 0, 1, …, so results
 * are identical on every backend and every run. The outputs are constants for autodiff. (Gamma, Beta and
 * Dirichlet are traceable and live in gamma.ts; they are re-exported here.)
 */
import { allocate, type DType } from "../core/dtype.js";
import { ConstraintError } from "../core/errors.js";
import { broadcastShapes, sizeOf, stridesOf } from "../core/shape.js";
import { fromArray, type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { lgammaScalar } from "../special/lgamma.js";
import { type Key, keyWords } from "./key.js";
import { threefry2x32 } from "./threefry.js";

export { beta, dirichlet, gamma } from "./gamma.js";

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

function shapeOf(shape: readonly number[] | undefined, ...params: TensorLike[]): number[] {
  if (shape) return [...shape];
  return params.map((p) => toTensor(p).shape).reduce<number[]>((a, b) => broadcastShapes(a, b), []);
}

function fill(
  k: Key,
  op: string,
  shape: readonly number[],
  dtype: DType,
  f: (s: Stream, i: number) => number,
): Tensor {
  const [k0, k1] = keyWords(k, op);
  const out = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = f(new Stream(k0, k1, i), i);
  return fromArray(out, [...shape], dtype);
}

function poissonOne(s: Stream, lam: number): number {
  if (!(lam >= 0)) return Number.NaN;
  if (lam === 0) return 0;
  if (lam < 10) {
    // Knuth: count uniforms until their product drops below e^{−λ} (exact).
    const L = Math.exp(-lam);
    let k = 0;
    let p = s.uniform();
    while (p > L) {
      k++;
      p *= s.uniform();
    }
    return k;
  }
  // PTRS: Hörmann (1993), "The transformed rejection method for generating Poisson random variables".
  const slam = Math.sqrt(lam);
  const loglam = Math.log(lam);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = s.uniform() - 0.5;
    const v = s.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -lam + k * loglam - lgammaScalar(k + 1)
    )
      return k;
  }
}

/**
 * Poisson(rate) draws (float64 counts): exact multiplication method below rate 10, PTRS above.
 * @example
 * poisson(key(0), 3, [2]).shape; // → [2]
 */
export function poisson(k: Key, rate: TensorLike, shape?: readonly number[]): Tensor {
  const s = shapeOf(shape, rate);
  const r = paramValues(rate, s, "poisson");
  return fill(k, "poisson", s, "float64", (st, i) => poissonOne(st, r[i]));
}

function binomialOne(s: Stream, n: number, p: number): number {
  if (!(n >= 0 && Number.isInteger(n) && p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  const flip = p > 0.5;
  const q0 = flip ? 1 - p : p;
  let k: number;
  if (n * q0 < 10) {
    // Geometric waiting times between successes (exact).
    const lq = Math.log1p(-q0);
    k = 0;
    let pos = 0;
    for (;;) {
      pos += Math.floor(Math.log(s.uniform()) / lq) + 1;
      if (pos > n) break;
      k++;
    }
  } else {
    // BTRS: Hörmann (1993), "The generation of binomial random variates".
    const q = 1 - q0;
    const spq = Math.sqrt(n * q0 * q);
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * q0;
    const c = n * q0 + 0.5;
    const vr = 0.92 - 4.2 / b;
    const alpha = (2.83 + 5.1 / b) * spq;
    const lpq = Math.log(q0 / q);
    const m = Math.floor((n + 1) * q0);
    const h = lgammaScalar(m + 1) + lgammaScalar(n - m + 1);
    for (;;) {
      const u = s.uniform() - 0.5;
      let v = s.uniform();
      const us = 0.5 - Math.abs(u);
      const kk = Math.floor(((2 * a) / us + b) * u + c);
      if (kk < 0 || kk > n) continue;
      if (us >= 0.07 && v <= vr) {
        k = kk;
        break;
      }
      v = Math.log((v * alpha) / (a / (us * us) + b));
      if (v <= h - lgammaScalar(kk + 1) - lgammaScalar(n - kk + 1) + (kk - m) * lpq) {
        k = kk;
        break;
      }
    }
  }
  return flip ? n - k : k;
}

/**
 * Binomial(n, p) draws (float64 counts): waiting times for small n·p, BTRS otherwise.
 * @example
 * binomial(key(0), 10, 0.5, [2]).shape; // → [2]
 */
export function binomial(k: Key, n: TensorLike, p: TensorLike, shape?: readonly number[]): Tensor {
  const s = shapeOf(shape, n, p);
  const nn = paramValues(n, s, "binomial");
  const pp = paramValues(p, s, "binomial");
  return fill(k, "binomial", s, "float64", (st, i) => binomialOne(st, nn[i], pp[i]));
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
