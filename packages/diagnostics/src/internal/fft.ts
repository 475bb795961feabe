// In-place iterative radix-2 complex FFT over split real/imaginary Float64Arrays, and the
// zero-padded autocovariance built on it (Wiener–Khinchin: acov = IFFT(|FFT(x − x̄)|²) / n with padding
// to a power of two ≥ 2n, so the circular correlation equals the linear one).

import { pivotOf } from "./pivot.js";

interface FftPlan {
  size: number;
  cos: Float64Array;
  sin: Float64Array;
  rev: Uint32Array;
}

const plans = new Map<number, FftPlan>();

function plan(size: number): FftPlan {
  let p = plans.get(size);
  if (p) return p;
  const half = size >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = Math.sin((2 * Math.PI * k) / size);
  }
  const bits = Math.round(Math.log2(size));
  const rev = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  p = { size, cos, sin, rev };
  plans.set(size, p);
  return p;
}

/** Smallest power of two ≥ n. */
export function nextPow2(n: number): number {
  let m = 1;
  while (m < n) m <<= 1;
  return m;
}

/**
 * In-place FFT of length `re.length` (a power of two). `inverse` uses e^{+iθ} and does not scale.
 */
export function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  const { cos, sin, rev } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const sgn = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const halfLen = len >> 1;
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0, tw = 0; k < halfLen; k++, tw += step) {
        const wr = cos[tw];
        const wi = sgn * sin[tw];
        const a = start + k;
        const b = a + halfLen;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

const scratch = { re: new Float64Array(0), im: new Float64Array(0) };

function buffers(m: number): { re: Float64Array; im: Float64Array } {
  if (scratch.re.length !== m) {
    scratch.re = new Float64Array(m);
    scratch.im = new Float64Array(m);
  }
  return scratch;
}

/**
 * Biased autocovariance for lags 0..n−1 of `a[aOff..aOff+n)` (and optionally of `b`, computed in
 * the same complex transform): out[k] = Σ_t (x_t − x̄)(x_{t+k} − x̄) / n.
 */
export function autocovPair(
  a: Float64Array,
  aOff: number,
  outA: Float64Array,
  outAOff: number,
  n: number,
  b: Float64Array | null,
  bOff: number,
  outB: Float64Array | null,
  outBOff: number,
): void {
  const m = nextPow2(2 * n);
  const { re, im } = buffers(m);
  // Means relative to each sequence's pivot: exact differences under a large offset.
  const pa = pivotOf(a, aOff);
  let meanA = 0;
  for (let i = 0; i < n; i++) meanA += a[aOff + i] - pa;
  meanA /= n;
  const pb = b ? pivotOf(b, bOff) : 0;
  let meanB = 0;
  if (b) {
    for (let i = 0; i < n; i++) meanB += b[bOff + i] - pb;
    meanB /= n;
  }
  for (let i = 0; i < n; i++) {
    re[i] = a[aOff + i] - pa - meanA;
    im[i] = b ? b[bOff + i] - pb - meanB : 0;
  }
  re.fill(0, n);
  im.fill(0, n);
  fft(re, im, false);
  // Separate the two real signals' spectra and form their power spectra Pa (real part) and Pb (imag part).
  const r0 = re[0];
  const i0 = im[0];
  const rh = re[m >> 1];
  const ih = im[m >> 1];
  for (let k = 1; k < m >> 1; k++) {
    const j = m - k;
    const zr = re[k];
    const zi = im[k];
    const wr = re[j];
    const wi = im[j];
    // X = (Z_k + conj Z_j)/2, Y = (Z_k − conj Z_j)/(2i)
    const xr = 0.5 * (zr + wr);
    const xi = 0.5 * (zi - wi);
    const yr = 0.5 * (zi + wi);
    const yi = 0.5 * (wr - zr);
    const pa = xr * xr + xi * xi;
    const pb = yr * yr + yi * yi;
    re[k] = pa;
    im[k] = pb;
    re[j] = pa;
    im[j] = pb;
  }
  re[0] = r0 * r0;
  im[0] = i0 * i0;
  re[m >> 1] = rh * rh;
  im[m >> 1] = ih * ih;
  fft(re, im, true);
  const scale = 1 / (m * n);
  for (let k = 0; k < n; k++) outA[outAOff + k] = re[k] * scale;
  if (b && outB) for (let k = 0; k < n; k++) outB[outBOff + k] = im[k] * scale;
}

/**
 * Mean over the C chains of a [C, D] slab of the biased autocovariance at every lag, written to
 * out[0..D). Chains go through the complex FFT two at a time; their power spectra are summed, so one
 * inverse transform serves all chains (the transform is linear). Callers pass draws already centred
 * (their chain means, taken around a pivot, removed); the chain means are removed once more here.
 */
export function meanAutocov(x: Float64Array, C: number, D: number, out: Float64Array): void {
  const m = nextPow2(2 * D);
  const { re, im } = buffers(m);
  if (spec.length !== m) spec = new Float64Array(m);
  spec.fill(0);
  const half = m >> 1;
  for (let c = 0; c < C; c += 2) {
    const hasB = c + 1 < C;
    let ma = 0;
    let mb = 0;
    const oa = c * D;
    const ob = (c + 1) * D;
    for (let i = 0; i < D; i++) ma += x[oa + i];
    ma /= D;
    if (hasB) {
      for (let i = 0; i < D; i++) mb += x[ob + i];
      mb /= D;
    }
    for (let i = 0; i < D; i++) {
      re[i] = x[oa + i] - ma;
      im[i] = hasB ? x[ob + i] - mb : 0;
    }
    re.fill(0, D);
    im.fill(0, D);
    fft(re, im, false);
    spec[0] += re[0] * re[0] + im[0] * im[0];
    spec[half] += re[half] * re[half] + im[half] * im[half];
    for (let k = 1; k < half; k++) {
      const j = m - k;
      const xr = 0.5 * (re[k] + re[j]);
      const xi = 0.5 * (im[k] - im[j]);
      const yr = 0.5 * (im[k] + im[j]);
      const yi = 0.5 * (re[j] - re[k]);
      const p = xr * xr + xi * xi + yr * yr + yi * yi;
      spec[k] += p;
      spec[j] += p;
    }
  }
  for (let k = 0; k < m; k++) {
    re[k] = spec[k];
    im[k] = 0;
  }
  fft(re, im, true);
  const scale = 1 / (m * D * C);
  for (let k = 0; k < D; k++) out[k] = re[k] * scale;
}

let spec = new Float64Array(0);
