import { autocorrelation, essBulk, hpdi, looPit, mcseMean, mcseSd, rhat } from "@phlox/diagnostics";
import { describe, expect, it } from "vitest";
import { eightSchoolsFixture, maxAbsDiff } from "../testing/eight-schools.js";
import { bfmi } from "./bfmi.js";
import { essEvolution, essLocalCurve, essQuantileCurve, mcseQuantileCurve } from "./ess-curves.js";
import { pitEcdfBands, pitHdiOdds } from "./pit-bands.js";
import { rankData, rankHistogram } from "./ranks.js";
import { posteriorReff } from "./reff.js";

const fx = eightSchoolsFixture();
const { chains: C, draws: D } = fx.data;

function element(name: "mu" | "tau" | "theta0" | "theta7"): Float64Array {
  const p = fx.data.posterior;
  if (name === "mu" || name === "tau") return Float64Array.from(p[name]);
  const s = name === "theta0" ? 0 : 7;
  return Float64Array.from({ length: C * D }, (_, i) => p.theta[i * 8 + s]);
}

describe("statistics behind the plots equal ArviZ 0.23.4", { timeout: 60_000 }, () => {
  for (const name of ["mu", "tau", "theta0", "theta7"] as const) {
    const s = fx.stats[name];
    it(`${name}: rank histogram, HDI, autocorrelation`, () => {
      const x = element(name);
      const r = rankHistogram(x, C);
      expect(r.edges.length - 1).toBe(s.rankBins);
      expect(maxAbsDiff(r.edges, s.rankEdges)).toBeLessThan(1e-9);
      r.counts.forEach((c, i) => {
        expect(Array.from(c)).toEqual(s.rankCounts[i]);
      });
      expect(maxAbsDiff(hpdi(x, 0.94), s.hdi94)).toBeLessThan(1e-12);
      for (let c = 0; c < C; c++) {
        expect(maxAbsDiff(hpdi(x.subarray(c * D, (c + 1) * D), 0.5), s.hdi50PerChain[c]!)).toBeLessThan(
          1e-12,
        );
        const ac = autocorrelation(x.subarray(c * D, (c + 1) * D)).subarray(0, 100);
        expect(maxAbsDiff(ac, s.autocorr[c]!)).toBeLessThan(1e-8);
      }
    });
    it(`${name}: local/quantile ESS, quantile MCSE, ESS evolution`, () => {
      const x = element(name);
      expect(maxAbsDiff(essLocalCurve(x, C).y, s.essLocal)).toBeLessThan(1e-8);
      expect(maxAbsDiff(essQuantileCurve(x, C).y, s.essQuantile)).toBeLessThan(1e-8);
      expect(maxAbsDiff(mcseQuantileCurve(x, C).y, s.mcseQuantile)).toBeLessThan(1e-8);
      const ev = essEvolution(x, C);
      expect(Array.from(ev.draws)).toEqual(s.essEvolutionDraws);
      expect(maxAbsDiff(ev.bulk, s.essEvolutionBulk)).toBeLessThan(1e-8);
      expect(maxAbsDiff(ev.tail, s.essEvolutionTail)).toBeLessThan(1e-8);
      const d = { data: x, shape: [C, D] };
      expect(Math.abs(rhat(d)[0] - s.rhat)).toBeLessThan(1e-8);
      expect(Math.abs(essBulk(d)[0] - s.essBulk)).toBeLessThan(1e-8);
      expect(Math.abs(mcseMean(d)[0] - s.mcseMean)).toBeLessThan(1e-8);
      expect(Math.abs(mcseSd(d)[0] - s.mcseSd)).toBeLessThan(1e-8);
    });
  }
  it("BFMI per chain", () => {
    expect(maxAbsDiff(bfmi(Float64Array.from(fx.data.energy), C), fx.bfmi)).toBeLessThan(1e-10);
  });
  it("LOO-PIT values, ECDF bands and the KDE band", () => {
    const ll = Float64Array.from(fx.data.logLik);
    const pp = Float64Array.from(fx.data.posteriorPredictive);
    const post = fx.data.posterior;
    const reff = posteriorReff(
      {
        mu: Float64Array.from(post.mu),
        theta: Float64Array.from(post.theta),
        tau: Float64Array.from(post.tau),
      },
      C,
      D,
    );
    const pit = looPit(
      fx.data.observed,
      { data: pp, shape: [C, D, 8] },
      { data: ll, shape: [C, D, 8] },
      { reff },
    );
    // Observations 1 and 7 have no tied log-likelihoods among the smoothed tail draws: equal to 1e-8. Elsewhere
    // repeated MCMC draws tie, and which tied draw gets which smoothed weight follows NumPy's unstable argsort
    // in ArviZ's psislw (a stable sort here), so PIT values differ there by up to ~1e-4.
    for (const i of [1, 7]) expect(Math.abs(pit[i]! - fx.looPit.pit[i]!)).toBeLessThan(1e-8);
    expect(maxAbsDiff(pit, fx.looPit.pit)).toBeLessThan(1e-3);
    const b = pitEcdfBands(8, 0.94);
    expect(maxAbsDiff(b.lower, fx.looPit.p025)).toBeLessThan(1e-8);
    expect(maxAbsDiff(b.upper, fx.looPit.p975)).toBeLessThan(1e-8);
    expect(maxAbsDiff(pitHdiOdds(8, 0.94), fx.looPit.hdiOdds)).toBeLessThan(1e-8);
  });
  it("average ranks for ties", () => {
    expect(Array.from(rankData([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
  });
});
