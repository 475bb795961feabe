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
const SHIFT_BITS = 0x4338000000000000n;

const splat = (x: number): number[] => op.f64x2Const(x, x);
const get = op.get;

/** Selects `then` where `mask` (a v128 of all-ones / all-zero lanes on the stack, computed by `mask`). */
function select(base: number[], thenValue: number[], mask: number[]): number[] {
  // bitselect(v1, v2, c) = (v1 & c) | (v2 & ~c)
  return [...thenValue, ...base, ...mask, ...op.v128Bitselect()];
}

/** exp of the f64x2 in local `x`, left on the stack. */
export function emitExp(x: number, tmp: TempLocal): number[] {
  const xc = tmp();
  const kd = tmp();
  const k = tmp();
  const r = tmp();
  const ki = tmp();
  const k1 = tmp();
  const out: number[] = [];
  // xc = clamp(x) (NaN propagates)
  out.push(...get(x), ...splat(-745.2), ...op.f64x2Max(), ...splat(709.8), ...op.f64x2Min(), ...op.set(xc));
  out.push(...get(xc), ...splat(LOG2E), ...op.f64x2Mul(), ...splat(SHIFT), ...op.f64x2Add(), ...op.set(kd));
  out.push(...get(kd), ...splat(SHIFT), ...op.f64x2Sub(), ...op.set(k));
  // r = (xc − k·LN2HI) − k·LN2LO
  out.push(...get(xc), ...get(k), ...splat(LN2HI), ...op.f64x2Mul(), ...op.f64x2Sub());
  out.push(...get(k), ...splat(LN2LO), ...op.f64x2Mul(), ...op.f64x2Sub(), ...op.set(r));
  // Horner: 1 + r(1 + r(1/2 + r(1/6 + … r/13!)))
  let fact = 1;
  const coef: number[] = [1];
  for (let j = 1; j <= 13; j++) {
    fact *= j;
    coef.push(1 / fact);
  }
  out.push(...splat(coef[13] as number));
  for (let j = 12; j >= 0; j--)
    out.push(...get(r), ...op.f64x2Mul(), ...splat(coef[j] as number), ...op.f64x2Add());
  // 2^k as two factors 2^k1 · 2^k2 (each exponent within range), k = bits(kd) − bits(SHIFT)
  out.push(...get(kd), ...op.i64x2Const(SHIFT_BITS), ...op.i64x2Sub(), ...op.set(ki));
  out.push(...get(ki), ...op.i32(1), ...op.i64x2ShrS(), ...op.set(k1));
  out.push(
    ...get(k1),
    ...op.i64x2Const(1023n),
    ...op.i64x2Add(),
    ...op.i32(52),
    ...op.i64x2Shl(),
    ...op.f64x2Mul(),
  );
  out.push(...get(ki), ...get(k1), ...op.i64x2Sub(), ...op.i64x2Const(1023n), ...op.i64x2Add());
  out.push(...op.i32(52), ...op.i64x2Shl(), ...op.f64x2Mul(), ...op.set(r));
  // overflow → ∞, underflow → 0 (NaN compares false and stays NaN)
  const inf = select(get(r), splat(Number.POSITIVE_INFINITY), [
    ...get(x),
    ...splat(EXP_MAX),
    ...op.f64x2Gt(),
  ]);
  out.push(...select(inf, splat(0), [...get(x), ...splat(EXP_MIN), ...op.f64x2Lt()]));
  return out;
}

/** log of the f64x2 in local `x`, left on the stack. */
export function emitLog(x: number, tmp: TempLocal): number[] {
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
  out.push(
    ...get(xs),
    ...op.i32(52),
    ...op.i64x2ShrU(),
    ...op.i64x2Const(0x4330000000000000n),
    ...op.v128Or(),
  );
  out.push(...splat(2 ** 52), ...op.f64x2Sub(), ...op.set(e));
  // m ∈ [1, 2)
  out.push(...get(xs), ...op.i64x2Const(0x000fffffffffffffn), ...op.v128And());
  out.push(...op.i64x2Const(0x3ff0000000000000n), ...op.v128Or(), ...op.set(m));
  // m ≥ √2: m/2, E + 1
  out.push(...get(m), ...splat(Math.SQRT2), ...op.f64x2Gt(), ...op.set(big));
  out.push(...select(get(m), [...get(m), ...splat(0.5), ...op.f64x2Mul()], get(big)), ...op.set(m));
  out.push(...get(e), ...get(big), ...splat(1), ...op.v128And(), ...op.f64x2Add());
  out.push(...splat(-1023), ...op.f64x2Add());
  // minus 54 for the scaled subnormals
  out.push(...get(x), ...splat(2.2250738585072014e-308), ...op.f64x2Lt(), ...splat(54), ...op.v128And());
  out.push(...op.f64x2Sub(), ...op.set(e));
  // f = m − 1, s = f / (2 + f), z = s², hfsq = f²/2
  out.push(...get(m), ...splat(1), ...op.f64x2Sub(), ...op.set(f));
  out.push(...get(f), ...splat(2), ...get(f), ...op.f64x2Add(), ...op.f64x2Div(), ...op.set(s));
  out.push(...get(s), ...get(s), ...op.f64x2Mul(), ...op.set(z));
  out.push(...splat(0.5), ...get(f), ...op.f64x2Mul(), ...get(f), ...op.f64x2Mul(), ...op.set(hfsq));
  // R = Σ_{j=1..11} 2 z^j / (2j + 1) = z(2/3 + z(2/5 + …))
  out.push(...splat(2 / 23));
  for (let j = 10; j >= 1; j--)
    out.push(...get(z), ...op.f64x2Mul(), ...splat(2 / (2 * j + 1)), ...op.f64x2Add());
  out.push(...get(z), ...op.f64x2Mul(), ...op.set(z)); // z now holds R
  // e·LN2HI − ((hfsq − (s·(hfsq + R) + e·LN2LO)) − f)
  out.push(...get(e), ...splat(LN2HI), ...op.f64x2Mul());
  out.push(...get(hfsq), ...get(s), ...get(hfsq), ...get(z), ...op.f64x2Add(), ...op.f64x2Mul());
  out.push(...get(e), ...splat(LN2LO), ...op.f64x2Mul(), ...op.f64x2Add(), ...op.f64x2Sub());
  out.push(...get(f), ...op.f64x2Sub(), ...op.f64x2Sub(), ...op.set(s));
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
export function emitLog1p(x: number, tmp: TempLocal): number[] {
  const u = tmp();
  const l = tmp();
  const out: number[] = [];
  out.push(...splat(1), ...get(x), ...op.f64x2Add(), ...op.set(u));
  out.push(...emitLog(u, tmp), ...op.set(l));
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
