/**
 * One example of every plot on the eight-schools data: the browser page renders them in the DOM, the
 * screenshot test rasterises them in Chromium against committed references.
 */
import type { InferenceData } from "@phlox/arviz-io";
import { toInferenceData } from "../data.js";
import type { OutputOptions, SvgOutput } from "../output.js";
import { plotAutocorr } from "../plot-autocorr.js";
import { plotCompare } from "../plot-compare.js";
import { plotDensity } from "../plot-density.js";
import { plotDist } from "../plot-dist.js";
import { plotEnergy } from "../plot-energy.js";
import { plotEss } from "../plot-ess.js";
import { plotForest } from "../plot-forest.js";
import { plotKhat } from "../plot-khat.js";
import { plotLooPit } from "../plot-loo-pit.js";
import { plotMcse } from "../plot-mcse.js";
import { plotPair } from "../plot-pair.js";
import { plotPosterior } from "../plot-posterior.js";
import { plotPpc } from "../plot-ppc.js";
import { plotRank } from "../plot-rank.js";
import { plotTrace } from "../plot-trace.js";
import { plotViolin } from "../plot-violin.js";

/** Every plot once, by name. */
export function gallery(
  idata: InferenceData,
  nonCenteredLogLik: readonly number[],
  out: OutputOptions,
): Record<string, () => SvgOutput> {
  const { numChains: C, numDraws: D } = idata.sampleShape();
  const nc = () =>
    idata.with(
      "log_likelihood",
      toInferenceData(
        { obs: { data: Float64Array.from(nonCenteredLogLik), shape: [C, D, 8] } },
        "gallery",
      ).get("posterior"),
    );
  const mu = idata.extract("mu").data;
  return {
    trace: () => plotTrace(idata, { ...out, varNames: ["mu", "tau"] }),
    rank: () => plotRank(idata, { ...out, varNames: ["mu", "tau"] }),
    posterior: () =>
      plotPosterior(idata, { ...out, varNames: ["mu", "tau"], refVal: { mu: 0 }, rope: { tau: [0, 2] } }),
    forest: () => plotForest(idata, { ...out, rHat: true, ess: true }),
    pair: () =>
      plotPair(idata, {
        ...out,
        varNames: ["mu", "tau", "theta"],
        coords: { school: ["Choate"] },
        divergences: true,
      }),
    energy: () => plotEnergy(idata, out),
    autocorr: () => plotAutocorr(idata, { ...out, varNames: ["mu"] }),
    ess: () => plotEss(idata, { ...out, varNames: ["mu", "tau"], kind: "evolution" }),
    mcse: () => plotMcse(idata, { ...out, varNames: ["mu", "tau"] }),
    ppc: () => plotPpc(idata, { ...out, numPpSamples: 50 }),
    looPit: () => plotLooPit(idata, { ...out, ecdf: true }),
    khat: () => plotKhat(idata, { ...out, showBins: true }),
    compare: () => plotCompare({ centered: idata, nonCentered: nc() }, out),
    dist: () => plotDist(mu, { ...out, rug: true, hdiProb: 0.94 }),
    density: () =>
      plotDensity([idata, nc()], { ...out, varNames: ["mu", "tau"], dataLabels: ["centered", "copy"] }),
    violin: () => plotViolin(idata, { ...out, varNames: ["mu", "tau"] }),
  };
}
