// The columns of NumPyro's summary for every element of every variable, in few fused passes.
//
// `summary` usually runs once per process, after sampling, so its first call, made before V8 has
// optimised anything, is what users wait for. Interpreted code pays for every floating-point operation
// and every pass, and each hot function waits for its own optimised code; so each element takes
//   pass 1 (gatherStats): gather the draws (chain-major) with the total and chain sums, and bin them in
//           a histogram whose range comes from 64 sampled draws (clamped at both ends, so the binning
//           stays monotone in the value);
//   pass 2 (centre, one centreRange loop per half chain): centre by the chain means, with the sums and
//           sums of squares of each half chain, and copy the draws in the bins that hold the lowest and
//           highest n − ⌊prob·n⌋ draws and the median;
//   lag passes (lagBlock): lags 1–4 of the autocovariance in one pass, four more per pass only when
//           Geyer's walk of the ESS goes further (one FFT past lag 64).
// Native sorts of the three small copies give the exact median and HPDI; a lopsided histogram falls back
// to sorting all draws. Each pass is a small function with one loop, which V8 optimises within the first
// call (one kernel holding every loop took tens of milliseconds to compile: the call ended first). Draws
// with NaN or ±∞ go through the one-purpose kernels (`rhatCore`, `numpyroEssSlab`, `medianHpdi`),
// which follow NumPy's NaN handling.

import { numpyroEssSlab } from "../classic.js";
import { BLOCK, type ChainDraws, gatherBlock } from "../draws.js";
import { hpdiSorted } from "../intervals.js";
import { rhatCore, splitChains, workspace } from "./core.js";
import { meanAutocov } from "./fft.js";
import { pivotOf } from "./pivot.js";
import { medianHpdi, narrowest } from "./select.js";

/** Values per element in the output of {@link numpyroSummaryColumns}. */
export const SUMMARY_STRIDE = 7;

const BINS = 256;
/** Draws sampled to set the histogram's range. */
const RANGE_SAMPLE = 64;
/** Lags below this come from direct sums; the ESS walk switches to one FFT past it. */
const DIRECT_LAGS = 64;

const counts = new Int32Array(BINS);
/** [bLow, bHigh, bMedLo, bMedHi, values before bMedLo] of the current histogram. */
const binInfo = new Int32Array(5);
/** centreRange's results: [Σ centred, Σ centred², lengths of the low, high and median copies]. */
const segment = new Float64Array(5);
let xBuf = new Float64Array(0);
let cen = new Float64Array(0);
let bins = new Uint8Array(0);
let lowBuf = new Float64Array(0);
let highBuf = new Float64Array(0);
let midBuf = new Float64Array(0);
let lags = new Float64Array(0);
let acov = new Float64Array(0);
let chainStats = new Float64Array(0);
let block = new Float64Array(0);

function ensure(n: number, C: number, D: number, E: number): void {
  if (xBuf.length < n) {
    xBuf = new Float64Array(n);
    cen = new Float64Array(n);
    bins = new Uint8Array(n);
    // A histogram that passes the checks of scanBins puts at most n/2 draws in each copy.
    lowBuf = new Float64Array(n >> 1);
    highBuf = new Float64Array(n >> 1);
    midBuf = new Float64Array(n);
  }
  if (lags.length < D + 8) {
    lags = new Float64Array(D + 8);
    acov = new Float64Array(D);
  }
  if (chainStats.length < 6 * C) chainStats = new Float64Array(6 * C);
  if (E > BLOCK && block.length < BLOCK * n) block = new Float64Array(BLOCK * n);
}

/**
 * NumPyro's summary columns for all elements of `vars`, written to `out` as rows of
 * [mean, std, median, hpdiLower, hpdiUpper, nEff, rHat] (variables in order, elements row-major).
 */
export function numpyroSummaryColumns(vars: readonly ChainDraws[], prob: number, out: Float64Array): void {
  let o = 0;
  for (let v = 0; v < vars.length; v++) {
    const cd = vars[v];
    const C = cd.numChains;
    const D = cd.numDraws;
    const E = cd.numElements;
    const n = C * D;
    ensure(n, C, D, E);
    const L = Math.floor(prob * n);
    const count = n - L;
    const useHistogram = count * 4 <= n && n >= 256;
    for (let e = 0; e < E; e++, o += SUMMARY_STRIDE) {
      // The element's draws are src[base + i·stride], i < n: strided in the data, or contiguous in a
      // transposed block when there are many elements.
      let src = cd.data;
      let base = e;
      let stride = E;
      if (E > BLOCK) {
        const k = e % BLOCK;
        if (k === 0) gatherBlock(cd, e, Math.min(BLOCK, E - e), block);
        src = block;
        base = k * n;
        stride = 1;
      }
      // Histogram range: the sampled draws' range widened by a quarter on each side.
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < RANGE_SAMPLE; k++) {
        const val = src[base + Math.floor((k * n) / RANGE_SAMPLE) * stride];
        if (val < lo) lo = val;
        if (val > hi) hi = val;
      }
      const margin = (hi - lo) / 4;
      let scale = BINS / (hi - lo + 2 * margin);
      lo -= margin;
      if (!(scale > 0 && scale < Number.POSITIVE_INFINITY && lo > Number.NEGATIVE_INFINITY)) scale = 0;
      // Sums are taken around a pivot (the first draw): exact differences keep their digits under a large
      // common offset, where NumPy's pairwise sums of the raw draws lose fewer than naive sums would.
      const pivot = pivotOf(src, base);
      const total = gatherStats(src, base, stride, C, D, lo, scale, pivot, xBuf, chainStats);
      const mean = total / n; // relative to the pivot, as the chain means in chainStats
      if (!Number.isFinite(total)) {
        nonFinite(xBuf, C, D, pivot + mean, prob, out, o);
        continue;
      }
      const histogram = useHistogram && scale > 0 && scanBins(n, count);
      if (!histogram) {
        // Nothing to copy in pass 2.
        binInfo[0] = -1;
        binInfo[1] = BINS;
        binInfo[2] = BINS;
        binInfo[3] = -1;
      }
      centre(xBuf, C, D, chainStats, pivot, cen);
      const cs = chainStats;
      let ss = 0;
      for (let c = 0; c < C; c++) {
        const d = cs[c] - mean;
        ss += cs[5 * C + c] + D * d * d;
      }
      out[o] = pivot + mean;
      out[o + 1] = Math.sqrt(ss / (n - 1));
      out[o + 6] = splitRhat(cs, C, D);
      out[o + 5] = numpyroEss(C, D);
      if (histogram) medianHpdiFromCopies(n, count, L, out, o);
      else sortedMedianHpdi(xBuf, n, L, out, o);
    }
  }
}

/**
 * Pass 1: copies the draws src[base + i·stride] (i < C·D) to x and returns the sum of their differences
 * from `pivot`; writes the chain means (minus the pivot) to cs[0..C) and bins each draw (`bins`,
 * `counts`: BINS bins of width 1/scale from lo, the outer ones open-ended).
 */
function gatherStats(
  src: Float64Array,
  base: number,
  stride: number,
  C: number,
  D: number,
  lo: number,
  scale: number,
  pivot: number,
  x: Float64Array,
  cs: Float64Array,
): number {
  const bn = bins;
  const cnt = counts;
  cnt.fill(0);
  let total = 0;
  for (let c = 0, i = 0, j = base; c < C; c++) {
    let sum = 0;
    for (const end = i + D; i < end; i++, j += stride) {
      const val = src[j];
      x[i] = val;
      const dv = val - pivot;
      total += dv;
      sum += dv;
      // Clamped before the integer conversion, which would wrap far-out draws.
      const t = (val - lo) * scale;
      const b = t < 0 ? 0 : t < BINS ? t | 0 : BINS - 1;
      bn[i] = b;
      cnt[b]++;
    }
    cs[c] = sum / D;
  }
  return total;
}

/**
 * Finds in `counts` the last bin of the lowest `count` draws (bLow), the first of the highest `count`
 * (bHigh) and the bins of the median ranks (bMedLo, bMedHi) into binInfo. False when these bins hold
 * too many draws for the copies to pay (a lopsided histogram).
 */
function scanBins(n: number, count: number): boolean {
  const h = n >> 1;
  const rankLo = n % 2 === 1 ? h : h - 1;
  let cum = 0;
  let bLow = -1;
  let bMedLo = -1;
  let bMedHi = -1;
  let beforeMed = 0;
  let nLow = 0;
  for (let b = 0; bMedHi < 0; b++) {
    const c = counts[b];
    if (bLow < 0 && cum + c >= count) {
      bLow = b;
      nLow = cum + c;
    }
    if (bMedLo < 0 && cum + c > rankLo) {
      bMedLo = b;
      beforeMed = cum;
    }
    if (cum + c > h) bMedHi = b;
    cum += c;
  }
  const nMid = cum - beforeMed;
  let bHigh = BINS;
  let above = 0;
  while (above < count) above += counts[--bHigh];
  if (nLow > 2 * count || above > 2 * count || nMid > n >> 3) return false;
  binInfo[0] = bLow;
  binInfo[1] = bHigh;
  binInfo[2] = bMedLo;
  binInfo[3] = bMedHi;
  binInfo[4] = beforeMed;
  return true;
}

/**
 * Pass 2: centres x by the chain means pivot + cs[0..C) into `out`. Per chain c it writes the sums of the
 * centred draws over the first and the second half to cs[C + c] and cs[2C + c], their sums of squares to
 * cs[3C + c] and cs[4C + c] and the chain's sum of squares to cs[5C + c]. Draws in bins ≤ bLow, ≥ bHigh
 * and in [bMedLo, bMedHi] (binInfo) are copied to lowBuf, highBuf and midBuf.
 */
function centre(
  x: Float64Array,
  C: number,
  D: number,
  cs: Float64Array,
  pivot: number,
  out: Float64Array,
): void {
  const h = D >> 1;
  const seg = segment;
  seg[2] = 0;
  seg[3] = 0;
  seg[4] = 0;
  for (let c = 0; c < C; c++) {
    const off = c * D;
    const mc = cs[c];
    centreRange(x, out, off, off + h, pivot, mc);
    cs[C + c] = seg[0];
    cs[3 * C + c] = seg[1];
    let sc = seg[1];
    if (D - h > h) {
      centreRange(x, out, off + h, off + D - h, pivot, mc);
      sc += seg[1];
    }
    centreRange(x, out, off + D - h, off + D, pivot, mc);
    cs[2 * C + c] = seg[0];
    cs[4 * C + c] = seg[1];
    cs[5 * C + c] = sc + seg[1];
  }
}

/**
 * centre's loop over x[from..to) of one chain (mean pivot + mc): writes segment[0], segment[1] = the sum
 * and the sum of squares of the centred draws, and appends to the copies (their lengths in segment[2..5)).
 */
function centreRange(
  x: Float64Array,
  out: Float64Array,
  from: number,
  to: number,
  pivot: number,
  mc: number,
): void {
  const bn = bins;
  const bLow = binInfo[0];
  const bHigh = binInfo[1];
  const bMedLo = binInfo[2];
  const bMedHi = binInfo[3];
  const lowV = lowBuf;
  const highV = highBuf;
  const midV = midBuf;
  const seg = segment;
  let il = seg[2];
  let ih = seg[3];
  let im = seg[4];
  let a = 0;
  let q = 0;
  for (let i = from; i < to; i++) {
    const val = x[i];
    const c0 = val - pivot - mc;
    out[i] = c0;
    a += c0;
    q += c0 * c0;
    const b = bn[i];
    if (b <= bLow) lowV[il++] = val;
    else if (b >= bHigh) highV[ih++] = val;
    if (b >= bMedLo && b <= bMedHi) midV[im++] = val;
  }
  seg[0] = a;
  seg[1] = q;
  seg[2] = il;
  seg[3] = ih;
  seg[4] = im;
}

/**
 * Split R̂ (NumPyro's split_gelman_rubin) from pass 2's half-chain sums: half means m_c + a/h, within
 * sums of squares q − a²/h.
 */
function splitRhat(cs: Float64Array, C: number, D: number): number {
  const h = D >> 1;
  const S = 2 * C;
  let w = 0;
  let mm = 0;
  for (let k = 0; k < S; k++) {
    const a = cs[C + k];
    w += (cs[3 * C + k] - (a * a) / h) / (h - 1);
    mm += cs[k % C] + a / h;
  }
  w /= S;
  mm /= S;
  let vb = 0;
  for (let k = 0; k < S; k++) {
    const d = cs[k % C] + cs[C + k] / h - mm;
    vb += d * d;
  }
  const b = h * (vb / (S - 1));
  return Math.sqrt((b / w + h - 1) / h);
}

/**
 * NumPyro's n_eff (`effective_sample_size`, biased autocovariances) from pass 2's sums and centred draws:
 * Geyer's initial monotone sequence over pair sums of ρ_k = 1 − (W − γ̄_k)/V̂, lags computed four at a
 * time as the walk reaches them. A constant chain adds zero autocovariance (see numpyroEssSlab); chains
 * each constant at a different value give C·D/(2D − 1), all draws equal give NaN (V̂ = 0).
 */
function numpyroEss(C: number, D: number): number {
  const cs = chainStats;
  let varWithin = 0;
  for (let c = 0; c < C; c++) {
    varWithin += cs[5 * C + c] / (D - 1);
  }
  varWithin /= C;
  let varEst = (varWithin * (D - 1)) / D;
  if (C > 1) {
    let mc = 0;
    for (let c = 0; c < C; c++) mc += cs[c];
    mc /= C;
    let vbc = 0;
    for (let c = 0; c < C; c++) vbc += (cs[c] - mc) ** 2;
    varEst += vbc / (C - 1);
  } else {
    varWithin = varEst;
  }
  const norm = 1 / D / C;
  const g = lags;
  lagBlock(cen, C, D, 1, norm, g);
  let have = 5;
  const pairs = D >> 1;
  let total = 1 + (1 - (varWithin - g[1]) / varEst);
  let prev = Number.POSITIVE_INFINITY;
  for (let j = 1; j < pairs; j++) {
    const k = 2 * j;
    if (k + 1 >= have) {
      if (have >= DIRECT_LAGS) {
        meanAutocov(cen, C, D, acov);
        for (let t = have; t < D; t++) g[t] = acov[t];
        have = D;
      } else {
        lagBlock(cen, C, D, have, norm, g);
        have += 4;
      }
    }
    let r = 1 - (varWithin - g[k]) / varEst + (1 - (varWithin - g[k + 1]) / varEst);
    if (Number.isNaN(r)) return Number.NaN;
    if (r < 0) r = 0;
    if (r > prev) r = prev;
    prev = r;
    if (r === 0) break;
    total += r;
  }
  return (C * D) / (-1 + 2 * total);
}

/**
 * Sums of the centred products at lags t … t + 3 over all chains, times `norm`, into g[t …]. The partners
 * cen[i − t − k] of cen[i] shift through registers, so each draw is loaded twice, not five times.
 */
function lagBlock(cen: Float64Array, C: number, D: number, t: number, norm: number, g: Float64Array): void {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let c = 0; c < C; c++) {
    const stop = (c + 1) * D;
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    let r3 = 0;
    for (let i = c * D + t, j = c * D; i < stop; i++, j++) {
      r3 = r2;
      r2 = r1;
      r1 = r0;
      r0 = cen[j];
      const v = cen[i];
      a0 += v * r0;
      a1 += v * r1;
      a2 += v * r2;
      a3 += v * r3;
    }
  }
  g[t] = a0 * norm;
  g[t + 1] = a1 * norm;
  g[t + 2] = a2 * norm;
  g[t + 3] = a3 * norm;
}

/**
 * Median and HPDI from the copies of pass 2: sorted, lowBuf holds the smallest draws s_0 … (at least
 * `count` of them), highBuf the largest (at least `count`), midBuf the ranks around the median.
 */
function medianHpdiFromCopies(n: number, count: number, L: number, out: Float64Array, o: number): void {
  const h = n >> 1;
  const rankLo = n % 2 === 1 ? h : h - 1;
  let nLow = 0;
  let above = 0;
  for (let b = 0; b <= binInfo[0]; b++) nLow += counts[b];
  for (let b = binInfo[1]; b < BINS; b++) above += counts[b];
  let nMid = 0;
  for (let b = binInfo[2]; b <= binInfo[3]; b++) nMid += counts[b];
  const beforeMed = binInfo[4];
  const low = lowBuf.subarray(0, nLow).sort();
  const high = highBuf.subarray(0, above).sort();
  const mid = midBuf.subarray(0, nMid).sort();
  const sh = mid[h - beforeMed];
  out[o + 2] = n % 2 === 1 ? sh : (mid[rankLo - beforeMed] + sh) / 2;
  // s_i = low[i] for i < count; s_{i+L} = high[i + L − (n − above)].
  const offset = L - (n - above);
  const best = narrowest(low, high, offset, count);
  out[o + 3] = low[best];
  out[o + 4] = high[best + offset];
}

/** Median and HPDI of NaN-free x[0..n) by a full sort of a copy. */
function sortedMedianHpdi(x: Float64Array, n: number, L: number, out: Float64Array, o: number): void {
  const s = midBuf.subarray(0, n);
  s.set(x.subarray(0, n));
  s.sort();
  const h = n >> 1;
  out[o + 2] = n % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
  const best = narrowest(s, s, L, n - L);
  out[o + 3] = s[best];
  out[o + 4] = s[best + L];
}

/**
 * Draws with NaN or ±∞ (or whose sum overflows): the one-purpose kernels, whose NaN handling follows NumPy's.
 * Only a NaN draw makes the median NaN; +∞ and −∞ together make the mean NaN but leave a finite median.
 */
function nonFinite(
  x: Float64Array,
  C: number,
  D: number,
  mean: number,
  prob: number,
  out: Float64Array,
  o: number,
): void {
  const n = C * D;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  const ws = workspace(n, C);
  const s = ws.sorted.subarray(0, n);
  s.set(x.subarray(0, n));
  const mh = new Float64Array(3);
  let nan = false;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) nan = true;
  if (!nan) medianHpdi(s, n, prob, mh);
  else {
    // NaN present: NumPy's median is NaN; a full sort puts NaN last for the HPDI, as NumPy does.
    s.sort();
    mh[0] = Number.NaN;
    [mh[1], mh[2]] = hpdiSorted(s, n, prob);
  }
  const half = splitChains(x, C, D, ws.split);
  out[o] = mean;
  out[o + 1] = Math.sqrt(ss / (n - 1));
  out[o + 2] = mh[0];
  out[o + 3] = mh[1];
  out[o + 4] = mh[2];
  out[o + 5] = numpyroEssSlab(x, C, D, ws, true);
  out[o + 6] = rhatCore(ws.split, 2 * C, half, ws);
}
