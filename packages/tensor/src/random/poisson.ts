/**
 * Poisson sampler built only from tensor primitives, so it runs under `jit` / `makeProgram` with a traced key
 * (see gamma.ts for the pattern): inversion over a fixed number of CDF terms below rate 10, and Hörmann's PTRS
 * transformed rejection with a fixed number of proposal rounds (first accepted one kept) from rate 10 on.
 * Eagerly the same rounds run as a scalar loop that stops at the first acceptance, through {@link DualOps}, so the
 * numbers are bit-identical to the traced ones.
 */
import { broadcastShapes } from "../core/shape.js";
import { fromArray, type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { broadcastTo } from "../primitives/broadcast-to.js";
import { cast } from "../primitives/cast.js";
import { cumsum } from "../primitives/cumsum.js";
import { randomBits } from "../primitives/random-bits.js";
import { sum } from "../primitives/reduce-sum.js";
import { stopGradient } from "../primitives/stop-gradient.js";
import { lgammaScalar } from "../special/lgamma.js";
import { uniformOpen } from "./basic.js";
import { type DualOps, scalarOps, tensorOps } from "./dual-ops.js";
import { concrete, openUnit } from "./gamma.js";
import { type Key, split } from "./key.js";

/** Rates from this value on use PTRS; below it, inversion. */
export const POISSON_PTRS_MIN = 10;

/**
 * CDF terms of the inversion branch (k = 0 … 46). For rate < 10 a draw of 47 or more has probability
 * P(X ≥ 47 | λ = 10) ≈ 2.2·10⁻¹⁷ (scipy, scripts/discrete_fixtures.py); such a draw is returned as 47.
 */
export const POISSON_TERMS = 47;

/**
 * PTRS proposal rounds per draw. The acceptance probability of one round is ≥ 0.753 (its minimum, at rate 10;
 * it rises towards 0.89 for large rates: a simulation in scripts/discrete_fixtures.py), so all 27 rounds
 * reject with probability ≤ 0.247²⁷ ≈ 4·10⁻¹⁷; then the mode ⌊λ⌋ stands in for the draw.
 */
export const POISSON_ROUNDS = 27;

/** log k! for k = 0 … POISSON_TERMS − 1 (constants of the inversion). */
const LOG_FACT = Array.from({ length: POISSON_TERMS }, (_, k) => lgammaScalar(k + 1));

interface Ptrs<T> {
  lam: T;
  loglam: T;
  a: T;
  b: T;
  logInvAlpha: T;
  vr: T;
}

function ptrsParams<T, B>(o: DualOps<T, B>, lam: T): Ptrs<T> {
  const b = o.add(o.mul(o.sqrt(lam), 2.53), 0.931);
  return {
    lam,
    loglam: o.log(lam),
    a: o.add(o.mul(b, 0.02483), -0.059),
    b,
    logInvAlpha: o.log(o.add(o.div(1.1328, o.sub(b, 3.4)), 1.1239)),
    vr: o.sub(0.9277, o.div(3.6224, o.sub(b, 2))),
  };
}

/** One PTRS round from uniforms u, v ∈ (0, 1): the candidate k and whether it is accepted. */
function ptrsRound<T, B>(o: DualOps<T, B>, P: Ptrs<T>, u0: T, v: T): { k: T; accept: B } {
  const u = o.sub(u0, 0.5);
  const us = o.sub(0.5, o.abs(u));
  const k = o.floor(o.add(o.add(o.mul(o.add(o.div(o.mul(P.a, 2), us), P.b), u), P.lam), 0.43));
  const fast = o.and(o.ge(us, 0.07), o.le(v, P.vr));
  const lhs = o.sub(o.add(o.log(v), P.logInvAlpha), o.log(o.add(o.div(P.a, o.mul(us, us)), P.b)));
  const rhs = o.sub(o.sub(o.mul(k, P.loglam), P.lam), o.lgamma(o.add(k, 1)));
  const slow = o.and(o.not(o.and(o.lt(us, 0.013), o.gt(v, us))), o.le(lhs, rhs));
  return { k, accept: o.and(o.ge(k, 0), o.or(fast, slow)) };
}

/** Poisson pmf term k (a JS number) at rate λ: exp(k log λ − λ − log k!). */
const invTerm = <T, B>(o: DualOps<T, B>, k: T, loglam: T, lam: T, logFact: T | number): T =>
  o.exp(o.sub(o.sub(o.mul(k, loglam), lam), logFact));

/** Eager form of {@link poisson}: same keys, words and arithmetic; stops at the first acceptance / CDF crossing. */
function poissonHost(ki: Key, ku: Key, kv: Key, rate: ArrayLike<number>, s: readonly number[]): Tensor {
  const n = rate.length;
  const o = scalarOps;
  const wi = randomBits(ki, [...s, 2]).dataSync();
  const wu = randomBits(ku, [POISSON_ROUNDS, ...s, 2]).dataSync();
  const wv = randomBits(kv, [POISSON_ROUNDS, ...s, 2]).dataSync();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lam = rate[i];
    if (!(lam >= 0)) out[i] = Number.NaN;
    else if (lam === 0) out[i] = 0;
    else if (lam < POISSON_PTRS_MIN) {
      const u = openUnit(wi, i);
      const loglam = o.log(lam);
      let cdf = 0;
      let x = 0;
      for (let k = 0; k < POISSON_TERMS; k++) {
        cdf += invTerm(o, k, loglam, lam, LOG_FACT[k]);
        if (!(cdf < u)) break;
        x++;
      }
      out[i] = x;
    } else {
      const P = ptrsParams(o, lam);
      let x = o.floor(lam);
      for (let r = 0; r < POISSON_ROUNDS; r++) {
        const j = r * n + i;
        const { k, accept } = ptrsRound(o, P, openUnit(wu, j), openUnit(wv, j));
        if (accept) {
          x = k;
          break;
        }
      }
      out[i] = x;
    }
  }
  return fromArray(out, [...s], "float64");
}

/**
 * Poisson(rate) draws (float64 counts). Rate < 10: inversion over `POISSON_TERMS` CDF terms (one uniform);
 * rate ≥ 10: Hörmann's PTRS (1993) with `POISSON_ROUNDS` proposals drawn at once, keeping the first
 * accepted one. Rate 0 gives 0; a negative or NaN rate gives NaN. Traceable: runs under `jit` / `makeProgram`
 * with a traced key and rate, and draws the same numbers staged as eagerly. The draws are constants for autodiff.
 * @param k - a key.
 * @param rate - rate λ ≥ 0 (any shape broadcasting to `shape`).
 * @param shape - output shape (default the rate's shape).
 * @returns float64 counts of `shape`.
 * @throws ShapeError when the rate does not broadcast to `shape`.
 * @example
 * poisson(key(0), 3, [2]).shape; // → [2]
 */
export function poisson(k: Key, rate: TensorLike, shape?: readonly number[]): Tensor {
  const r0 = cast(stopGradient(toTensor(rate)), "float64");
  const s = shape ? [...shape] : [...r0.shape];
  if (shape) broadcastShapes(r0.shape, s, "poisson");
  const lam = broadcastTo(r0, s);
  const [ki, ku, kv] = split(k, 3) as [Key, Key, Key];
  if (concrete(k) && concrete(lam)) return poissonHost(ki, ku, kv, lam.dataSync(), s);
  const o = tensorOps;
  // inversion: count the CDF terms below u (terms on axis 0)
  const col = [POISSON_TERMS, ...s.map(() => 1)];
  const ks = fromArray(
    Float64Array.from({ length: POISSON_TERMS }, (_, i) => i),
    col,
    "float64",
  );
  const lf = fromArray(Float64Array.from(LOG_FACT), col, "float64");
  const loglam = o.log(lam);
  const cdf = cumsum(invTerm(o, ks, loglam, lam, lf), 0);
  const inv = sum(cast(o.lt(cdf, uniformOpen(ki, s)), "float64"), 0);
  // PTRS: all rounds at once (rounds on axis 0), first accepted kept
  const rs = [POISSON_ROUNDS, ...s];
  const P = ptrsParams(o, broadcastTo(lam, rs));
  const { k: cand, accept } = ptrsRound(o, P, uniformOpen(ku, rs), uniformOpen(kv, rs));
  const first = o.and(accept, o.eq(cumsum(cast(accept, "float64"), 0), 1));
  const anyAccepted = o.gt(sum(cast(accept, "float64"), 0), 0);
  const ptrs = o.where(anyAccepted, sum(o.where(first, cand, 0), 0), o.floor(lam));
  const x = o.where(o.lt(lam, POISSON_PTRS_MIN), inv, ptrs);
  return o.where(o.ge(lam, 0), o.where(o.eq(lam, 0), 0, x), Number.NaN);
}
