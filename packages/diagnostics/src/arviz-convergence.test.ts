import { describe, it } from "vitest";
import {
  essBulk,
  essMean,
  essQuantile,
  essSd,
  essTail,
  hpdi,
  mcseMean,
  mcseQuantile,
  mcseSd,
  rhat,
  splitGelmanRubin,
  summaryArviz,
} from "./index.js";
import { expectAllClose, readFixture } from "./testing/fixture.js";

// ArviZ 0.23.4 on seeded random and pathological draws (scripts/arviz_fixtures.py).
interface Case {
  shape: number[];
  data: number[];
  arviz: Record<string, number[]> & { hdi90: number[][]; summary: Record<string, number[]> };
}
const fx = readFixture<{ quantile_prob: number; convergence: Record<string, Case> }>("arviz.json");
const RTOL = 1e-8;

describe("convergence diagnostics match ArviZ 0.23.4 to 1e-8 (NaN where ArviZ gives NaN)", () => {
  for (const [name, c] of Object.entries(fx.convergence)) {
    const x = { data: Float64Array.from(c.data), shape: c.shape };
    const a = c.arviz;
    it(`rhat (rank) and split R-hat (ArviZ needs 2 chains for the latter) on "${name}"`, () => {
      expectAllClose(rhat(x), a.rhat, RTOL, "rhat");
      if (c.shape[0] >= 2) expectAllClose(splitGelmanRubin(x), a.rhat_split, RTOL, "rhat split");
    });
    it(`essBulk, essTail, essMean, essSd, essQuantile on "${name}"`, () => {
      expectAllClose(essBulk(x), a.ess_bulk, RTOL, "ess_bulk");
      expectAllClose(essTail(x), a.ess_tail, RTOL, "ess_tail");
      expectAllClose(essMean(x), a.ess_mean, RTOL, "ess_mean");
      expectAllClose(essSd(x), a.ess_sd, RTOL, "ess_sd");
      expectAllClose(essQuantile(x, 0.5), a.ess_median, RTOL, "ess_median");
      expectAllClose(essQuantile(x, fx.quantile_prob), a.ess_quantile, RTOL, "ess_quantile");
    });
    it(`mcseMean, mcseSd, mcseQuantile on "${name}"`, () => {
      expectAllClose(mcseMean(x), a.mcse_mean, RTOL, "mcse_mean");
      expectAllClose(mcseSd(x), a.mcse_sd, RTOL, "mcse_sd");
      expectAllClose(mcseQuantile(x, 0.5), a.mcse_median, RTOL, "mcse_median");
      expectAllClose(mcseQuantile(x, fx.quantile_prob), a.mcse_quantile, RTOL, "mcse_quantile");
    });
    it(`hpdi (ArviZ hdi, prob 0.9) and summaryArviz on "${name}"`, () => {
      const rest = x.data.length / (c.shape[0] * c.shape[1]);
      const h = hpdi({ data: x.data, shape: [c.shape[0] * c.shape[1], ...c.shape.slice(2)] }, 0.9);
      expectAllClose(
        h.subarray(0, rest),
        a.hdi90.map((r) => r[0]),
        RTOL,
        "hdi lower",
      );
      expectAllClose(
        h.subarray(rest),
        a.hdi90.map((r) => r[1]),
        RTOL,
        "hdi upper",
      );
      const rows = summaryArviz({ x });
      const s = a.summary;
      expectAllClose(
        rows.map((r) => r.mean),
        s.mean,
        RTOL,
        "mean",
      );
      expectAllClose(
        rows.map((r) => r.sd),
        s.sd,
        RTOL,
        "sd",
      );
      expectAllClose(
        rows.map((r) => r.hdiLower),
        s["hdi_3%"],
        RTOL,
        "hdi_3%",
      );
      expectAllClose(
        rows.map((r) => r.hdiUpper),
        s["hdi_97%"],
        RTOL,
        "hdi_97%",
      );
      expectAllClose(
        rows.map((r) => r.mcseMean),
        s.mcse_mean,
        RTOL,
        "summary mcse_mean",
      );
      expectAllClose(
        rows.map((r) => r.mcseSd),
        s.mcse_sd,
        RTOL,
        "summary mcse_sd",
      );
      expectAllClose(
        rows.map((r) => r.essBulk),
        s.ess_bulk,
        RTOL,
        "summary ess_bulk",
      );
      expectAllClose(
        rows.map((r) => r.essTail),
        s.ess_tail,
        RTOL,
        "summary ess_tail",
      );
      expectAllClose(
        rows.map((r) => r.rHat),
        s.r_hat,
        RTOL,
        "summary r_hat",
      );
    });
  }
});
