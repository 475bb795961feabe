import { ConstraintError } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import fixture from "../fixtures/consensus.json" with { type: "json" };
import { ConsensusError, consensus, type DrawsInput, parametric, parametricDraws } from "./consensus.js";
import { columnMeans, sampleCovariance } from "./internal/dense.js";
import { invertSpd } from "./internal/linalg.js";

const subs: DrawsInput[] = fixture.subposteriors.map((s) => ({
  a: { data: Float64Array.from(s.a), shape: [s.a.length] },
  b: { data: Float64Array.from(s.b), shape: [s.b.length / 2, 2] },
}));

function closeArrays(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-9) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i])).toBeLessThan(tol * (1 + Math.abs(want[i])));
}

/** n draws of N(mean, L Lᵀ) whose sample mean and covariance are exactly `mean` and L Lᵀ (whitened noise). */
function exactGaussian(mean: number[], l: number[][], n: number, seed: number): Float64Array {
  const d = mean.length;
  let s = seed;
  const u = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s + 0.5) / 2147483648;
  };
  const e = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) e[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  // Whiten: subtract the mean, multiply by the inverse Cholesky factor of the sample covariance.
  const m = columnMeans(e, n, d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) e[r * d + j] -= m[j];
  const c = sampleCovariance(e, n, d);
  const ci = invertSpd(c, d, "test");
  // symmetric inverse square root through the Cholesky of the inverse: W = chol(C⁻¹)ᵀ, so W C Wᵀ = I
  const lc = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let dd = ci[j * d + j];
    for (let k = 0; k < j; k++) dd -= lc[j * d + k] ** 2;
    lc[j * d + j] = Math.sqrt(dd);
    for (let i = j + 1; i < d; i++) {
      let t = ci[i * d + j];
      for (let k = 0; k < j; k++) t -= lc[i * d + k] * lc[j * d + k];
      lc[i * d + j] = t / lc[j * d + j];
    }
  }
  const x = new Float64Array(n * d);
  const w = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let k = j; k < d; k++) acc += lc[k * d + j] * e[r * d + k]; // (Lcᵀ e)_j
      w[j] = acc;
    }
    for (let j = 0; j < d; j++) {
      let acc = mean[j];
      for (let k = 0; k <= j; k++) acc += l[j][k] * w[k];
      x[r * d + j] = acc;
    }
  }
  return x;
}

describe("consensus / parametric against NumPyro 0.21 (fixtures/consensus.json)", () => {
  test("consensus, full covariance and diagonal", () => {
    const full = consensus(subs);
    closeArrays(f64(full.a), fixture.consensus.a);
    closeArrays(f64(full.b), fixture.consensus.b);
    expect(full.b.shape).toEqual([60, 2]);
    const diag = consensus(subs, undefined, { diagonal: true });
    closeArrays(f64(diag.a), fixture.consensusDiagonal.a);
    closeArrays(f64(diag.b), fixture.consensusDiagonal.b);
  });
  test("parametric, full covariance and diagonal (flat order: sites sorted by name)", () => {
    const p = parametric(subs);
    expect(p.diagonal).toBe(false);
    if (p.diagonal) return;
    closeArrays(p.mean, fixture.parametric.mean);
    closeArrays(p.cov, fixture.parametric.cov);
    expect(p.sites.map((s) => [s.name, s.offset, s.size])).toEqual([
      ["a", 0, 1],
      ["b", 1, 2],
    ]);
    const q = parametric(subs, { diagonal: true });
    if (!q.diagonal) throw new Error("expected diagonal");
    closeArrays(q.mean, fixture.parametricDiagonal.mean);
    closeArrays(q.variance, fixture.parametricDiagonal.variance);
  });
});

describe("exact on Gaussian sub-posteriors", () => {
  // Three 3-D Gaussian sub-posteriors whose sample moments are exact; their product is N(μ, Σ) with
  // Σ⁻¹ = Σᵢ Σᵢ⁻¹ and μ = Σ Σᵢ Σᵢ⁻¹ μᵢ.
  const means = [
    [1, -2, 0.5],
    [0, 0, 1],
    [2, 1, -1],
  ];
  const factors = [
    [
      [1, 0, 0],
      [0.5, 1.2, 0],
      [-0.3, 0.2, 0.8],
    ],
    [
      [0.7, 0, 0],
      [0.1, 0.9, 0],
      [0.4, -0.5, 1.1],
    ],
    [
      [1.5, 0, 0],
      [-0.6, 0.6, 0],
      [0, 0.3, 0.5],
    ],
  ];
  const n = 4000;
  const d = 3;
  const xs = means.map((m, i) => exactGaussian(m, factors[i], n, 11 + i));
  const shards: DrawsInput[] = xs.map((x) => ({ theta: { data: x, shape: [n, d] } }));
  const precs = factors.map((l) => {
    const c = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) c[i * d + j] += l[i][k] * l[j][k];
    return invertSpd(c, d, "test");
  });
  const totalPrec = new Float64Array(d * d);
  for (const p of precs) for (let k = 0; k < d * d; k++) totalPrec[k] += p[k];
  const cov = invertSpd(totalPrec, d, "test");
  const h = new Float64Array(d);
  precs.forEach((p, i) => {
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) h[r] += p[r * d + c] * means[i][c];
  });
  const mean = Array.from({ length: d }, (_, r) => {
    let acc = 0;
    for (let c = 0; c < d; c++) acc += cov[r * d + c] * h[c];
    return acc;
  });

  test("parametric returns the product Gaussian exactly", () => {
    const p = parametric(shards);
    if (p.diagonal) throw new Error("expected full");
    closeArrays(p.mean, mean, 1e-10);
    closeArrays(p.cov, cov, 1e-10);
  });

  test("consensus draws have the product's mean exactly and its covariance up to Monte Carlo error", () => {
    const out = consensus(shards).theta;
    expect(out.shape).toEqual([n, d]);
    closeArrays(columnMeans(f64(out), n, d), mean, 1e-10);
    // Independent shards: Cov(Σ Aᵢ xᵢ) = Σ Aᵢ Σᵢ Aᵢᵀ = Σ. The shards' noise is independent but not exactly
    // uncorrelated in-sample, so allow a few n^-1/2.
    const c = sampleCovariance(f64(out), n, d);
    for (let k = 0; k < d * d; k++)
      expect(Math.abs(c[k] - cov[k])).toBeLessThan(0.06 * Math.sqrt(cov[0] * cov[4]));
  });

  test("parametricDraws sample the product Gaussian; keyed, deterministic", () => {
    const a = parametricDraws(shards, 20000, { key: 3 }).theta;
    const b = parametricDraws(shards, 20000, { key: 3 }).theta;
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(a.shape).toEqual([20000, d]);
    const m = columnMeans(f64(a), 20000, d);
    const c = sampleCovariance(f64(a), 20000, d);
    for (let j = 0; j < d; j++)
      expect(Math.abs(m[j] - mean[j])).toBeLessThan(4 * Math.sqrt(cov[j * d + j] / 20000));
    for (let k = 0; k < d * d; k++)
      expect(Math.abs(c[k] - cov[k])).toBeLessThan(0.05 * Math.sqrt(cov[0] * cov[4]));
    const diag = parametricDraws(shards, 10, { diagonal: true, key: 1 }).theta;
    expect(diag.shape).toEqual([10, d]);
    expect(parametricDraws(shards, 10, { key: 2 }).theta.dataSync()).not.toEqual(
      parametricDraws(shards, 10, { key: 1 }).theta.dataSync(),
    );
  });

  test("diagonal weights combine each coordinate by inverse variances", () => {
    const p = parametric(shards, { diagonal: true });
    if (!p.diagonal) throw new Error("expected diagonal");
    for (let j = 0; j < d; j++) {
      const vars = factors.map((l) => l[j].reduce((s, v) => s + v * v, 0));
      const v = 1 / vars.reduce((s, x) => s + 1 / x, 0);
      expect(p.variance[j]).toBeCloseTo(v, 10);
      expect(p.mean[j]).toBeCloseTo(v * vars.reduce((s, x, i) => s + means[i][j] / x, 0), 10);
    }
  });

  test("numDraws resamples each shard with replacement (keyed)", () => {
    const a = consensus(shards, 500, { key: 9 });
    expect(a.theta.shape).toEqual([500, d]);
    expect(consensus(shards, 500, { key: 9 }).theta.dataSync()).toEqual(a.theta.dataSync());
    expect(consensus(shards, 500, { key: 8 }).theta.dataSync()).not.toEqual(a.theta.dataSync());
  });
});

describe("bad input", () => {
  const one = (v: number[], name = "x"): DrawsInput => ({
    [name]: { data: Float64Array.from(v), shape: [v.length] },
  });
  test("the doc examples hold", () => {
    expect(Array.from(f64(consensus([one([0, 1, 2]), one([2, 3, 4])]).x), (v) => +v.toFixed(12))).toEqual([
      1, 2, 3,
    ]);
    const r = parametric([one([0, 1, 2]), one([2, 3, 4])], { diagonal: true });
    expect([r.mean[0], r.diagonal && r.variance[0]]).toEqual([2, 0.5]);
  });
  test("errors name the shard and site", () => {
    expect(() => consensus([])).toThrow(ConsensusError);
    expect(() => consensus([one([0, 1, 2]), one([0, 1, 2], "y")])).toThrow(/sub-posterior 1 has sites \[y\]/);
    expect(() => consensus([one([0, 1, 2]), one([0, 1])])).toThrow(/sub-posterior 1 has 2 draws.*numDraws/);
    expect(() => consensus([one([0, 1, 2]), one([1, 1, 1])])).toThrow(
      /sub-posterior 1 have zero variance at site "x"/,
    );
    expect(() => consensus([one([0, 1, 2]), one([0])])).toThrow(/sub-posterior 1 has 1 draws/);
    const wide: DrawsInput = { x: { data: new Float64Array([0, 1, 2, 3, 4, 5]), shape: [2, 3] } };
    expect(() => consensus([wide, wide])).toThrow(/singular.*diagonal: true/);
    const other: DrawsInput = { x: { data: new Float64Array(6), shape: [3, 2] } };
    expect(() => consensus([one([0, 1, 2]), other])).toThrow(
      /site "x" of sub-posterior 1 has draws of shape \[2\]/,
    );
    expect(() => consensus([one([0, 1, 2])], 0)).toThrow(ConstraintError);
    expect(() => parametricDraws([one([0, 1, 2])], 1.5)).toThrow(ConstraintError);
  });
});
