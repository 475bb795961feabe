// Order statistics without a full sort: Floyd–Rivest selection on a Float64Array segment, and the order statistics that the NumPyro summary needs (median and HPDI).

/**
 * Rearranges a[lo..hi] so that a[k] holds its k-th smallest value, smaller ones left, larger right
 * (Floyd–Rivest selection: a sampled sub-range brackets k first, so about n + min(k, n − k) comparisons).
 */
export function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    if (hi - lo > 600) {
      const n = hi - lo + 1;
      const i = k - lo + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (i - n / 2 < 0 ? -1 : 1);
      const newLo = Math.max(lo, Math.floor(k - (i * s) / n + sd));
      const newHi = Math.min(hi, Math.floor(k + ((n - i) * s) / n + sd));
      select(a, newLo, newHi, k);
    }
    const t = a[k];
    let i = lo;
    let j = hi;
    swap(a, lo, k);
    if (a[hi] > t) swap(a, hi, lo);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[lo] === t) swap(a, lo, j);
    else {
      j++;
      swap(a, j, hi);
    }
    if (j <= k) lo = j + 1;
    if (k <= j) hi = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function maxOf(a: Float64Array, lo: number, hi: number): number {
  let m = a[lo];
  for (let i = lo + 1; i < hi; i++) if (a[i] > m) m = a[i];
  return m;
}

const BINS = 1024;
const binCounts = new Int32Array(BINS);
let lowBuf = new Float64Array(0);
let highBuf = new Float64Array(0);
let midBuf = new Float64Array(0);

/**
 * Median and HPDI [s_i, s_{i+L}] (L = ⌊prob·n⌋, narrowest) of buf[0..n) (NaN-free), reordering buf.
 * Writes [median, lower, upper] into out. Only the lowest and highest n − L values need sorting: an
 * equal-width histogram finds the bins that hold them and the median, one more pass gathers those
 * values, and only they are sorted. Draws whose histogram is too lopsided (heavy tails) take
 * Floyd–Rivest selection instead.
 */
export function medianHpdi(buf: Float64Array, n: number, prob: number, out: Float64Array): void {
  const L = Math.floor(prob * n);
  const count = n - L;
  const h = n >> 1;
  if (count * 4 > n || n < 64) {
    const s = buf.subarray(0, n);
    s.sort();
    out[0] = n % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    hpdiInto(s, count, L, out);
    return;
  }
  if (histogramMedianHpdi(buf, n, count, L, h, out)) return;
  // Median first (on all n values), then each tail inside its half.
  select(buf, 0, n - 1, h);
  const sh = buf[h];
  const below = n % 2 === 1 ? sh : maxOf(buf, 0, h);
  select(buf, 0, h - 1, count - 1);
  select(buf, h + 1, n - 1, L);
  buf.subarray(0, count).sort();
  buf.subarray(L, n).sort();
  out[0] = n % 2 === 1 ? sh : (below + sh) / 2;
  hpdiInto(buf, count, L, out);
}

function histogramMedianHpdi(
  x: Float64Array,
  n: number,
  count: number,
  L: number,
  h: number,
  out: Float64Array,
): boolean {
  let lo = x[0];
  let hi = x[0];
  for (let i = 1; i < n; i++) {
    const v = x[i];
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    out[0] = lo;
    out[1] = lo;
    out[2] = lo;
    return true;
  }
  const scale = BINS / (hi - lo);
  if (!Number.isFinite(scale) || !Number.isFinite(hi - lo) || scale === 0) return false;
  binCounts.fill(0);
  for (let i = 0; i < n; i++) {
    let b = Math.floor((x[i] - lo) * scale);
    if (b >= BINS) b = BINS - 1;
    binCounts[b]++;
  }
  // Last bin of the lowest `count` values, first bin of the highest `count`, and the bins holding
  // ranks h − 1 and h (the median).
  const rankLo = n % 2 === 1 ? h : h - 1;
  let cum = 0;
  let bLow = -1;
  let bMedLo = -1;
  let bMedHi = -1;
  let beforeMed = 0;
  for (let b = 0; b < BINS; b++) {
    const c = binCounts[b];
    if (bLow < 0 && cum + c >= count) bLow = b;
    if (bMedLo < 0 && cum + c > rankLo) {
      bMedLo = b;
      beforeMed = cum;
    }
    if (bMedHi < 0 && cum + c > h) bMedHi = b;
    cum += c;
  }
  let bHigh = BINS;
  let above = 0;
  while (above < count) above += binCounts[--bHigh];
  let nLow = 0;
  for (let b = 0; b <= bLow; b++) nLow += binCounts[b];
  let nMid = 0;
  for (let b = bMedLo; b <= bMedHi; b++) nMid += binCounts[b];
  if (nLow > 2 * count || above > 2 * count || nMid > n >> 3) return false;
  if (lowBuf.length < nLow) lowBuf = new Float64Array(nLow);
  if (highBuf.length < above) highBuf = new Float64Array(above);
  if (midBuf.length < nMid) midBuf = new Float64Array(nMid);
  let il = 0;
  let ih = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    let b = Math.floor((v - lo) * scale);
    if (b >= BINS) b = BINS - 1;
    if (b <= bLow) lowBuf[il++] = v;
    if (b >= bHigh) highBuf[ih++] = v;
    if (b >= bMedLo && b <= bMedHi) midBuf[im++] = v;
  }
  const low = lowBuf.subarray(0, il).sort();
  const high = highBuf.subarray(0, ih).sort();
  const mid = midBuf.subarray(0, im).sort();
  const sh = mid[h - beforeMed];
  out[0] = n % 2 === 1 ? sh : (mid[rankLo - beforeMed] + sh) / 2;
  // s_i = low[i] for i < count; s_{i+L} = high[i + L − (n − ih)].
  const offset = L - (n - ih);
  const best = narrowest(low, high, offset, count);
  out[1] = low[best];
  out[2] = high[best + offset];
  return true;
}

function hpdiInto(s: Float64Array, count: number, L: number, out: Float64Array): void {
  const best = narrowest(s, s, L, count);
  out[1] = s[best];
  out[2] = s[best + L];
}

/** First i < count minimising hi[i + offset] − lo[i] (NumPy's argmin over the HPDI widths). */
export function narrowest(lo: Float64Array, hi: Float64Array, offset: number, count: number): number {
  let best = 0;
  let width = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const wd = hi[i + offset] - lo[i];
    if (wd < width) {
      width = wd;
      best = i;
    }
  }
  return best;
}
