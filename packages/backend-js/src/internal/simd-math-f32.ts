/**
 * `exp`, `log` and `log1p` on the four lanes of an f32x4, as WebAssembly instruction sequences, for the
 * float32 row kernels (`dataDtype: "float32"`, see `simd-emit.ts`). The same construction as the f64x2
 * versions of `simd-math.ts`, at float32 length: exp reduces x = k·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split
 * in a high part with trailing zeros, so k·LN2HI is exact) and sums the Taylor series to degree 7 (truncation
 * below 6e-9 relative), then scales by 2^k as two factors (each a normal float32, so the one rounding of a
 * subnormal result happens last); log reduces to m ∈ [√½, √2) and sums the atanh series to z⁵ (truncation
 * below 3e-9); log1p is log(u) − ((u − 1) − x)/u with u = 1 + x. Results are within a few float32 ulp of
 * `Math.fround(Math.exp(x))` etc. (the tests compare them over dense grids). Special values follow `Math`:
 * exp(±∞) = ∞ / 0, overflow to ∞ above 88.72, underflow through the subnormals to 0; log(0) = −∞, log of a
 * negative number or NaN is NaN, log(∞) = ∞; log1p(−1) = −∞; NaN stays NaN.
 */
import type { TempLocal } from "./simd-math.js";
import { op } from "./wasm-emit.js";

/** Constants: `f32` for a float in all four lanes, `i32` for a 32-bit integer in all four. */
export interface ConstsF32 {
  f32(x: number): number[];
  i32(x: number): number[];
}

/** Constants written inline (`v128.const`). */
export const inlineConstsF32: ConstsF32 = { f32: (x) => op.f32x4Const(x), i32: (x) => op.i32x4Const(x) };

const get = op.get;

/** Σ c_j x^j (x in a local) by Horner's scheme in f32x4 (short polynomials: the chain is short too). */
function horner(c: readonly number[], x: number, splat: (v: number) => number[]): number[] {
  const out: number[] = [...splat(c[c.length - 1] as number)];
  for (let j = c.length - 2; j >= 0; j--)
    out.push(...get(x), ...op.f32x4Mul(), ...splat(c[j] as number), ...op.f32x4Add());
  return out;
}

/** bitselect: `thenValue` in the lanes where `mask` is all-ones, else `base`. */
function select(base: number[], thenValue: number[], mask: number[]): number[] {
  return [...thenValue, ...base, ...mask, ...op.v128Bitselect()];
}

const LOG2E = Math.fround(Math.LOG2E);
const LN2HI = 0.693359375; // 355/512: k · LN2HI is exact for |k| < 2¹⁴
const LN2LO = Math.fround(Math.LN2 - 0.693359375);
const LOG_LN2HI = 0.69313812255859375; // 0x3f317180 (log's split, as fdlibm's logf)
const LOG_LN2LO = 9.0580006145e-6;

/** exp of the f32x4 in local `x`, left on the stack. */
export function emitExpF32(x: number, tmp: TempLocal, k0: ConstsF32 = inlineConstsF32): number[] {
  const splat = k0.f32;
  const xc = tmp();
  const kf = tmp();
  const r = tmp();
  const ki = tmp();
  const k1 = tmp();
  const out: number[] = [];
  // clamp (pmax/pmin keep a NaN in the first operand): below −104 the result rounds to 0, above 89 to ∞
  out.push(...get(x), ...splat(-104), ...op.f32x4Pmax(), ...splat(89), ...op.f32x4Pmin(), ...op.set(xc));
  out.push(...get(xc), ...splat(LOG2E), ...op.f32x4Mul(), ...op.f32x4Nearest(), ...op.set(kf));
  out.push(...get(xc), ...get(kf), ...splat(LN2HI), ...op.f32x4Mul(), ...op.f32x4Sub());
  out.push(...get(kf), ...splat(LN2LO), ...op.f32x4Mul(), ...op.f32x4Sub(), ...op.set(r));
  const coef: number[] = [1];
  let fact = 1;
  for (let j = 1; j <= 7; j++) {
    fact *= j;
    coef.push(1 / fact);
  }
  // 2^k = 2^k1 · 2^k2 with k1 = k >> 1 (k ∈ [−150, 128], both factors normal): bits (k_j + 127) << 23
  out.push(...get(kf), ...op.i32x4TruncSatF32x4S(), ...op.set(ki));
  out.push(...get(ki), ...op.i32(1), ...op.i32x4ShrS(), ...op.set(k1));
  out.push(...horner(coef, r, splat));
  out.push(...get(k1), ...k0.i32(127), ...op.i32x4Add(), ...op.i32(23), ...op.i32x4Shl(), ...op.f32x4Mul());
  out.push(...get(ki), ...get(k1), ...op.i32x4Sub(), ...k0.i32(127), ...op.i32x4Add());
  out.push(...op.i32(23), ...op.i32x4Shl(), ...op.f32x4Mul());
  return out;
}

/**
 * The tail shared by `emitLogF32` and `emitLog1pUnitF32`, left on the stack: e·ln 2 + log1p(f) for f in local
 * `f`, as `simd-math.ts`'s `emitLogTail` with the series to z⁵ by Horner's scheme and logf's split of ln 2.
 * `eTimes(c)` leaves e·c on the stack; locals `s`, `z` and `hfsq` are scratch.
 */
function emitLogTailF32(
  f: number,
  s: number,
  z: number,
  hfsq: number,
  splat: (v: number) => number[],
  eTimes: (c: number) => number[],
): number[] {
  const out: number[] = [];
  out.push(...get(f), ...splat(2), ...get(f), ...op.f32x4Add(), ...op.f32x4Div(), ...op.set(s));
  out.push(...get(s), ...get(s), ...op.f32x4Mul(), ...op.set(z));
  out.push(...splat(0.5), ...get(f), ...op.f32x4Mul(), ...get(f), ...op.f32x4Mul(), ...op.set(hfsq));
  // R = Σ_{j=1..5} 2 z^j / (2j + 1)
  const pc = Array.from({ length: 5 }, (_, j) => 2 / (2 * j + 3));
  out.push(...horner(pc, z, splat), ...get(z), ...op.f32x4Mul(), ...op.set(z));
  // e·LN2HI − ((hfsq − (s·(hfsq + R) + e·LN2LO)) − f)
  out.push(...eTimes(LOG_LN2HI));
  out.push(...get(hfsq), ...get(s), ...get(hfsq), ...get(z), ...op.f32x4Add(), ...op.f32x4Mul());
  out.push(...eTimes(LOG_LN2LO), ...op.f32x4Add(), ...op.f32x4Sub());
  out.push(...get(f), ...op.f32x4Sub(), ...op.f32x4Sub());
  return out;
}

/** log of the f32x4 in local `x`, left on the stack. */
export function emitLogF32(x: number, tmp: TempLocal, k0: ConstsF32 = inlineConstsF32): number[] {
  const splat = k0.f32;
  const xs = tmp();
  const small = tmp();
  const m = tmp();
  const big = tmp();
  const e = tmp();
  const f = tmp();
  const s = tmp();
  const z = tmp();
  const hfsq = tmp();
  const out: number[] = [];
  // subnormals: scale by 2²³ first (e corrected below)
  out.push(...get(x), ...splat(2 ** -126), ...op.f32x4Lt(), ...op.set(small));
  out.push(...select(get(x), [...get(x), ...splat(2 ** 23), ...op.f32x4Mul()], get(small)), ...op.set(xs));
  // m ∈ [1, 2) from the mantissa bits; m ≥ √2: m/2 and one more in the exponent
  out.push(...get(xs), ...k0.i32(0x007fffff), ...op.v128And(), ...k0.i32(0x3f800000), ...op.v128Or());
  out.push(...op.set(m), ...get(m), ...splat(Math.fround(Math.SQRT2)), ...op.f32x4Gt(), ...op.set(big));
  out.push(...select(get(m), [...get(m), ...splat(0.5), ...op.f32x4Mul()], get(big)), ...op.set(m));
  // e = E − 127 + big − 23·small (big and small are −1 in their lanes)
  out.push(...get(xs), ...op.i32(23), ...op.i32x4ShrU(), ...k0.i32(127), ...op.i32x4Sub());
  out.push(...get(big), ...op.i32x4Sub(), ...get(small), ...k0.i32(23), ...op.v128And(), ...op.i32x4Sub());
  out.push(...op.f32x4ConvertI32x4S(), ...op.set(e));
  // f = m − 1
  out.push(...get(m), ...splat(1), ...op.f32x4Sub(), ...op.set(f));
  out.push(...emitLogTailF32(f, s, z, hfsq, splat, (c) => [...get(e), ...splat(c), ...op.f32x4Mul()]));
  out.push(...op.set(s));
  // special values: 0 → −∞, negative or NaN → NaN, ∞ → ∞
  let res = select(get(s), splat(Number.NEGATIVE_INFINITY), [...get(x), ...splat(0), ...op.f32x4Eq()]);
  res = select(res, splat(Number.NaN), [...get(x), ...splat(0), ...op.f32x4Ge(), ...op.v128Not()]);
  res = select(res, splat(Number.POSITIVE_INFINITY), [
    ...get(x),
    ...splat(Number.POSITIVE_INFINITY),
    ...op.f32x4Eq(),
  ]);
  out.push(...res);
  return out;
}

/** log1p of the f32x4 in local `x`, left on the stack: log(u) − ((u − 1) − x)/u with u = 1 + x. */
export function emitLog1pF32(x: number, tmp: TempLocal, k0: ConstsF32 = inlineConstsF32): number[] {
  const splat = k0.f32;
  const u = tmp();
  const l = tmp();
  const out: number[] = [];
  out.push(...splat(1), ...get(x), ...op.f32x4Add(), ...op.set(u));
  out.push(...emitLogF32(u, tmp, k0), ...op.set(l));
  out.push(...get(l), ...get(u), ...splat(1), ...op.f32x4Sub(), ...get(x), ...op.f32x4Sub());
  out.push(...get(u), ...op.f32x4Div(), ...op.f32x4Sub(), ...op.set(l));
  let res = select(get(l), splat(Number.NEGATIVE_INFINITY), [...get(x), ...splat(-1), ...op.f32x4Eq()]);
  res = select(res, splat(Number.POSITIVE_INFINITY), [
    ...get(x),
    ...splat(Number.POSITIVE_INFINITY),
    ...op.f32x4Eq(),
  ]);
  out.push(...res);
  return out;
}

/**
 * log1p of the f32x4 in local `x` where every lane is in [0, 1] or NaN (`exp(−|y|)` in a softplus), left on
 * the stack: as `simd-math.ts`'s `emitLog1pUnit` (f = x below ½, f = (x − 1)/2 and one ln 2 from ½ on, no
 * general range reduction, no special values to patch), with the series to z⁵ (|s| ≤ 0.2: truncation below
 * 4e-9 relative).
 */
export function emitLog1pUnitF32(x: number, tmp: TempLocal, k0: ConstsF32 = inlineConstsF32): number[] {
  const splat = k0.f32;
  const big = tmp();
  const f = tmp();
  const s = tmp();
  const z = tmp();
  const hfsq = tmp();
  const out: number[] = [];
  out.push(...get(x), ...splat(0.5), ...op.f32x4Ge(), ...op.set(big));
  out.push(
    ...select(get(x), [...get(x), ...splat(1), ...op.f32x4Sub(), ...splat(0.5), ...op.f32x4Mul()], get(big)),
  );
  out.push(...op.set(f));
  // e·c as the masks of `big` (e ∈ {0, 1})
  out.push(...emitLogTailF32(f, s, z, hfsq, splat, (c) => [...get(big), ...splat(c), ...op.v128And()]));
  return out;
}
