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

/**
 * Median and HPDI [s_i, s_{i+L}] (L = ⌊prob·n⌋, narrowest) of buf[0..n) (NaN-free), reordering buf.
 * Partitions out the lowest and highest n − L values and sorts only those.
 * Writes [median, lower, upper] into out.
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
  // Median first (on all n values), then each tail inside its half: fewer comparisons than
  // selecting the tails first and the median inside the middle block.
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

function hpdiInto(s: Float64Array, count: number, L: number, out: Float64Array): void {
  let best = 0;
  let width = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const w = s[i + L] - s[i];
    if (w < width) {
      width = w;
      best = i;
    }
  }
  out[1] = s[best];
  out[2] = s[best + L];
}
