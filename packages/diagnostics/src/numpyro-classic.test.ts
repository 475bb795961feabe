import { describe, expect, it } from "vitest";
import {
  autocorrelation,
  autocovariance,
  DiagnosticsError,
  effectiveSampleSize,
  formatSummary,
  gelmanRubin,
  hpdi,
  splitGelmanRubin,
  summary,
} from "./index.js";
import { expectAllClose, expectClose, readFixture } from "./testing/fixture.js";

// Values computed by NumPyro 0.21.0's own numpyro/diagnostics.py (scripts/arviz_fixtures.py), on
// NumPyro's test cases (test/test_diagnostics.py) and on the seeded datasets of the ArviZ fixture.
interface NumpyroFixture {
  cases: Record<string, number | number[]>;
  datasets: Record<string, Record<string, number[] | number[][]> & { summary: Record<string, number[]> }>;
  print_summary_text: string;
}
const fx = readFixture<NumpyroFixture>("numpyro.json");
const draws = readFixture<{ convergence: Record<string, { shape: number[]; data: number[] }> }>(
  "arviz.json",
).convergence;
const c = fx.cases;
const RTOL = 1e-10;
const arange = (n: number, start = 0) => Array.from({ length: n }, (_, i) => i + start);

describe("NumPyro's classic diagnostics on NumPyro's own test cases", () => {
  it("autocorrelation of arange(10), biased and unbiased, equals NumPyro's FFT result", () => {
    expectAllClose(
      autocorrelation(arange(10), { bias: false }),
      c.autocorrelation_arange10_unbiased as number[],
      RTOL,
    );
    expectAllClose(autocorrelation(arange(10)), c.autocorrelation_arange10_biased as number[], RTOL);
  });
  it("autocorrelation of arange(10) matches the published values 1, 0.78, 0.52, … (atol 0.01)", () => {
    const expected = [1, 0.78, 0.52, 0.21, -0.13, -0.52, -0.94, -1.4, -1.91, -2.45];
    const ac = autocorrelation(arange(10), { bias: false });
    expected.forEach((e, i) => {
      expect(Math.abs(ac[i] - e)).toBeLessThan(0.01);
    });
  });
  it("autocovariance of arange(10) equals NumPyro's (8.25, 6.42, …)", () => {
    expectAllClose(
      autocovariance(arange(10), { bias: false }),
      c.autocovariance_arange10_unbiased as number[],
      RTOL,
    );
    expectAllClose(autocovariance(arange(10)), c.autocovariance_arange10_biased as number[], RTOL);
  });
  it("gelmanRubin and splitGelmanRubin of [arange(10), arange(10) + 1] equal NumPyro's (≈ 0.98)", () => {
    const x = [arange(10), arange(10, 1)];
    expectClose(gelmanRubin(x)[0], c.gelman_rubin_arange as number, RTOL);
    expectClose(splitGelmanRubin(x)[0], c.split_gelman_rubin_arange as number, RTOL);
  });
  it("effectiveSampleSize of arange(1000) as 100 × 10 chains equals NumPyro's 52.64", () => {
    const x = { data: Float64Array.from(arange(1000)), shape: [100, 10] };
    expectClose(effectiveSampleSize(x, { bias: false })[0], c.ess_arange_100x10_unbiased as number, RTOL);
    expectClose(effectiveSampleSize(x)[0], c.ess_arange_100x10_biased as number, RTOL);
  });
  it("hpdi of 4000 normal draws equals NumPyro's and sits within 0.1 of the 10%/90% quantiles", () => {
    const h = hpdi(c.normal_draws as number[], 0.8);
    expectAllClose(h, c.hpdi_normal_80 as number[], 0);
    const q = c.quantile_normal_10_90 as number[];
    expect(Math.abs(h[0] - q[0])).toBeLessThan(0.1);
    expect(Math.abs(h[1] - q[1])).toBeLessThan(0.1);
  });
});

describe("NumPyro's classic diagnostics and summary on the seeded datasets", () => {
  for (const [name, d] of Object.entries(draws)) {
    const x = { data: Float64Array.from(d.data), shape: d.shape };
    const e = fx.datasets[name];
    it(`splitGelmanRubin, gelmanRubin, effectiveSampleSize and hpdi on "${name}" equal NumPyro's`, () => {
      expectAllClose(splitGelmanRubin(x), e.split_gelman_rubin as number[], 1e-8, "split_gelman_rubin");
      if (d.shape[0] >= 2) expectAllClose(gelmanRubin(x), e.gelman_rubin as number[], 1e-8, "gelman_rubin");
      expectAllClose(effectiveSampleSize(x), e.effective_sample_size as number[], 1e-8, "ess");
      expectAllClose(
        effectiveSampleSize(x, { bias: false }),
        e.effective_sample_size_unbiased as number[],
        1e-8,
        "ess",
      );
      const rest = x.data.length / (d.shape[0] * d.shape[1]);
      const h = hpdi({ data: x.data, shape: [d.shape[0] * d.shape[1], rest] }, 0.9);
      const hp = e.hpdi90 as number[][];
      expectAllClose(h, [...hp[0], ...hp[1]], 1e-8, "hpdi");
    });
    it(`summary on "${name}" equals numpyro.diagnostics.summary`, () => {
      const rows = summary({ x });
      const s = e.summary;
      expectAllClose(
        rows.map((r) => r.mean),
        s.mean,
        1e-8,
        "mean",
      );
      expectAllClose(
        rows.map((r) => r.std),
        s.std,
        1e-8,
        "std",
      );
      expectAllClose(
        rows.map((r) => r.median),
        s.median,
        1e-8,
        "median",
      );
      expectAllClose(
        rows.map((r) => r.hpdiLower),
        s["5.0%"],
        1e-8,
        "5.0%",
      );
      expectAllClose(
        rows.map((r) => r.hpdiUpper),
        s["95.0%"],
        1e-8,
        "95.0%",
      );
      expectAllClose(
        rows.map((r) => r.nEff),
        s.n_eff,
        1e-8,
        "n_eff",
      );
      expectAllClose(
        rows.map((r) => r.rHat),
        s.r_hat,
        1e-8,
        "r_hat",
      );
    });
  }

  it("formatSummary prints the same table as numpyro.diagnostics.print_summary", () => {
    const toDraws = (d: { shape: number[]; data: number[] }) => ({
      data: Float64Array.from(d.data),
      shape: d.shape,
    });
    const text = formatSummary({ x: toDraws(draws.ar1_vector), mu: toDraws(draws.normal_iid) });
    expect(text).toBe(fx.print_summary_text);
  });

  it("formatSummary appends the divergence count when given", () => {
    const text = formatSummary({ mu: [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4]] }, { divergences: 3 });
    expect(text.trimEnd().endsWith("Number of divergences: 3")).toBe(true);
  });

  it("summary with groupByChain false treats [draw, ...] arrays as one chain", () => {
    const flat = summary(
      { mu: { data: Float64Array.from([0.1, -0.3, 0.5, 0.2, -0.1, 0.4]), shape: [6] } },
      { groupByChain: false },
    );
    const nested = summary({ mu: [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4]] });
    expect(flat).toEqual(nested);
  });

  it("gelmanRubin on one chain throws DiagnosticsError too-few-chains", () => {
    expect(() => gelmanRubin([arange(10)])).toThrow(DiagnosticsError);
    try {
      gelmanRubin([arange(10)]);
    } catch (err) {
      expect((err as DiagnosticsError).code).toBe("too-few-chains");
    }
  });
});
