import { describe, expect, it } from "vitest";
import { effectiveSampleSize, splitGelmanRubin } from "../classic.js";
import { hpdi } from "../intervals.js";
import { summary } from "../summary.js";

// summary() computes its columns in fused passes (numpyro-summary.ts); here they are checked against the
// one-purpose functions, which the fixture tests hold to NumPyro: the same order statistics exactly, the
// sums to rounding.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** AR(1) draws [C, D, E] (innovations from `noise`), row-major. */
function ar(shape: number[], phi: number, noise: () => number): Float64Array {
  const [C, D, ...rest] = shape;
  const E = rest.reduce((a, b) => a * b, 1);
  const data = new Float64Array(C * D * E);
  for (let c = 0; c < C; c++) {
    for (let e = 0; e < E; e++) {
      let x = noise();
      for (let d = 0; d < D; d++) {
        x = phi * x + noise();
        data[(c * D + d) * E + e] = x;
      }
    }
  }
  return data;
}

/** What summary() computed before the fused kernel, from the one-purpose functions. */
function reference(data: Float64Array, shape: number[], prob: number) {
  const [C, D] = shape;
  const n = C * D;
  const E = data.length / n;
  const x = { data, shape };
  const rHat = splitGelmanRubin(x);
  const nEff = effectiveSampleSize(x);
  const interval = hpdi({ data, shape: [n, E] }, prob);
  return Array.from({ length: E }, (_, e) => {
    const col = Float64Array.from({ length: n }, (_, i) => data[i * E + e]);
    // sums around the first draw, as every kernel takes them (pivotOf in pivot.ts)
    const p = Number.isFinite(col[0]) ? col[0] : 0;
    let m = 0;
    for (let i = 0; i < n; i++) m += col[i] - p;
    m = p + m / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (col[i] - m) * (col[i] - m);
    const s = col.slice().sort();
    const h = n >> 1;
    // NumPy's median is NaN only with a NaN draw (+∞ and −∞ together leave it finite)
    const median = col.some(Number.isNaN) ? Number.NaN : n % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    return {
      mean: m,
      std: Math.sqrt(ss / (n - 1)),
      median,
      hpdiLower: interval[e],
      hpdiUpper: interval[E + e],
      nEff: nEff[e],
      rHat: rHat[e],
    };
  });
}

function expectSame(actual: number, expected: number, rtol: number, what: string): void {
  if (Number.isNaN(expected)) expect(actual, what).toBeNaN();
  else if (!Number.isFinite(expected) || rtol === 0) expect(actual + 0, what).toBe(expected + 0);
  else {
    expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
      rtol * Math.abs(expected) + 1e-300,
    );
  }
}

/** `rtol` bounds the relative differences of std, n_eff and R̂ (sums in another order). */
function check(data: Float64Array, shape: number[], prob = 0.9, rtol = 1e-10): void {
  const rows = summary({ v: { data, shape } }, { prob });
  const ref = reference(data, shape, prob);
  expect(rows.length).toBe(ref.length);
  rows.forEach((row, e) => {
    const r = ref[e];
    const at = `element ${e} of shape ${JSON.stringify(shape)}, prob ${prob}`;
    expectSame(row.mean, r.mean, 1e-12, `mean, ${at}`);
    expectSame(row.std, r.std, rtol, `std, ${at}`);
    expectSame(row.median, r.median, 0, `median, ${at}`);
    expectSame(row.hpdiLower, r.hpdiLower, 0, `hpdiLower, ${at}`);
    expectSame(row.hpdiUpper, r.hpdiUpper, 0, `hpdiUpper, ${at}`);
    expectSame(row.nEff, r.nEff, rtol, `nEff, ${at}`);
    expectSame(row.rHat, r.rHat, rtol, `rHat, ${at}`);
  });
}

describe("summary's fused columns equal the one-purpose diagnostics", () => {
  const u = rng(20261126);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

  it("on AR(1) chains from independent to sticky (the ESS walk past lag 7 and past lag 64, by FFT)", () => {
    for (const phi of [0, 0.3, 0.7, 0.95, 0.995]) check(ar([4, 1000, 3], phi, normal), [4, 1000, 3]);
  });

  it("for one chain, two chains, odd and minimal draw counts, and more elements than one block", () => {
    for (const shape of [
      [1, 1001, 2],
      [2, 257],
      [3, 7, 2],
      [2, 4],
      [4, 5],
      [4, 300, 40],
    ]) {
      check(ar(shape, 0.5, normal), shape);
    }
  });

  it("for HPDI masses whose tails hold more than a quarter of the draws, and for wide ones", () => {
    const shape = [4, 500, 2];
    const data = ar(shape, 0.4, normal);
    for (const prob of [0.5, 0.7, 0.75, 0.8, 0.95, 0.999]) check(data, shape, prob);
  });

  it("for heavy tails, ties, a constant element, a constant chain and a shifted chain", () => {
    const shape = [4, 400];
    const n = 1600;
    const cauchy = Float64Array.from({ length: n }, () => Math.tan(Math.PI * (u() - 0.5)));
    const ties = Float64Array.from({ length: n }, () => Math.round(3 * u()));
    const constant = new Float64Array(n).fill(1.5);
    const stuck = ar(shape, 0.2, normal).fill(0.37, 400, 800);
    const shifted = ar(shape, 0.2, normal).map((v, i) => (i >= 1200 ? v + 1e6 : v));
    const outlier = ar(shape, 0.2, normal);
    outlier[17] = 1e12;
    outlier[900] = -1e15;
    // Constant at the draws that set the histogram's range, spread elsewhere.
    const spikes = Float64Array.from({ length: n }, (_, i) => (i % 25 === 0 ? 2 : 2 + normal()));
    const sampled = Float64Array.from({ length: n }, (_, i) => (i % 25 === 0 ? 2 : u() < 0.5 ? 2 : 2 + u()));
    // The sampled draws cover [−1, 1]: the HPDI tails land in the clamped end bins.
    const clamped = Float64Array.from({ length: n }, (_, i) => (i % 25 === 0 ? 2 * u() - 1 : normal()));
    for (const data of [cauchy, ties, constant, stuck, shifted, outlier, spikes, sampled, clamped]) {
      check(data, shape);
    }
  });

  it("for draws far from zero relative to their spread (sums rounded differently, to about 1e-10)", () => {
    const shape = [4, 400];
    check(
      ar(shape, 0.3, normal).map((v) => v + 1e6),
      shape,
      0.9,
      1e-9,
    );
  });

  it("for draws with NaN or infinities (NumPy's NaN rules)", () => {
    const shape = [2, 300];
    const base = ar(shape, 0.3, normal);
    const withNaN = base.slice();
    withNaN[123] = Number.NaN;
    const withInf = base.slice();
    withInf[5] = Number.POSITIVE_INFINITY;
    const bothInf = withInf.slice();
    bothInf[400] = Number.NEGATIVE_INFINITY;
    const huge = base.map((v) => v * 1e307);
    for (const data of [withNaN, withInf, bothInf, huge]) check(data, shape);
  });
});
