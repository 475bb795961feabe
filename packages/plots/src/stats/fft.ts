/**
 * Discrete Fourier transform of a complex sequence in place: X_k = Σ_n x_n e^{-2πikn/N} (NumPy's sign).
 * Radix-2 Cooley–Tukey for power-of-two lengths, a direct O(N²) sum otherwise.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n <= 1) return;
  if ((n & (n - 1)) !== 0) {
    const outRe = new Float64Array(n);
    const outIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * ((k * j) % n)) / n;
        const c = Math.cos(a);
        const s = Math.sin(a);
        sr += re[j] * c - im[j] * s;
        si += re[j] * s + im[j] * c;
      }
      outRe[k] = sr;
      outIm[k] = si;
    }
    re.set(outRe);
    im.set(outIm);
    return;
  }
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const tw = twiddles(n);
  for (let len = 2, off = 0; len <= n; off += len >> 1, len <<= 1) {
    const half = len >> 1;
    for (let k = 0; k < half; k++) {
      const wr = tw.re[off + k]!;
      const wi = tw.im[off + k]!;
      for (let i = k; i < n; i += len) {
        const j = i + half;
        const xr = re[j]! * wr - im[j]! * wi;
        const xi = re[j]! * wi + im[j]! * wr;
        re[j] = re[i]! - xr;
        im[j] = im[i]! - xi;
        re[i] = re[i]! + xr;
        im[i] = im[i]! + xi;
      }
    }
  }
}

/** Twiddle factors cos/sin(−2πk/len) of every stage (len = 2, 4, …, n; k < len/2), cached per n. */
const twiddleCache = new Map<number, { re: Float64Array; im: Float64Array }>();

function twiddles(n: number): { re: Float64Array; im: Float64Array } {
  let t = twiddleCache.get(n);
  if (t === undefined) {
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let len = 2, off = 0; len <= n; off += len >> 1, len <<= 1) {
      const ang = (-2 * Math.PI) / len;
      for (let k = 0; k < len >> 1; k++) {
        re[off + k] = Math.cos(ang * k);
        im[off + k] = Math.sin(ang * k);
      }
    }
    t = { re, im };
    twiddleCache.set(n, t);
  }
  return t;
}
