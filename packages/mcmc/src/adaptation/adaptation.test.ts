import { describe, expect, test } from "vitest";
import welfordFixture from "../../fixtures/welford.json" with { type: "json" };
import { dualAveraging } from "./dual-averaging.js";
import { buildAdaptationSchedule } from "./schedule.js";
import { welfordCovariance } from "./welford.js";

describe("dualAveraging", () => {
  test("dualAveraging() converges to the minimiser of (x + 1)² in 10 steps (NumPyro's test, atol 1e-3)", () => {
    const da = dualAveraging({ gamma: 0.5 });
    const s = da.init();
    for (let i = 0; i < 10; i++) da.update(2 * (s.x + 1), s);
    expect(Math.abs(s.xAvg + 1)).toBeLessThan(1e-3);
  });

  test("dualAveraging() rejects kappa outside (0.5, 1]", () => {
    expect(() => dualAveraging({ kappa: 0.4 })).toThrow(/kappa/);
  });
});

describe("welfordCovariance", () => {
  const xs = welfordFixture.samples.map((r) => Float64Array.from(r));
  test("welfordCovariance().final matches numpy's unbiased variance", () => {
    const w = welfordCovariance();
    const s = w.init(3);
    for (const x of xs) w.update(x, s);
    const v = w.final(s);
    for (const [i, e] of welfordFixture.variance.entries()) expect(v[i]).toBeCloseTo(e, 12);
  });

  test("welfordCovariance({ diagonal: false }).final matches np.cov", () => {
    const w = welfordCovariance({ diagonal: false });
    const s = w.init(3);
    for (const x of xs) w.update(x, s);
    const c = w.final(s);
    for (const [i, e] of welfordFixture.covariance.flat().entries()) expect(c[i]).toBeCloseTo(e, 12);
  });

  test("welfordCovariance().final(state, true) shrinks like Stan: n/(n+5)·Σ + 1e-3·5/(n+5)", () => {
    const w = welfordCovariance({ diagonal: false });
    const s = w.init(3);
    for (const x of xs) w.update(x, s);
    const c = w.final(s, true);
    const n = xs.length;
    const cov = welfordFixture.covariance;
    expect(c[0]).toBeCloseTo((n / (n + 5)) * cov[0][0] + 1e-3 * (5 / (n + 5)), 12);
    expect(c[1]).toBeCloseTo((n / (n + 5)) * cov[0][1], 12);
  });

  test("welfordCovariance().final throws with fewer than two samples", () => {
    const w = welfordCovariance();
    expect(() => w.final(w.init(2))).toThrow(/at least 2/);
  });
});

describe("buildAdaptationSchedule", () => {
  const sizes = (n: number) => buildAdaptationSchedule(n).map((w) => w.end - w.start + 1);
  test("buildAdaptationSchedule(n) follows Stan's 75/25/50 windows with doubling", () => {
    expect(sizes(1000)).toEqual([75, 25, 50, 100, 200, 500, 50]);
    expect(sizes(500)).toEqual([75, 25, 50, 100, 200, 50]);
    expect(sizes(2000)).toEqual([75, 25, 50, 100, 200, 400, 1100, 50]);
    expect(sizes(200)).toEqual([75, 25, 50, 50]);
    expect(sizes(150)).toEqual([75, 25, 50]);
  });

  test("buildAdaptationSchedule(n) uses 15%/10% buffers when n < 150 and one window below 20", () => {
    expect(sizes(100)).toEqual([15, 75, 10]);
    expect(sizes(10)).toEqual([10]);
    expect(sizes(0)).toEqual([]);
  });

  test("buildAdaptationSchedule(n) windows are contiguous and cover 0..n-1", () => {
    for (const n of [20, 37, 149, 151, 333, 1001, 5000]) {
      const w = buildAdaptationSchedule(n);
      expect(w[0].start).toBe(0);
      expect(w[w.length - 1].end).toBe(n - 1);
      for (let i = 1; i < w.length; i++) expect(w[i].start).toBe(w[i - 1].end + 1);
    }
  });
});
