/**
 * `exp`, `log` and `log1p` on both lanes of an f64x2, as WebAssembly instruction sequences (for the SIMD row
 * kernels of `simd-rows.ts`). Range reduction as in fdlibm (k·ln 2 split in a high part with trailing zeros and
 * a low part), then a polynomial: Taylor to degree 13 for exp on |r| ≤ ln 2 / 2 (truncation ≈ 4e-18), the
 * atanh series to z¹¹ for log on [√½, √2) (truncation below 1e-18). Both are within a few ulp of the engine's
 * `Math.exp`/`Math.log` (the tests compare them over wide ranges), not bit-identical to them. Special values
 * follow `Math`: exp(±∞) = ∞ / 0, overflow to ∞, underflow through the subnormals to 0; log(0) = −∞, log of a
 * negative number or NaN is NaN, log(∞) = ∞; log1p(−1) = −∞.
 */
import { op } from "./wasm-emit.js";

/** Allocates a fresh v128 local (returns its index). */
export type TempLocal = () => number;

const LOG2E = Math.LOG2E;
const SHIFT = 6755399441055744; // 1.5 · 2⁵², so x + SHIFT rounds x to an integer in the low mantissa bits
const LN2HI = 0.6931471803691238; // ln 2 with 32 trailing zero bits: k · LN2HI is exact
const LN2LO = 1.9082149292705877e-10;
const EXP_MAX = 709.782712893384; // exp(x) overflows above
const EXP_MIN = -745.1332191019412; // exp(x) rounds to 0 below

/** Constants: `f64` for a double in both lanes, `i64` for a 64-bit integer in both (hoisted by the caller). */
export interface Consts {
  f64(x: number): number[];
  i64(x: bigint): number[];
}

/** Constants written inline (`v128.const`). */
export const inlineConsts: Consts = { f64: (x) => op.f64x2Const(x, x), i64: (x) => op.i64x2Const(x, x) };

const get = op.get;

/**
 * Σ c_j x^j (x in a local) by Estrin's scheme: powers x, x², x⁴, … once, then pairs c_j + c_{j+1} x, and so
 * on, a tree of depth log₂ of the degree instead of Horner's chain.
 */
function estrin(c: readonly number[], x: number, tmp: TempLocal, splat: (v: number) => number[]): number[] {
  const out: number[] = [];
  const pow: number[] = [x];
  for (let h = 2; h < c.length; h *= 2) {
    const l = tmp();
    const prev = pow[pow.length - 1] as number;
    out.push(...get(prev), ...get(prev), ...op.f64x2Mul(), ...op.set(l));
    pow.push(l);
  }
  const rec = (lo: number, n: number): number[] => {
    if (n === 1) return splat(c[lo] as number);
    let h = 1;
    let level = 0;
    while (h * 2 < n) {
      h *= 2;
      level++;
    }
    return [
      ...rec(lo, h),
      ...rec(lo + h, n - h),
      ...get(pow[level] as number),
      ...op.f64x2Mul(),
      ...op.f64x2Add(),
    ];
  };
  out.push(...rec(0, c.length));
  return out;
}

/** Selects `then` where `mask` (a v128 of all-ones / all-zero lanes on the stack, computed by `mask`). */
function select(base: number[], thenValue: number[], mask: number[]): number[] {
  // bitselect(v1, v2, c) = (v1 & c) | (v2 & ~c)
  return [...thenValue, ...base, ...mask, ...op.v128Bitselect()];
}

/**
 * exp of the f64x2 in local `x`, left on the stack. `nonPositive`: every lane is ≤ 0 or NaN (as `−|y|`), so
 * there is no overflow to patch; and below −745.2 (the clamp) the two-factor scaling rounds to 0 by itself
 * (0.94·2⁻¹⁰⁷⁵ at most), so the underflow select is dropped too.
 */
export function emitExp(x: number, tmp: TempLocal, k0: Consts = inlineConsts, nonPositive = false): number[] {
  const splat = k0.f64;
  const xc = tmp();
  const kd = tmp();
  const k = tmp();
  const r = tmp();
  const k1 = tmp();
  const out: number[] = [];
  // xc = clamp(x) (NaN propagates)
  // pmax/pmin (one instruction each) keep a NaN in x, the first operand
  out.push(...get(x), ...splat(-745.2), ...op.f64x2Pmax());
  if (!nonPositive) out.push(...splat(709.8), ...op.f64x2Pmin());
  out.push(...op.set(xc));
  out.push(...get(xc), ...splat(LOG2E), ...op.f64x2Mul(), ...splat(SHIFT), ...op.f64x2Add(), ...op.set(kd));
  out.push(...get(kd), ...splat(SHIFT), ...op.f64x2Sub(), ...op.set(k));
  // r = (xc − k·LN2HI) − k·LN2LO
  out.push(...get(xc), ...get(k), ...splat(LN2HI), ...op.f64x2Mul(), ...op.f64x2Sub());
  out.push(...get(k), ...splat(LN2LO), ...op.f64x2Mul(), ...op.f64x2Sub(), ...op.set(r));
  // Σ r^j / j! for j ≤ 13, by Estrin's scheme (short dependency chains: the loop body is long, so the
  // processor cannot overlap iterations, and a Horner chain would set the speed)
  let fact = 1;
  const coef: number[] = [1];
  for (let j = 1; j <= 13; j++) {
    fact *= j;
    coef.push(1 / fact);
  }
  out.push(...estrin(coef, r, tmp, splat), ...op.set(r));
  out.push(...get(r));
  // 2^k as two factors 2^k1 · 2^k2 (each exponent within range): bits(2⁵² + 1023 + k1) << 52 drops the
  // leading bits and leaves k1 + 1023 in the exponent field
  out.push(...get(k), ...splat(0.5), ...op.f64x2Mul(), ...op.f64x2Floor(), ...op.set(k1));
  out.push(
    ...get(k1),
    ...splat(2 ** 52 + 1023),
    ...op.f64x2Add(),
    ...op.i32(52),
    ...op.i64x2Shl(),
    ...op.f64x2Mul(),
  );
  out.push(...get(k), ...get(k1), ...op.f64x2Sub(), ...splat(2 ** 52 + 1023), ...op.f64x2Add());
  out.push(...op.i32(52), ...op.i64x2Shl(), ...op.f64x2Mul());
  if (nonPositive) return out;
  out.push(...op.set(r));
  // overflow → ∞, underflow → 0 (NaN compares false and stays NaN)
  const inf = select(get(r), splat(Number.POSITIVE_INFINITY), [
    ...get(x),
    ...splat(EXP_MAX),
    ...op.f64x2Gt(),
  ]);
  out.push(...select(inf, splat(0), [...get(x), ...splat(EXP_MIN), ...op.f64x2Lt()]));
  return out;
}

/**
 * The tail shared by `emitLog` and `emitLog1pUnit`, left on the stack: e·ln 2 + log1p(f) for f in local `f`
 * (|f/(2 + f)| small), as fdlibm: s = f/(2 + f), z = s², hfsq = f²/2, R = z·P(z) (`poly` leaves P(z), reading
 * local `z`), then e·LN2HI − ((hfsq − (s·(hfsq + R) + e·LN2LO)) − f). `eTimes(c)` leaves e·c on the stack.
 * Locals `s`, `z` and `hfsq` are scratch.
 */
function emitLogTail(
  f: number,
  s: number,
  z: number,
  hfsq: number,
  splat: (v: number) => number[],
  poly: () => number[],
  eTimes: (c: number) => number[],
): number[] {
  const out: number[] = [];
  out.push(...get(f), ...splat(2), ...get(f), ...op.f64x2Add(), ...op.f64x2Div(), ...op.set(s));
  out.push(...get(s), ...get(s), ...op.f64x2Mul(), ...op.set(z));
  out.push(...splat(0.5), ...get(f), ...op.f64x2Mul(), ...get(f), ...op.f64x2Mul(), ...op.set(hfsq));
  out.push(...poly(), ...get(z), ...op.f64x2Mul(), ...op.set(z)); // z now holds R
  out.push(...eTimes(LN2HI));
  out.push(...get(hfsq), ...get(s), ...get(hfsq), ...get(z), ...op.f64x2Add(), ...op.f64x2Mul());
  out.push(...eTimes(LN2LO), ...op.f64x2Add(), ...op.f64x2Sub());
  out.push(...get(f), ...op.f64x2Sub(), ...op.f64x2Sub());
  return out;
}

/** log of the f64x2 in local `x`, left on the stack. */
export function emitLog(x: number, tmp: TempLocal, k0: Consts = inlineConsts): number[] {
  const splat = k0.f64;
  const xs = tmp();
  const m = tmp();
  const e = tmp();
  const big = tmp();
  const f = tmp();
  const s = tmp();
  const z = tmp();
  const hfsq = tmp();
  const out: number[] = [];
  // subnormals: scale by 2⁵⁴ first (e corrected below)
  const small = [...get(x), ...splat(2.2250738585072014e-308), ...op.f64x2Lt()];
  out.push(...select(get(x), [...get(x), ...splat(2 ** 54), ...op.f64x2Mul()], small), ...op.set(xs));
  // exponent field E as a double: bits(2⁵² + E) = 0x4330… | E
  out.push(...get(xs), ...op.i32(52), ...op.i64x2ShrU(), ...k0.i64(0x4330000000000000n), ...op.v128Or());
  out.push(...splat(2 ** 52), ...op.f64x2Sub(), ...op.set(e));
  // m ∈ [1, 2)
  out.push(...get(xs), ...k0.i64(0x000fffffffffffffn), ...op.v128And());
  out.push(...k0.i64(0x3ff0000000000000n), ...op.v128Or(), ...op.set(m));
  // m ≥ √2: m/2, E + 1
  out.push(...get(m), ...splat(Math.SQRT2), ...op.f64x2Gt(), ...op.set(big));
  out.push(...select(get(m), [...get(m), ...splat(0.5), ...op.f64x2Mul()], get(big)), ...op.set(m));
  out.push(...get(e), ...get(big), ...splat(1), ...op.v128And(), ...op.f64x2Add());
  out.push(...splat(-1023), ...op.f64x2Add());
  // minus 54 for the scaled subnormals
  out.push(...get(x), ...splat(2.2250738585072014e-308), ...op.f64x2Lt(), ...splat(54), ...op.v128And());
  out.push(...op.f64x2Sub(), ...op.set(e));
  // f = m − 1; R = Σ_{j=1..11} 2 z^j / (2j + 1) = z·P(z), P by Estrin's scheme
  out.push(...get(m), ...splat(1), ...op.f64x2Sub(), ...op.set(f));
  const pc = Array.from({ length: 11 }, (_, j) => 2 / (2 * j + 3));
  const poly = () => estrin(pc, z, tmp, splat);
  out.push(...emitLogTail(f, s, z, hfsq, splat, poly, (c) => [...get(e), ...splat(c), ...op.f64x2Mul()]));
  out.push(...op.set(s));
  // special values: 0 → −∞, negative or NaN → NaN, ∞ → ∞
  let res = select(get(s), splat(Number.NEGATIVE_INFINITY), [...get(x), ...splat(0), ...op.f64x2Eq()]);
  res = select(res, splat(Number.NaN), [...get(x), ...splat(0), ...op.f64x2Ge(), ...op.v128Not()]);
  res = select(res, splat(Number.POSITIVE_INFINITY), [
    ...get(x),
    ...splat(Number.POSITIVE_INFINITY),
    ...op.f64x2Eq(),
  ]);
  out.push(...res);
  return out;
}

/** log1p of the f64x2 in local `x`, left on the stack: log(u) − ((u − 1) − x)/u with u = 1 + x. */
export function emitLog1p(x: number, tmp: TempLocal, k0: Consts = inlineConsts): number[] {
  const splat = k0.f64;
  const u = tmp();
  const l = tmp();
  const out: number[] = [];
  out.push(...splat(1), ...get(x), ...op.f64x2Add(), ...op.set(u));
  out.push(...emitLog(u, tmp, k0), ...op.set(l));
  out.push(...get(l), ...get(u), ...splat(1), ...op.f64x2Sub(), ...get(x), ...op.f64x2Sub());
  out.push(...get(u), ...op.f64x2Div(), ...op.f64x2Sub(), ...op.set(l));
  let res = select(get(l), splat(Number.NEGATIVE_INFINITY), [...get(x), ...splat(-1), ...op.f64x2Eq()]);
  res = select(res, splat(Number.POSITIVE_INFINITY), [
    ...get(x),
    ...splat(Number.POSITIVE_INFINITY),
    ...op.f64x2Eq(),
  ]);
  out.push(...res);
  return out;
}

/**
 * Near-minimax P(z) ≈ Σ_{j≥1} 2 z^(j−1)/(2j + 1) on z ∈ [0, 0.04] (|s| ≤ 0.2), from
 * `scripts/log-series-fit.py 7`: the fit's error times s·z stays below 3e-19.
 */
const LOG_UNIT_P = [
  0.6666666666666666, 0.400000000000078, 0.2857142856733919, 0.22222223037807243, 0.18181738454723026,
  0.15388834677801916, 0.1321036048513262, 0.13604015707124079,
];

/**
 * log1p of the f64x2 in local `x` where every lane is in [0, 1] or NaN (as `exp(−|y|)` is, in a softplus or
 * log-sigmoid), left on the stack. Without the general range reduction: 1 + x ∈ [1, 2] is 2^e·(1 + f) with
 * f = x, e = 0 below ½ and f = (x − 1)/2 (exact), e = 1 from ½ on; then log1p(f) = f − hfsq + s·(hfsq + z·P(z))
 * with s = f/(2 + f) ∈ [−1/7, 1/5], z = s², hfsq = f²/2, and P the fit above. No special values to patch: 0 → 0,
 * 1 → ln 2, NaN → NaN. Within 1 ulp of `Math.log1p` on [0, 1] (the tests check a dense grid).
 */
export function emitLog1pUnit(x: number, tmp: TempLocal, k0: Consts = inlineConsts): number[] {
  const splat = k0.f64;
  const big = tmp();
  const f = tmp();
  const s = tmp();
  const z = tmp();
  const hfsq = tmp();
  const out: number[] = [];
  out.push(...get(x), ...splat(0.5), ...op.f64x2Ge(), ...op.set(big));
  out.push(
    ...select(get(x), [...get(x), ...splat(1), ...op.f64x2Sub(), ...splat(0.5), ...op.f64x2Mul()], get(big)),
  );
  out.push(...op.set(f));
  // e·c as the masks of `big` (e ∈ {0, 1})
  const poly = () => estrin(LOG_UNIT_P, z, tmp, splat);
  out.push(...emitLogTail(f, s, z, hfsq, splat, poly, (c) => [...get(big), ...splat(c), ...op.v128And()]));
  return out;
}
