/**
 * Binomial sampler built only from tensor primitives, so it runs under `jit` / `makeProgram` with a traced key
 * (see gamma.ts for the pattern). With q = min(p, 1 − p) (p > ½ by symmetry, n − X): inversion over a fixed
 * number of CDF terms when n·q < 10, and Hörmann's BTRS transformed rejection with a fixed number of proposal
 * rounds (first accepted one kept) otherwise. Eagerly the same rounds run as a scalar loop that stops at the
 * first acceptance, through {@link DualOps}, so the numbers are bit-identical to the traced ones.
 */
import { broadcastShapes } from "../core/shape.js";
import { fromArray, type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { broadcastTo } from "../primitives/broadcast-to.js";
import { cast } from "../primitives/cast.js";
import { cumsum } from "../primitives/cumsum.js";
import { randomBits } from "../primitives/random-bits.js";
import { sum } from "../primitives/reduce-sum.js";
import { stopGradient } from "../primitives/stop-gradient.js";
import { uniformOpen } from "./basic.js";
import { type DualOps, scalarOps, tensorOps } from "./dual-ops.js";
import { concrete, openUnit } from "./gamma.js";
import { type Key, split } from "./key.js";

/** n·min(p, 1 − p) from this value on uses BTRS; below it, inversion. */
export const BINOMIAL_BTRS_MIN = 10;

/**
 * CDF terms of the inversion branch (k = 0 … 46). For n·q < 10, P(X ≥ 47) ≤ P(Poisson(10) ≥ 47) ≈ 2.2·10⁻¹⁷
 * (the binomial tail beyond its mean + 1 is below the Poisson tail with the same mean; scipy checks it in
 * scripts/discrete_fixtures.py); such a draw is returned as min(47, n).
 */
export const BINOMIAL_TERMS = 47;

/**
 * BTRS proposal rounds per draw. One round is accepted with probability ≥ 0.709 (its minimum, near n·q = 10
 * with p = ½; about 0.75 for small q and up to 0.89 for large n·q: a simulation in scripts/discrete_fixtures.py),
 * so all 31 rounds reject with probability ≤ 0.291³¹ ≈ 2.4·10⁻¹⁷; then the mode ⌊(n + 1)q⌋ stands in.
 */
export const BINOMIAL_ROUNDS = 31;

/** fc(k) = log k! − [(k + ½) log(k + 1) − (k + 1) + ½ log 2π] for k = 0 … 9 (the Stirling remainder). */
const FC = [
  0.08106146679532733, 0.04134069595540946, 0.027677925684997717, 0.02079067210376584, 0.01664469118982126,
  0.013876128823072875, 0.011896709945893313, 0.010411265261973668, 0.00925546218270945, 0.008330563433359472,
];

/** The Stirling remainder fc(k): the table below 10, else 1/(12κ) − 1/(360κ³) + 1/(1260κ⁵) with κ = k + 1. */
function fc<T, B>(o: DualOps<T, B>, k: T): T {
  const kp = o.add(k, 1);
  const kp2 = o.mul(kp, kp);
  let r = o.div(o.sub(1 / 12, o.div(o.sub(1 / 360, o.div(1 / 1260, kp2)), kp2)), kp);
  for (let i = 0; i < FC.length; i++) r = o.where(o.eq(k, i), FC[i], r);
  return r;
}

interface Btrs<T> {
  n: T;
  r: T;
  a: T;
  b: T;
  c: T;
  vr: T;
  alpha: T;
  m: T;
  /** The terms of log f(k)/f(m) that depend on m only. */
  hm: T;
}

function btrsParams<T, B>(o: DualOps<T, B>, n: T, q: T): Btrs<T> {
  const spq = o.sqrt(o.mul(o.mul(n, q), o.sub(1, q)));
  const b = o.add(o.mul(spq, 2.53), 1.15);
  const r = o.div(q, o.sub(1, q));
  const m = o.floor(o.mul(o.add(n, 1), q));
  const nm = o.add(o.sub(n, m), 1);
  const hm = o.add(
    o.add(o.mul(o.add(m, 0.5), o.log(o.div(o.add(m, 1), o.mul(r, nm)))), fc(o, m)),
    fc(o, o.sub(n, m)),
  );
  return {
    n,
    r,
    a: o.add(o.add(o.mul(b, 0.0248), -0.0873), o.mul(q, 0.01)),
    b,
    c: o.add(o.mul(n, q), 0.5),
    vr: o.sub(0.92, o.div(4.2, b)),
    alpha: o.mul(o.add(o.div(5.1, b), 2.83), spq),
    m,
    hm,
  };
}

/** One BTRS round from uniforms u, v ∈ (0, 1): the candidate k and whether it is accepted. */
function btrsRound<T, B>(o: DualOps<T, B>, P: Btrs<T>, u0: T, v: T): { k: T; accept: B } {
  const u = o.sub(u0, 0.5);
  const us = o.sub(0.5, o.abs(u));
  const k = o.floor(o.add(o.mul(o.add(o.div(o.mul(P.a, 2), us), P.b), u), P.c));
  const inRange = o.and(o.ge(k, 0), o.le(k, P.n));
  const fast = o.and(o.ge(us, 0.07), o.le(v, P.vr));
  const lv = o.log(o.div(o.mul(v, P.alpha), o.add(o.div(P.a, o.mul(us, us)), P.b)));
  const nk = o.add(o.sub(P.n, k), 1);
  // log f(k)/f(m) by Stirling with remainders (no cancellation between large log-factorials)
  const logRatio = o.sub(
    o.sub(
      o.add(
        o.add(P.hm, o.mul(o.add(P.n, 1), o.log(o.div(o.add(o.sub(P.n, P.m), 1), nk)))),
        o.mul(o.add(k, 0.5), o.log(o.div(o.mul(nk, P.r), o.add(k, 1)))),
      ),
      fc(o, k),
    ),
    fc(o, o.sub(P.n, k)),
  );
  return { k, accept: o.and(inRange, o.or(fast, o.le(lv, logRatio))) };
}

/** Inversion: log f(k) = n log(1 − q) + Σ_{j=1..k} [log(n − j + 1) − log j + log r] (terms on axis 0). */
const invStep = <T, B>(o: DualOps<T, B>, n: T, lr: T, jm1: T | number, logj: T | number): T =>
  o.add(o.sub(o.log(o.max(o.sub(n, jm1), 0)), logj), lr);

/** Eager form of {@link binomial}: same keys, words and arithmetic; stops at the first acceptance / crossing. */
function binomialHost(
  ki: Key,
  ku: Key,
  kv: Key,
  nn: ArrayLike<number>,
  pp: ArrayLike<number>,
  s: readonly number[],
): Tensor {
  const len = nn.length;
  const o = scalarOps;
  const wi = randomBits(ki, [...s, 2]).dataSync();
  const wu = randomBits(ku, [BINOMIAL_ROUNDS, ...s, 2]).dataSync();
  const wv = randomBits(kv, [BINOMIAL_ROUNDS, ...s, 2]).dataSync();
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const n = nn[i];
    const p = pp[i];
    if (!(n >= 0 && n < Number.POSITIVE_INFINITY && Math.floor(n) === n && p >= 0 && p <= 1)) {
      out[i] = Number.NaN;
      continue;
    }
    const flip = p > 0.5;
    const q = flip ? 1 - p : p;
    let x: number;
    if (n === 0 || q === 0) x = 0;
    else if (n * q < BINOMIAL_BTRS_MIN) {
      const u = openUnit(wi, i);
      const lp0 = o.mul(n, o.log1p(o.neg(q)));
      const lr = o.log(o.div(q, o.sub(1, q)));
      let acc = 0;
      let cdf = 0;
      x = 0;
      for (let k = 0; k < BINOMIAL_TERMS; k++) {
        acc += k === 0 ? 0 : invStep(o, n, lr, k - 1, Math.log(k));
        cdf += o.exp(o.add(lp0, acc));
        if (!(cdf < u)) break;
        x++;
      }
      x = o.min(x, n);
    } else {
      const P = btrsParams(o, n, q);
      x = P.m;
      for (let r = 0; r < BINOMIAL_ROUNDS; r++) {
        const j = r * len + i;
        const { k, accept } = btrsRound(o, P, openUnit(wu, j), openUnit(wv, j));
        if (accept) {
          x = k;
          break;
        }
      }
    }
    out[i] = flip ? n - x : x;
  }
  return fromArray(out, [...s], "float64");
}

/**
 * Binomial(n, p) draws (float64 counts). With q = min(p, 1 − p): inversion over `BINOMIAL_TERMS` CDF
 * terms when n·q < 10 (one uniform), else Hörmann's BTRS (1993) with `BINOMIAL_ROUNDS` proposals drawn at
 * once, keeping the first accepted one; p > ½ draws n − Binomial(n, 1 − p). n = 0 or p = 0 give 0, p = 1 gives
 * n; NaN where n is not a finite non-negative integer or p is outside [0, 1] (or NaN). Traceable: runs under
 * `jit` / `makeProgram` with a traced key and parameters, and draws the same numbers staged as eagerly. The
 * draws are constants for autodiff.
 * @param k - a key.
 * @param n - trial counts (any shape broadcasting to `shape`).
 * @param p - success probabilities (any shape broadcasting to `shape`).
 * @param shape - output shape (default the broadcast shape of n and p).
 * @returns float64 counts of `shape`.
 * @throws ShapeError when n or p does not broadcast to `shape`.
 * @example
 * binomial(key(0), 10, 0.5, [2]).shape; // → [2]
 */
export function binomial(k: Key, n: TensorLike, p: TensorLike, shape?: readonly number[]): Tensor {
  const n0 = cast(stopGradient(toTensor(n)), "float64");
  const p0 = cast(stopGradient(toTensor(p)), "float64");
  const s = shape ? [...shape] : broadcastShapes(n0.shape, p0.shape, "binomial");
  if (shape) broadcastShapes(broadcastShapes(n0.shape, p0.shape, "binomial"), s, "binomial");
  const nb = broadcastTo(n0, s);
  const pb = broadcastTo(p0, s);
  const [ki, ku, kv] = split(k, 3) as [Key, Key, Key];
  if (concrete(k) && concrete(nb) && concrete(pb))
    return binomialHost(ki, ku, kv, nb.dataSync(), pb.dataSync(), s);
  const o = tensorOps;
  const flip = o.gt(pb, 0.5);
  const q = o.where(flip, o.sub(1, pb), pb);
  // inversion: count the CDF terms below u (terms on axis 0; row 0 is f(0))
  const col = [BINOMIAL_TERMS, ...s.map(() => 1)];
  const first = fromArray(
    Uint8Array.from({ length: BINOMIAL_TERMS }, (_, i) => (i === 0 ? 1 : 0)),
    col,
    "bool",
  );
  const jm1 = fromArray(
    Float64Array.from({ length: BINOMIAL_TERMS }, (_, i) => Math.max(i - 1, 0)),
    col,
    "float64",
  );
  const logj = fromArray(
    Float64Array.from({ length: BINOMIAL_TERMS }, (_, i) => (i === 0 ? 0 : Math.log(i))),
    col,
    "float64",
  );
  const lp0 = o.mul(nb, o.log1p(o.neg(q)));
  const lr = o.log(o.div(q, o.sub(1, q)));
  const acc = cumsum(o.where(first, 0, invStep(o, nb, lr, jm1, logj)), 0);
  const cdf = cumsum(o.exp(o.add(lp0, acc)), 0);
  const inv = o.min(sum(cast(o.lt(cdf, uniformOpen(ki, s)), "float64"), 0), nb);
  // BTRS: all rounds at once (rounds on axis 0), first accepted kept
  const rs = [BINOMIAL_ROUNDS, ...s];
  const P = btrsParams(o, broadcastTo(nb, rs), broadcastTo(q, rs));
  const { k: cand, accept } = btrsRound(o, P, uniformOpen(ku, rs), uniformOpen(kv, rs));
  const firstAcc = o.and(accept, o.eq(cumsum(cast(accept, "float64"), 0), 1));
  const anyAccepted = o.gt(sum(cast(accept, "float64"), 0), 0);
  const btrs = o.where(anyAccepted, sum(o.where(firstAcc, cand, 0), 0), o.floor(o.mul(o.add(nb, 1), q)));
  const x0 = o.where(o.lt(o.mul(nb, q), BINOMIAL_BTRS_MIN), inv, btrs);
  const x = o.where(o.or(o.eq(nb, 0), o.eq(q, 0)), 0, x0);
  const valid = o.and(
    o.and(o.and(o.ge(nb, 0), o.lt(nb, Number.POSITIVE_INFINITY)), o.eq(o.floor(nb), nb)),
    o.and(o.ge(pb, 0), o.le(pb, 1)),
  );
  return o.where(valid, o.where(flip, o.sub(nb, x), x), Number.NaN);
}
