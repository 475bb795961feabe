import type { InferenceData } from "@phlox/arviz-io";
import { autocorrelation, essBulk, hpdi, rhat } from "@phlox/diagnostics";
import { describe, expect, it } from "vitest";
import { toInferenceData } from "./data.js";
import { plotAutocorr } from "./plot-autocorr.js";
import { plotCompare } from "./plot-compare.js";
import { plotDensity } from "./plot-density.js";
import { plotDist } from "./plot-dist.js";
import { plotEnergy } from "./plot-energy.js";
import { plotEss } from "./plot-ess.js";
import { plotForest } from "./plot-forest.js";
import { plotKhat } from "./plot-khat.js";
import { plotLooPit } from "./plot-loo-pit.js";
import { plotMcse } from "./plot-mcse.js";
import { plotPair } from "./plot-pair.js";
import { plotPosterior } from "./plot-posterior.js";
import { plotPpc } from "./plot-ppc.js";
import { plotViolin } from "./plot-violin.js";
import { eightSchoolsFixture, eightSchoolsIdata, maxAbsDiff } from "./testing/eight-schools.js";
import { attrValues, count, isWellFormedSvg, pathVertices } from "./testing/svg-marks.js";

const fx = eightSchoolsFixture();
const idata = eightSchoolsIdata();
const { chains: C, draws: D } = fx.data;
const S = { output: "string" } as const;
const nums = (svg: string, cls: string, attr: string) => attrValues(svg, cls, attr).map(Number);

function nonCentered(): InferenceData {
  const ll = toInferenceData(
    { obs: { data: Float64Array.from(fx.nonCenteredLogLik), shape: [C, D, 8] } },
    "test",
  );
  return idata.with("log_likelihood", ll.get("posterior"));
}

describe("every plot renders valid SVG whose marks match the data", { timeout: 60_000 }, () => {
  it("plotPosterior: HDI equals ArviZ's, ref value and ROPE drawn", () => {
    const svg = plotPosterior(idata, {
      ...S,
      varNames: ["mu", "tau"],
      refVal: { mu: 0 },
      rope: { tau: [0, 2] },
    });
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(count(svg, "ph-density")).toBe(2);
    expect(
      maxAbsDiff(nums(svg, "ph-hdi", "data-lo"), [fx.stats.mu.hdi94[0]!, fx.stats.tau.hdi94[0]!]),
    ).toBeLessThan(1e-12);
    expect(
      maxAbsDiff(nums(svg, "ph-hdi", "data-hi"), [fx.stats.mu.hdi94[1]!, fx.stats.tau.hdi94[1]!]),
    ).toBeLessThan(1e-12);
    expect(count(svg, "ph-ref-val")).toBe(1);
    expect(count(svg, "ph-rope")).toBe(1);
    expect(() => plotPosterior(idata, { hdiProb: 1.5 })).toThrow(/hdiProb must lie in \(0, 1\]/);
  });
  it("plotForest: one HDI per chain and scalar; R-hat and ESS columns equal diagnostics", () => {
    const svg = plotForest(idata, { ...S, hdiProb: 0.5, rHat: true, ess: true, varNames: ["mu", "tau"] });
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(count(svg, "ph-hdi")).toBe(2 * C);
    expect(
      maxAbsDiff(
        nums(svg, "ph-hdi", "data-lo").slice(0, C),
        fx.stats.mu.hdi50PerChain.map((h) => h[0]!),
      ),
    ).toBeLessThan(1e-12);
    expect(
      maxAbsDiff(
        nums(svg, "ph-hdi", "data-hi").slice(C),
        fx.stats.tau.hdi50PerChain.map((h) => h[1]!),
      ),
    ).toBeLessThan(1e-12);
    expect(count(svg, "ph-rhat")).toBe(2);
    expect(count(svg, "ph-ess")).toBe(2);
    const ridge = plotForest(idata, { ...S, kind: "ridgeplot" });
    expect(count(ridge, "ph-ridge")).toBe(10);
    const comb = plotForest(idata, { ...S, combined: true });
    expect(count(comb, "ph-hdi")).toBe(10);
    expect(rhat({ data: Float64Array.from(fx.data.posterior.mu), shape: [C, D] })[0]).toBeCloseTo(
      fx.stats.mu.rhat,
      10,
    );
    expect(essBulk({ data: Float64Array.from(fx.data.posterior.mu), shape: [C, D] })[0]).toBeCloseTo(
      fx.stats.mu.essBulk,
      8,
    );
  });
  it("plotPair: one point per draw per panel, divergences highlighted; kde contours; hexbin counts add up", () => {
    const svg = plotPair(idata, {
      ...S,
      varNames: ["mu", "tau", "theta"],
      coords: { school: ["Choate"] },
      divergences: true,
    });
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(count(svg, "ph-panel")).toBe(3);
    expect(nums(svg, "ph-points", "data-n")).toEqual([C * D, C * D, C * D]);
    const d = attrValues(svg, "ph-points", "d")[0]!;
    expect(d.split("M").length - 1).toBe(C * D);
    const nDiv = fx.data.diverging.filter(Boolean).length;
    expect(count(svg, "ph-divergence")).toBe(3 * nDiv);
    const k = plotPair(idata, { ...S, varNames: ["mu", "tau"], kind: "kde" });
    expect(count(k, "ph-contour")).toBeGreaterThan(3);
    const h = plotPair(idata, { ...S, varNames: ["mu", "tau"], kind: "hexbin" });
    expect(nums(h, "ph-hexbin", "data-count").reduce((a, b) => a + b, 0)).toBe(C * D);
    expect(() => plotPair(idata, { varNames: ["mu"] })).toThrow(/at least two scalars/);
    const m = plotPair(idata, { ...S, varNames: ["mu", "tau"], marginals: true });
    expect(count(m, "ph-panel")).toBe(3);
    expect(count(m, "ph-marginal")).toBe(2);
  });
  it("plotEnergy: marginal and transition densities, BFMI per chain as ArviZ", () => {
    const svg = plotEnergy(idata, S);
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(count(svg, "ph-energy-marginal")).toBe(1);
    expect(count(svg, "ph-energy-transition")).toBe(1);
    for (const b of fx.bfmi) expect(svg).toContain(`BFMI = ${b.toFixed(2)}`);
    expect(() => plotEnergy({ mu: [[1, 2, 3, 4]] })).toThrow(/needs sample_stats.energy/);
  });
  it("plotAutocorr: one bar per lag with ArviZ's autocorrelation", () => {
    const svg = plotAutocorr(idata, { ...S, varNames: ["mu"] });
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(count(svg, "ph-acf")).toBe(C * 101);
    const v = nums(svg, "ph-acf", "data-value");
    for (let c = 0; c < C; c++)
      expect(maxAbsDiff(v.slice(c * 101, c * 101 + 100), fx.stats.mu.autocorr[c]!)).toBeLessThan(1e-8);
    expect(autocorrelation([1, 2, 3]).length).toBe(3);
  });
  it("plotEss and plotMcse: one point per quantile", () => {
    for (const kind of ["local", "quantile"] as const) {
      const svg = plotEss(idata, { ...S, varNames: ["mu"], kind });
      expect(isWellFormedSvg(svg)).toBe(true);
      expect(count(svg, "ph-ess-point")).toBe(20);
      expect(count(svg, "ph-min-ess")).toBe(1);
    }
    const ev = plotEss(idata, { ...S, varNames: ["mu", "tau"], kind: "evolution" });
    expect(count(ev, "ph-ess-bulk")).toBe(2);
    expect(count(ev, "ph-ess-point")).toBe(2 * 40);
    const rel = plotEss(idata, { ...S, varNames: ["mu"], kind: "evolution", relative: true });
    expect(count(rel, "ph-min-ess")).toBe(1);
    const m = plotMcse(idata, { ...S, varNames: ["tau"] });
    expect(count(m, "ph-mcse-point")).toBe(20);
    expect(() => plotEss(idata, { kind: "bulk" as "local" })).toThrow(/kind must be/);
  });
  it("plotPpc: one density per predictive draw shown, the observed and the pooled mean", () => {
    const svg = plotPpc(idata, { ...S, numPpSamples: 50 });
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(count(svg, "ph-ppc-sample")).toBe(50);
    expect(count(svg, "ph-observed")).toBe(1);
    expect(count(svg, "ph-ppc-mean")).toBe(1);
    const cum = plotPpc(idata, { ...S, kind: "cumulative", numPpSamples: 10 });
    const obs = attrValues(cum, "ph-observed", "d")[0]!;
    expect(pathVertices(obs).length).toBe(2 * 8);
    const sc = plotPpc(idata, { ...S, kind: "scatter", numPpSamples: 5 });
    expect(count(sc, "ph-observed")).toBe(8);
    expect(nums(sc, "ph-ppc-sample", "data-n")).toEqual([8, 8, 8, 8, 8]);
  });
  it("plotLooPit: PIT values from PSIS-LOO with ArviZ's r_eff; ECDF bands", () => {
    const svg = plotLooPit(idata, S);
    expect(isWellFormedSvg(svg)).toBe(true);
    const pit = nums(svg, "ph-pit", "data-value");
    expect(pit.length).toBe(8);
    for (const i of [1, 7]) expect(Math.abs(pit[i]! - fx.looPit.pit[i]!)).toBeLessThan(1e-8);
    expect(count(svg, "ph-unif")).toBe(100);
    const e = plotLooPit(idata, { ...S, ecdf: true });
    expect(count(e, "ph-pit-band")).toBe(1);
    expect(count(e, "ph-loo-pit")).toBe(1);
  });
  it("plotKhat: one point per observation at ArviZ's Pareto k", () => {
    const svg = plotKhat(idata, { ...S, showBins: true });
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(count(svg, "ph-khat")).toBe(8);
    expect(svg).toContain("(-Inf, 0.5]: 6");
    expect(fx.looPit.paretoK.filter((k) => k <= 0.5).length).toBe(6);
  });
  it("plotCompare: a point and SE bar per model, a difference for the second", () => {
    const svg = plotCompare({ centered: idata, nonCentered: nonCentered() }, S);
    expect(isWellFormedSvg(svg)).toBe(true);
    expect(count(svg, "ph-elpd")).toBe(2);
    expect(count(svg, "ph-se")).toBe(2);
    expect(count(svg, "ph-elpd-diff")).toBe(1);
    expect(() => plotCompare({ a: idata }, S)).toThrow(/at least two models/);
  });
  it("plotDist, plotDensity, plotViolin", () => {
    const dist = plotDist(fx.data.posterior.mu, { ...S, rug: true, hdiProb: 0.94 });
    expect(isWellFormedSvg(dist)).toBe(true);
    expect(nums(dist, "ph-rug", "data-n")).toEqual([C * D]);
    expect(maxAbsDiff(nums(dist, "ph-hdi", "data-lo"), [fx.stats.mu.hdi94[0]!])).toBeLessThan(1e-12);
    const hist = plotDist([1, 2, 2, 3, 3, 3, 4], { ...S });
    expect(nums(hist, "ph-bar", "data-count")).toEqual([1, 2, 3, 1]);
    const dens = plotDensity([idata, nonCentered()], {
      ...S,
      varNames: ["mu", "tau"],
      dataLabels: ["a", "b"],
    });
    expect(count(dens, "ph-density")).toBe(4);
    expect(() => plotDensity([idata], { dataLabels: ["a", "b"] })).toThrow(/2 dataLabels for 1 datasets/);
    const vio = plotViolin(idata, { ...S, varNames: ["theta"] });
    expect(count(vio, "ph-violin")).toBe(8);
    const lo = nums(vio, "ph-hdi", "data-lo")[0]!;
    const th0 = Float64Array.from({ length: C * D }, (_, i) => fx.data.posterior.theta[i * 8]!);
    expect(lo).toBe(hpdi(th0, 0.94)[0]);
    expect(lo).toBeCloseTo(fx.stats.theta0.hdi94[0]!, 12);
  });
  it("accepts draws records and MCMC-like objects", () => {
    const draws = { mu: { data: Float64Array.from(fx.data.posterior.mu), shape: [C, D] } };
    expect(count(plotPosterior(draws, S), "ph-density")).toBe(1);
    const mcmc = { getSamples: () => draws };
    expect(count(plotPosterior(mcmc, S), "ph-density")).toBe(1);
    expect(() => plotPosterior(42 as unknown as typeof draws)).toThrow(/expected an InferenceData/);
  });
});
