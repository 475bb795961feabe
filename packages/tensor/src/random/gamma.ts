/**
 * Gamma, Beta and Dirichlet samplers built only from tensor primitives, so they run under `jit` / `makeProgram`
 * with a traced key (and on any backend) and give the same numbers staged as eagerly. The outputs are constants
 * for autodiff (the parameters pass through stopGradient).
 *
 * Eagerly (concrete key and α) the same computation runs as a scalar loop over the same random words that
 * evaluates only the proposal rounds it needs (about 1.05 per draw instead of all of them): the arithmetic is
 * the tensor path's, operation for operation, so the numbers are bit-identical (the tests check this).
 */
import { broadcastShapes } from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { fromArray, toTensor } from "../core/tensor.js";
import { logSumExp } from "../ops/log-sum-exp.js";
import { add } from "../primitives/add.js";
import { broadcastTo } from "../primitives/broadcast-to.js";
import { cast } from "../primitives/cast.js";
import { cumsum } from "../primitives/cumsum.js";
import { div } from "../primitives/div.js";
import { eq } from "../primitives/eq.js";
import { exp } from "../primitives/exp.js";
import { gt } from "../primitives/gt.js";
import { log } from "../primitives/log.js";
import { logicalAnd } from "../primitives/logical-and.js";
import { logicalOr } from "../primitives/logical-or.js";
import { lt } from "../primitives/lt.js";
import { mul } from "../primitives/mul.js";
import { randomBits } from "../primitives/random-bits.js";
import { sum } from "../primitives/reduce-sum.js";
import { where } from "../primitives/select.js";
import { sqrt } from "../primitives/sqrt.js";
import { stopGradient } from "../primitives/stop-gradient.js";
import { sub } from "../primitives/sub.js";
import { ndtriScalar } from "../special/ndtri.js";
import { BELOW_ONE_F32, normal, uniformOpen } from "./basic.js";
import { type Key, split } from "./key.js";

/**
 * Proposal rounds per Gamma draw. Marsaglia–Tsang accepts a proposal with probability ≥ 0.9516 (the worst case,
 * shape 1, which the α < 1 boost also uses), so all 12 rounds reject with probability ≤ 0.0484¹² ≈ 1.6·10⁻¹⁶
 * (≤ 1.4·10⁻¹⁹ for shapes ≥ 1.5): below float64 resolution. In that case the proposal's centre d = shape − ⅓
 * stands in for the draw.
 */
export const GAMMA_ROUNDS = 12;

const paramShape = (shape: readonly number[] | undefined, ...ps: Tensor[]): number[] =>
  shape ? [...shape] : ps.map((p) => p.shape).reduce<number[]>((a, b) => broadcastShapes(a, b), []);

const param = (x: TensorLike): Tensor => cast(stopGradient(toTensor(x)), "float64");

/** True when `t` has a value (not a jit/makeProgram tracer; autodiff tracers carry their primal's value). Shared with poisson.ts and binomial.ts. */
export function concrete(t: Tensor): boolean {
  let x = t;
  while (x._primal !== null) x = x._primal;
  return x._trace === null;
}

/** The float64 open uniform of {@link uniformOpen} for words (w[2j], w[2j + 1]), in scalar arithmetic (shared with poisson.ts, binomial.ts). */
export function openUnit(w: ArrayLike<number>, j: number): number {
  const k = Math.floor(w[2 * j] / 32) * 67108864 + Math.floor(w[2 * j + 1] / 64);
  const u = (k + 0.5) / 9007199254740992;
  return u < 1 ? u : BELOW_ONE_F32;
}

/** The eager form of {@link gamma}: same keys, same words, same arithmetic; stops at the first acceptance. */
function gammaHost(
  kx: Key,
  ku: Key,
  kb: Key,
  alpha: ArrayLike<number>,
  s: readonly number[],
): { g: Tensor; logG: Tensor } {
  const n = alpha.length;
  const wx = randomBits(kx, [GAMMA_ROUNDS, ...s, 2]).dataSync();
  const wu = randomBits(ku, [GAMMA_ROUNDS, ...s, 2]).dataSync();
  const wb = randomBits(kb, [...s, 2]).dataSync();
  const out = new Float64Array(n);
  const logOut = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const al = alpha[i];
    if (!(al > 0)) {
      out[i] = Number.NaN;
      logOut[i] = Number.NaN;
      continue;
    }
    const boost = al < 1;
    const d = (boost ? al + 1 : al) - 1 / 3;
    const c = 1 / 3 / Math.sqrt(d);
    let g = d;
    for (let r = 0; r < GAMMA_ROUNDS; r++) {
      const j = r * n + i;
      const x = ndtriScalar(openUnit(wx, j));
      const t = c * x + 1;
      const v = t * t * t;
      const bound = x * x * 0.5 + d * (1 - v + Math.log(v));
      if (v > 0 && Math.log(openUnit(wu, j)) < bound) {
        g = d * v;
        break;
      }
    }
    const lb = boost ? Math.log(openUnit(wb, i)) / al : 0;
    out[i] = boost ? g * Math.exp(lb) : g;
    logOut[i] = boost ? Math.log(g) + lb : Math.log(g);
  }
  return { g: fromArray(out, [...s], "float64"), logG: fromArray(logOut, [...s], "float64") };
}

/**
 * Gamma(α, 1) draws (float64): Marsaglia & Tsang (2000) with `GAMMA_ROUNDS` proposals per element drawn at
 * once, keeping the first accepted one, and Gamma(α + 1)·U^{1/α} for α < 1. NaN where α ≤ 0 or α is NaN. Shape
 * defaults to α's shape; α must broadcast to a given shape. Traceable: no host loops, no reads of the key.
 * @param k - a key.
 * @param alpha - shape parameter α > 0 (any shape broadcasting to `shape`).
 * @param shape - output shape (default α's shape).
 * @returns float64 draws of `shape`.
 * @throws ShapeError when α does not broadcast to `shape`.
 * @example
 * gamma(key(0), 2, [3]).shape; // → [3]
 */
export function gamma(k: Key, alpha: TensorLike, shape?: readonly number[]): Tensor {
  const a0 = param(alpha);
  const s = paramShape(shape, a0);
  return gammaDraws(k, broadcastTo(a0, s), s).g;
}

/**
 * Gamma(α, 1) draws and their logarithms, from the same words: `logG` stays finite where tiny shapes make the
 * draw itself underflow to 0 (log g = log g₁ + log(U)/α for the boosted α < 1 case), so Beta and Dirichlet can
 * normalise in log space.
 */
function gammaDraws(k: Key, alphaB: Tensor, s: readonly number[]): { g: Tensor; logG: Tensor } {
  if (concrete(k) && concrete(alphaB)) {
    const [kx, ku, kb] = split(k, 3) as [Key, Key, Key];
    return gammaHost(kx, ku, kb, alphaB.dataSync(), s);
  }
  const boost = lt(alphaB, 1);
  const a = where(boost, add(alphaB, 1), alphaB);
  const d = sub(a, 1 / 3);
  const [kx, ku, kb] = split(k, 3) as [Key, Key, Key];
  const rs = [GAMMA_ROUNDS, ...s];
  // d and c = 1/√(9d) broadcast once to the rounds' shape (same-shape kernels are the fast path)
  const dR = broadcastTo(d, rs);
  const c = broadcastTo(div(1 / 3, sqrt(d)), rs);
  const x = normal(kx, rs);
  const u = uniformOpen(ku, rs);
  const t = add(mul(c, x), 1);
  const v = mul(mul(t, t), t);
  // accept when v > 0 and log u < x²/2 + d(1 − v + log v); log v is NaN for v ≤ 0, which compares false
  const bound = add(mul(mul(x, x), 0.5), mul(dR, add(sub(1, v), log(v))));
  const accept = logicalAnd(gt(v, 0), lt(log(u), bound));
  const first = logicalAnd(accept, eq(cumsum(cast(accept, "float64"), 0), 1));
  const anyAccepted = gt(sum(cast(accept, "float64"), 0), 0);
  const g = where(anyAccepted, sum(where(first, mul(dR, v), 0), 0), d);
  const lb = div(log(uniformOpen(kb, s)), alphaB);
  const boosted = mul(g, exp(lb));
  const valid = gt(alphaB, 0);
  return {
    g: where(valid, where(boost, boosted, g), Number.NaN),
    logG: where(valid, where(boost, add(log(g), lb), log(g)), Number.NaN),
  };
}

/** Draws whose largest entry is at least this are normalised directly; below it, in log space. */
const TINY = 1e-300;

/**
 * Beta(a, b) draws as X/(X + Y) with X ~ Gamma(a), Y ~ Gamma(b); traceable like {@link gamma}.
 * @param shape - output shape (default the broadcast shape of a and b).
 * @example
 * beta(key(0), 2, 3, [3]).shape; // → [3]
 */
export function beta(k: Key, a: TensorLike, b: TensorLike, shape?: readonly number[]): Tensor {
  const at = param(a);
  const bt = param(b);
  const s = paramShape(shape, at, bt);
  const [ka, kb] = split(k) as [Key, Key];
  const x = gammaDraws(ka, broadcastTo(at, s), s);
  const y = gammaDraws(kb, broadcastTo(bt, s), s);
  // x/(x + y) = σ(log x − log y): the latter where both draws underflow (tiny a and b put the mass at 0 and 1).
  const direct = div(x.g, add(x.g, y.g));
  const viaLog = div(1, add(1, exp(sub(y.logG, x.logG))));
  return where(logicalOr(gt(x.g, TINY), gt(y.g, TINY)), direct, viaLog);
}

/**
 * Dirichlet(α) draws over the last axis of `alpha`: shape `[...shape, K]` (shape defaults to α's batch shape);
 * normalised Gamma(αᵢ) draws, traceable like {@link gamma}.
 * @example
 * dirichlet(key(0), [1, 1, 1]).shape; // → [3]
 */
export function dirichlet(k: Key, alpha: TensorLike, shape?: readonly number[]): Tensor {
  const at = param(alpha);
  const K = at.shape[at.shape.length - 1];
  const batch = shape ? broadcastShapes(shape, at.shape.slice(0, -1), "dirichlet") : at.shape.slice(0, -1);
  const full = [...batch, K];
  const { g, logG } = gammaDraws(k, broadcastTo(at, full), full);
  const total = sum(g, -1, true);
  const viaLog = exp(sub(logG, logSumExp(logG, -1, true)));
  return where(broadcastTo(gt(total, TINY), full), div(g, total), viaLog);
}
