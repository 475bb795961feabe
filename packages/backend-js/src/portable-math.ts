/**
 * Engine-independent elementary functions: `exp`, `log`, `log1p`, `expm1`, `sin`, `cos`, `tan`, `tanh`
 * written in plain IEEE-754 double arithmetic, so every JavaScript engine computes bit-identical results.
 *
 * `Math.exp` and friends are not specified to the bit: engines differ by an ulp on a few percent of inputs
 * (Node 20's V8 and Chromium 156 disagree on ~7% of `Math.exp` and ~5% of `Math.log` results over [−64, 64]),
 * which is enough to make a Markov chain diverge after a few hundred iterations. These functions follow the
 * classic fdlibm designs (argument reduction by ln 2 or π/2 with split constants, then a minimax polynomial or
 * rational kernel; Payne–Hanek reduction with an exact multi-precision 2/π for huge trigonometric arguments),
 * are within 1 ulp of the true result, and use only `+ − × ÷`, comparisons and bit access, which JavaScript
 * defines exactly (no fused multiply-add, no extended precision).
 */
import { addRuntimeScalars } from "./internal/default-runtime.js";
import { setPortableEmitters } from "./internal/elementwise.js";

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
/** Index of the high (sign/exponent) word of a float64 in `i32` on this platform. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** High 32 bits of a double (sign, exponent, top 20 mantissa bits). */
function highWord(x: number): number {
  f64[0] = x;
  return i32[HI] as number;
}

/** POW2[k + 1022] = 2^k for −1022 ≤ k ≤ 1023 (products of powers of two are exact). */
const POW2 = new Float64Array(2046);
POW2[1022] = 1;
for (let k = 1; k <= 1023; k++) POW2[1022 + k] = (POW2[1021 + k] as number) * 2;
for (let k = 1; k <= 1022; k++) POW2[1022 - k] = (POW2[1023 - k] as number) * 0.5;

/** 2^k for −1022 ≤ k ≤ 1023, exactly. */
function twoPow(k: number): number {
  return POW2[k + 1022] as number;
}

/** y · 2^k for any integer k in [−1100, 1100], rounded once (y near 1). */
function scale(y: number, k: number): number {
  if (k > 1023) return y * 2 * twoPow(k - 1);
  if (k >= -1022) return y * twoPow(k);
  return y * twoPow(k + 1000) * 9.332636185032189e-302; // 2^−1000: the last product rounds once
}

const LN2_HI = 6.931471803691238e-1; // ln 2 with 32 trailing zero bits: k · LN2_HI is exact
const LN2_LO = 1.9082149292705877e-10; // ln 2 − LN2_HI
const INV_LN2 = Math.LOG2E;

// exp: e^r = 1 + 2r/(R(r) − r) on |r| ≤ ln2/2, with R a degree-10 even minimax fit (coefficients P1..P5).
const P1 = 1.6666666666666602e-1;
const P2 = -2.7777777777015593e-3;
const P3 = 6.613756321437934e-5;
const P4 = -1.6533902205465252e-6;
const P5 = 4.1381367970572385e-8;

/** Engine-independent `Math.exp` (within 1 ulp). */
export function exp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 7.09782712893384e2) return Number.POSITIVE_INFINITY;
  if (x < -7.451332191019411e2) return 0;
  const ax = x < 0 ? -x : x;
  let k = 0;
  let hi = x;
  let lo = 0;
  let r = x;
  if (ax > 3.4657359027997264e-1) {
    k = ax < 1.0397207708399179 ? (x > 0 ? 1 : -1) : Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
    r = hi - lo;
  } else if (ax < 3.725290298461914e-9) {
    return 1 + x;
  }
  const z = r * r;
  const c = r - z * (P1 + z * (P2 + z * (P3 + z * (P4 + z * P5))));
  if (k === 0) return 1 - ((r * c) / (c - 2) - r);
  return scale(1 - (lo - (r * c) / (2 - c) - hi), k);
}

// log: log(1+f) = f − f²/2 + s(f²/2 + R(s²)), s = f/(2+f), R a degree-14 minimax fit (Lg1..Lg7).
const LG1 = 6.666666666666735e-1;
const LG2 = 3.999999999940942e-1;
const LG3 = 2.8571428743662391e-1;
const LG4 = 2.2222198432149784e-1;
const LG5 = 1.818357216161805e-1;
const LG6 = 1.5313837699209373e-1;
const LG7 = 1.4798198605116586e-1;

/**
 * log(1 + f) for √2/2 − 1 ≤ f ≤ √2 − 1, plus k·ln 2 and a small correction c:
 * k·ln2_hi − ((f²/2 − (s(f²/2 + R(s²)) + (k·ln2_lo + c))) − f), s = f/(2+f).
 */
function logReduced(f: number, k: number, c: number): number {
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + r) + (k * LN2_LO + c)) - f);
}

/** Engine-independent `Math.log` (within 1 ulp). */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  let k = 0;
  let hx = highWord(x);
  if (hx < 0x00100000) {
    // subnormal: scale up by 2^54
    k = -54;
    hx = highWord(x * 18014398509481984);
  }
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  // mantissa m in [1, 2); use m/2 when m > √2 so that f = m − 1 lies in [√2/2 − 1, √2 − 1]
  const i = (hx + 0x95f64) & 0x100000;
  i32[HI] = hx | (i ^ 0x3ff00000);
  k += i >> 20;
  const f = (f64[0] as number) - 1;
  if (f === 0) return k * LN2_HI + k * LN2_LO;
  return logReduced(f, k, 0);
}

/** Engine-independent `Math.log1p` (within 1 ulp). */
export function log1p(x: number): number {
  if (Number.isNaN(x) || x < -1) return Number.NaN;
  if (x === -1) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  const ax = x < 0 ? -x : x;
  if (ax < 1.862645149230957e-9) return ax < 5.551115123125783e-17 ? x : x - x * x * 0.5;
  let k = 0;
  let f = x;
  let c = 0;
  if (x <= -2.9289321881345254e-1 || x >= 4.142135623730951e-1) {
    // 1 + x is not exact: keep the rounding error c/u and reduce u = 1 + x like log
    const u = 1 + x;
    let hu = highWord(u);
    k = (hu >> 20) - 1023;
    if (k < 54) c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u;
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      i32[HI] = hu | 0x3ff00000;
    } else {
      k += 1;
      i32[HI] = hu | 0x3fe00000;
    }
    f = (f64[0] as number) - 1;
  }
  if (f === 0) return k * LN2_HI + (c + k * LN2_LO);
  return logReduced(f, k, c);
}

// expm1: on |r| ≤ ln2/2, a rational fit in r²/2 (Q1..Q5) with a correction term.
const Q1 = -3.3333333333333132e-2;
const Q2 = 1.5873015872548146e-3;
const Q3 = -7.93650757867488e-5;
const Q4 = 4.008217827329362e-6;
const Q5 = -2.0109921818362437e-7;

/** Engine-independent `Math.expm1` (within 1 ulp). */
export function expm1(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 7.09782712893384e2) return Number.POSITIVE_INFINITY;
  if (x < -38.816242111356935) return -1; // e^x < 2^−56
  const ax = x < 0 ? -x : x;
  if (ax < 5.551115123125783e-17) return x;
  let k = 0;
  let r = x;
  let c = 0;
  if (ax > 3.4657359027997264e-1) {
    k = ax < 1.0397207708399179 ? (x > 0 ? 1 : -1) : Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
    const hi = x - k * LN2_HI;
    const lo = k * LN2_LO;
    r = hi - lo;
    c = hi - r - lo;
  }
  const hfx = 0.5 * r;
  const hxs = r * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - r * t));
  if (k === 0) return r - (r * e - hxs);
  // expm1(r + c) = r − e after the correction
  e = r * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (r - e) - 0.5;
  if (k === 1) return r < -0.25 ? -2 * (e - (r + 0.5)) : 1 + 2 * (r - e);
  if (k <= -2 || k > 56) return scale(1 - (e - r), k) - 1;
  if (k < 20) return scale(1 - twoPow(-k) - (e - r), k); // 1 − 2^−k is exact
  return scale(r - (e + twoPow(-k)) + 1, k);
}

// sin/cos kernels on |x| ≤ π/4 (x + y with |y| tiny): odd degree-13 and even degree-14 minimax fits.
const S1 = -1.6666666666666632e-1;
const S2 = 8.33333333332249e-3;
const S3 = -1.984126982985795e-4;
const S4 = 2.7557313707070068e-6;
const S5 = -2.5050760253406863e-8;
const S6 = 1.58969099521155e-10;
const C1 = 4.16666666666666e-2;
const C2 = -1.388888888887411e-3;
const C3 = 2.480158728947673e-5;
const C4 = -2.7557314351390663e-7;
const C5 = 2.087572321298175e-9;
const C6 = -1.1359647557788195e-11;

function sinKernel(x: number, y: number): number {
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

function cosKernel(x: number, y: number): number {
  const z = x * x;
  const w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const u = 1 - hz;
  return u + (1 - u - hz + (z * r - x * y));
}

// π/2 in three 33-bit pieces (each n · piece exact for |n| < 2^20) and their tails.
const PIO2_1 = 1.5707963267341256;
const PIO2_1T = 6.077100506506192e-11;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_2T = 2.0222662487959506e-21;
const PIO2_3 = 2.0222662487111665e-21;
const PIO2_3T = 8.4784276603689e-32;
const INV_PIO2 = 6.366197723675814e-1;

/** Result of reducing x by π/2: x = n·π/2 + (y0 + y1). */
let red0 = 0;
let red1 = 0;

/** Reduces x modulo π/2 into (red0, red1); returns n mod 4. */
function reducePio2(x: number): number {
  const ax = x < 0 ? -x : x;
  if (ax <= 7.853981633974483e-1) {
    red0 = x;
    red1 = 0;
    return 0;
  }
  if (ax < 1.6470993291652855e6) return reduceMedium(x);
  return reduceHuge(x);
}

function exponentOf(x: number): number {
  return (highWord(x) >> 20) & 0x7ff;
}

/** Cody–Waite reduction for |x| < 2^20 · π/2, with up to three pieces of π/2 as cancellation requires. */
function reduceMedium(x: number): number {
  const fn = Math.round(x * INV_PIO2);
  let r = x - fn * PIO2_1;
  let w = fn * PIO2_1T;
  let y0 = r - w;
  const j = exponentOf(x);
  if (j - exponentOf(y0) > 16) {
    let t = r;
    w = fn * PIO2_2;
    r = t - w;
    w = fn * PIO2_2T - (t - r - w);
    y0 = r - w;
    if (j - exponentOf(y0) > 49) {
      t = r;
      w = fn * PIO2_3;
      r = t - w;
      w = fn * PIO2_3T - (t - r - w);
      y0 = r - w;
    }
  }
  red0 = y0;
  red1 = r - y0 - w;
  return fn & 3;
}

const FRAC_BITS = 1200n;
let twoOverPi: bigint | null = null;

/** ⌊2^1200 · 2/π⌋, computed once with Machin's formula in exact integer arithmetic. */
function twoOverPiFixed(): bigint {
  if (twoOverPi !== null) return twoOverPi;
  const g = FRAC_BITS + 64n;
  const one = 1n << g;
  const atanInv = (n: bigint): bigint => {
    let sum = 0n;
    let term = one / n;
    const n2 = n * n;
    for (let k = 1n; term !== 0n; k += 2n) {
      sum += (k & 2n) === 0n ? term / k : -(term / k);
      term /= n2;
    }
    return sum;
  };
  const piFixed = 16n * atanInv(5n) - 4n * atanInv(239n); // π · 2^g (error a few units)
  twoOverPi = (2n << (FRAC_BITS + g)) / piFixed;
  return twoOverPi;
}

/** Payne–Hanek reduction of a huge |x| (≥ 2^20 · π/2): x · 2/π in exact integer arithmetic. */
function reduceHuge(x: number): number {
  const neg = x < 0;
  const ax = neg ? -x : x;
  if (ax === Number.POSITIVE_INFINITY) {
    red0 = Number.NaN;
    red1 = 0;
    return 0;
  }
  // ax = m · 2^e with m a 53-bit integer
  f64[0] = ax;
  const hx = i32[HI] as number;
  const e = BigInt(((hx >> 20) & 0x7ff) - 1075);
  const m = (BigInt((hx & 0x000fffff) | 0x00100000) << 32n) | BigInt((i32[LO] as number) >>> 0);
  const shift = FRAC_BITS - e; // x·2/π = m · P / 2^shift
  const prod = m * twoOverPiFixed();
  let n = prod >> shift;
  let frac = prod - (n << shift); // in [0, 2^shift)
  const half = 1n << (shift - 1n);
  if (frac >= half) {
    frac -= 1n << shift;
    n += 1n;
  }
  // frac / 2^shift in [−1/2, 1/2) as a double-double, then times π/2 (double-double)
  const top = shift - 120n;
  const q = frac >> top; // 120 significant bits (sign kept)
  const qHi = Number(q >> 60n) * 2 ** 60;
  const qLo = Number(q - ((q >> 60n) << 60n));
  const scaleDown = 2 ** -120;
  const hi = (qHi + qLo) * scaleDown;
  const lo = (qHi - hi / scaleDown + qLo) * scaleDown;
  const PIO2_HI = 1.5707963267948966;
  const PIO2_LO = 6.123233995736766e-17;
  // (hi + lo) · (PIO2_HI + PIO2_LO) with an exact product of the leading terms (Dekker split)
  const p = hi * PIO2_HI;
  const split = (v: number): [number, number] => {
    const t = v * 134217729;
    const a = t - (t - v);
    return [a, v - a];
  };
  const [ah, al] = split(hi);
  const [bh, bl] = split(PIO2_HI);
  const err = ah * bh - p + ah * bl + al * bh + al * bl;
  const tail = err + hi * PIO2_LO + lo * PIO2_HI;
  const y0 = p + tail;
  let y1 = tail - (y0 - p);
  let r0 = y0;
  if (neg) {
    r0 = -r0;
    y1 = -y1;
  }
  red0 = r0;
  red1 = y1;
  const nm = Number(n & 3n);
  return neg ? (4 - nm) & 3 : nm;
}

/** Engine-independent `Math.sin` (within 1 ulp). */
export function sin(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  const ax = x < 0 ? -x : x;
  if (ax < 7.450580596923828e-9) return x;
  const n = reducePio2(x);
  switch (n) {
    case 0:
      return sinKernel(red0, red1);
    case 1:
      return cosKernel(red0, red1);
    case 2:
      return -sinKernel(red0, red1);
    default:
      return -cosKernel(red0, red1);
  }
}

/** Engine-independent `Math.cos` (within 1 ulp). */
export function cos(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  const ax = x < 0 ? -x : x;
  if (ax < 7.450580596923828e-9) return 1;
  const n = reducePio2(x);
  switch (n) {
    case 0:
      return cosKernel(red0, red1);
    case 1:
      return -sinKernel(red0, red1);
    case 2:
      return -cosKernel(red0, red1);
    default:
      return sinKernel(red0, red1);
  }
}

/** Engine-independent `Math.tan` (within 2 ulp: the quotient of the sine and cosine kernels). */
export function tan(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  const ax = x < 0 ? -x : x;
  if (ax < 3.725290298461914e-9) return x;
  const n = reducePio2(x);
  const s = sinKernel(red0, red1);
  const c = cosKernel(red0, red1);
  return (n & 1) === 0 ? s / c : -c / s;
}

/** Engine-independent `Math.tanh` (within 2 ulp), from {@link expm1}. */
export function tanh(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = x < 0 ? -x : x;
  let z: number;
  if (ax >= 22) z = 1;
  else if (ax < 3.725290298461914e-9) return x;
  else if (ax >= 1) z = 1 - 2 / (expm1(2 * ax) + 2);
  else {
    const t = expm1(-2 * ax);
    z = -t / (t + 2);
  }
  return x < 0 ? -z : z;
}

/** The functions above by the name of the `Math` function they replace. */
export const portableMath = { exp, log, log1p, expm1, sin, cos, tan, tanh } as const;

/**
 * Makes code generated from now on (in this JavaScript realm) call the engine-independent functions above
 * instead of `Math.exp`, `Math.log`, `Math.log1p`, `Math.expm1`, `Math.sin`, `Math.cos`, `Math.tan` and
 * `Math.tanh`, so that a program gives bit-identical results in every JavaScript engine; programs compiled
 * earlier keep what they were compiled with. Off by default: on a shared 2-core machine the logistic model's
 * value and gradient (N = 20k, D = 20) ran 1.2–2.5× slower with them and eight schools NUTS about 1.05–1.3×
 * (`bench/src/portable-math.bench.ts`), above the 10% that would make them the default. Not covered: `pow`,
 * the special functions (lgamma, digamma, erf, …), eager kernels and samplers' own arithmetic, and Web Workers
 * (each realm must call this itself).
 * @param on - true for the portable functions, false for the engine's `Math` functions (the default).
 * @example
 * setEngineIndependentMath(true);
 * const f = jit((x: Tensor) => x.exp().sum()); // compiled with the portable exp
 */
export function setEngineIndependentMath(on: boolean): void {
  if (on) {
    addRuntimeScalars({
      pexp: exp,
      plog: log,
      plog1p: log1p,
      pexpm1: expm1,
      psin: sin,
      pcos: cos,
      ptan: tan,
      ptanh: tanh,
    });
  }
  setPortableEmitters(on);
}
