import { describe, expect, it, vi } from "vitest";
import {
  effectiveSampleSize,
  essBulk,
  essMean,
  essSd,
  gelmanRubin,
  loo,
  mcseMean,
  mcseSd,
  psislw,
  rhat,
  splitGelmanRubin,
  summary,
  summaryArviz,
  waic,
} from "./index.js";
import { codeOf } from "./testing/fixture.js";

// Focused regressions for the edge-input bugs that scripts/arviz_edge_fixtures.py found; each failed before
// its fix. The fixture comparison itself is arviz-edge.test.ts.

/** 2 chains × 50 draws of a deterministic wiggle, multiples of 2^-10 (so adding 1e10 is exact). */
function wiggle(C = 2, D = 50): Float64Array {
  return Float64Array.from(
    { length: C * D },
    (_, i) => Math.round(1024 * (Math.sin(i * 1.7) + 0.3 * Math.cos(i * 0.31))) / 1024,
  );
}

describe("ESS of draws whose autocovariance is not finite", () => {
  it("essMean, essSd, mcseMean and summaryArviz's mcse are NaN for draws holding +∞ (ArviZ), not C·D·log10(C·D)", () => {
    const data = wiggle();
    data[70] = Number.POSITIVE_INFINITY;
    const x = { data, shape: [2, 50] };
    expect(essMean(x)[0]).toBeNaN();
    expect(essSd(x)[0]).toBeNaN();
    expect(mcseMean(x)[0]).toBeNaN();
    expect(summaryArviz({ x })[0].mcseMean).toBeNaN();
    // the rank-based ESS stays finite, as ArviZ's
    expect(Number.isFinite(essBulk(x)[0])).toBe(true);
  });
  it("essMean and mcseMean are NaN when the variance overflows (draws of size 1e300), as ArviZ", () => {
    const x = { data: wiggle().map((v) => v * 1e300), shape: [2, 50] };
    expect(essMean(x)[0]).toBeNaN();
    expect(mcseMean(x)[0]).toBeNaN();
  });
});

describe("NumPyro's ESS with one constant chain", () => {
  it("is finite whatever the constant: the chain adds zero autocovariance (NumPyro's value for 0.37s)", () => {
    for (const c of [0.37, 1.5]) {
      const data = wiggle(2, 50);
      data.fill(c, 0, 50);
      const x = { data, shape: [2, 50] };
      const ess = effectiveSampleSize(x)[0];
      expect(Number.isFinite(ess), `constant ${c}`).toBe(true);
      expect(summary({ x })[0].nEff).toBeCloseTo(ess, 10);
    }
  });
  it("is C·D/(4⌊D/2⌋ − 1) for chains each constant at a different value, NaN only when all draws are equal", () => {
    // W = 0 and every γ_k = 0, but V̂ = B > 0: ρ_k = 1 at every lag, so τ = −1 + 2·(Σ of the ⌊D/2⌋ pair
    // sums) = 4⌊D/2⌋ − 1
    // (NumPyro's formula with the autocovariances summed directly; NumPyro's own γ_k/γ_0 is 0/0 and gives NaN)
    for (const D of [5, 7, 51]) {
      const odd = new Float64Array(2 * D);
      odd.fill(0.37, 0, D);
      odd.fill(1.5, D);
      expect(effectiveSampleSize({ data: odd, shape: [2, D] })[0], `D = ${D}`).toBeCloseTo(
        (2 * D) / (4 * Math.floor(D / 2) - 1),
        12,
      );
    }
    const data = new Float64Array(100);
    data.fill(0.37, 0, 50);
    data.fill(1.5, 50);
    const x = { data, shape: [2, 50] };
    for (const bias of [true, false]) expect(effectiveSampleSize(x, { bias })[0]).toBeCloseTo(100 / 99, 12);
    expect(summary({ x })[0].nEff).toBeCloseTo(100 / 99, 12);
    // all draws equal: V̂ = 0 too, and ρ_k = 1 − 0/0
    const same = { data: new Float64Array(100).fill(0.37), shape: [2, 50] };
    expect(effectiveSampleSize(same)[0]).toBeNaN();
    expect(effectiveSampleSize(same, { bias: false })[0]).toBeNaN();
    expect(summary({ x: same })[0].nEff).toBeNaN();
  });
});

describe("summary(samples) with both infinities among the draws", () => {
  it("reports NumPy's finite median, not NaN", () => {
    const x = [
      [Number.NEGATIVE_INFINITY, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, Number.POSITIVE_INFINITY],
    ];
    const row = summary({ x })[0];
    expect(row.median).toBe(5.5);
    expect(row.mean).toBeNaN();
  });
});

describe("location-invariant diagnostics do not lose digits to a large offset", () => {
  const base = wiggle(4, 50);
  const shifted = base.map((v) => v + 1e10);
  const x = { data: base, shape: [4, 50] };
  const y = { data: shifted, shape: [4, 50] };
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  it("R-hat (split, whole, rank), essMean, essSd, NumPyro's ESS and mcseSd of 1e10 + x equal those of x to 1e-12", () => {
    for (const f of [splitGelmanRubin, gelmanRubin, rhat, essMean, essSd, mcseSd, effectiveSampleSize]) {
      expect(rel(f(y)[0], f(x)[0]), f.name).toBeLessThan(1e-12);
    }
    expect(
      rel(effectiveSampleSize(y, { bias: false })[0], effectiveSampleSize(x, { bias: false })[0]),
    ).toBeLessThan(1e-12);
  });
  it("summary's n_eff, r_hat and std and summaryArviz's mcse columns of 1e10 + x equal those of x to 1e-12", () => {
    const [a] = summary({ x });
    const [b] = summary({ x: y });
    expect(rel(b.nEff, a.nEff)).toBeLessThan(1e-12);
    expect(rel(b.rHat, a.rHat)).toBeLessThan(1e-12);
    expect(rel(b.std, a.std)).toBeLessThan(1e-12);
    expect(b.mean - 1e10).toBeCloseTo(a.mean, 5);
    const [c] = summaryArviz({ x });
    const [d] = summaryArviz({ x: y });
    expect(rel(d.mcseMean, c.mcseMean)).toBeLessThan(1e-12);
    expect(rel(d.mcseSd, c.mcseSd)).toBeLessThan(1e-12);
  });
});

describe("loo(logLik) with log-likelihoods of size 1e298", () => {
  it("gives ArviZ's finite elpd (all weight on the least likely draw), not +∞", () => {
    // values spanning more than a factor 2, so llMin − ll is rounded (Sterbenz's exact case excluded)
    let state = 7;
    const data = Float64Array.from({ length: 100 }, () => {
      state = (Math.imul(1664525, state) + 1013904223) >>> 0;
      return -1e298 * (0.5 + (3 * state) / 2 ** 32);
    });
    const res = loo({ data, shape: [2, 50, 1] }, { reff: 1, warn: false });
    expect(res.paretoK![0]).toBe(Number.POSITIVE_INFINITY);
    expect(res.pointwise[0] / Math.min(...data)).toBeCloseTo(1, 12);
    expect(Number.isFinite(res.p)).toBe(true);
  });
});

describe("loo(logLik, { reff }) and psislw(logRatios, { reff }) at bad and missing relative efficiencies", () => {
  const ll = { data: wiggle(2, 50).map((v) => -1 - v * v), shape: [2, 25, 2] };
  it("reject r_eff ≤ 0 and NaN with invalid-argument, naming the value (ArviZ raises at 0 and below)", () => {
    for (const reff of [0, -1, Number.NaN]) {
      expect(codeOf(() => loo(ll, { reff, warn: false }))).toBe("invalid-argument");
      expect(codeOf(() => psislw(Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), { reff }))).toBe(
        "invalid-argument",
      );
    }
    expect(codeOf(() => loo(ll, { reff: [1, 0], warn: false }))).toBe("invalid-argument");
    expect(() => loo(ll, { reff: -1, warn: false })).toThrow(/r_eff must be positive, got -1/);
  });
  it("take ArviZ's tail of ⌈S/5⌉ draws when the posterior's r_eff is NaN (a NaN draw)", () => {
    const mu = { data: wiggle(2, 25), shape: [2, 25] };
    const bad = { data: Float64Array.from(mu.data), shape: [2, 25] };
    bad.data[3] = Number.NaN;
    const got = loo(ll, { posterior: { mu: bad }, warn: false });
    // r_eff tiny enough that 3·√(S/r_eff) > S/5: the same tail length
    const want = loo(ll, { reff: 1e-9, warn: false });
    expect(Array.from(got.paretoK!)).toEqual(Array.from(want.paretoK!));
    expect(Array.from(got.pointwise)).toEqual(Array.from(want.pointwise));
  });
});

describe("waic(logLik) with a NaN draw", () => {
  it("skips the NaN in the variance (p_waic, as ArviZ's xarray var) while elpd_waic is NaN", () => {
    const data = Float64Array.from({ length: 40 }, (_, i) => -1 - 0.1 * Math.sin(i));
    data[2] = Number.NaN; // chain 0, draw 1, observation 0
    const res = waic({ data, shape: [2, 10, 2] }, { warn: false });
    const obs0 = Array.from({ length: 20 }, (_, s) => data[2 * s]).filter((v) => !Number.isNaN(v));
    const m = obs0.reduce((a, b) => a + b, 0) / obs0.length;
    const v = obs0.reduce((a, b) => a + (b - m) ** 2, 0) / obs0.length;
    expect(res.pointwiseP[0]).toBeCloseTo(v, 15);
    expect(Number.isFinite(res.p)).toBe(true);
    expect(res.pointwise[0]).toBeNaN();
    expect(res.estimate).toBeNaN();
  });
});

describe("loo and waic of a single observation", () => {
  it("warn, as ArviZ, that the pointwise elpd equals the total (a log-likelihood summed over observations?)", () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const ll = { data: wiggle(2, 50).map((v) => -1 - 0.1 * v), shape: [2, 50, 1] };
      waic(ll);
      loo(ll, { reff: 1 });
      const messages = spy.mock.calls.map((c) => String(c[0]));
      expect(messages).toHaveLength(2);
      expect(messages[0]).toMatch(/^waic: the pointwise elpd equals the total \(1 observation\)/);
      expect(messages[1]).toMatch(/^loo: the pointwise elpd equals the total/);
      waic(ll, { warn: false });
      loo({ data: ll.data, shape: [2, 25, 2] }, { reff: 1 });
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});
