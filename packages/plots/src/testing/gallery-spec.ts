/**
 * One example of every plot on the eight-schools data, written against the package's public API passed in:
 * the source build (`gallery.ts`) and the published bundles (the browser page built from dist) draw the same
 * gallery.
 */
import type { InferenceData } from "@phlox/arviz-io";
import type * as Plots from "../index.js";
import type { OutputOptions, SvgOutput } from "../output.js";

/** The functions of `@phlox/plots` the gallery draws with. */
export type PlotsApi = Pick<
  typeof Plots,
  | "toInferenceData"
  | "plotAutocorr"
  | "plotCompare"
  | "plotDensity"
  | "plotDist"
  | "plotEnergy"
  | "plotEss"
  | "plotForest"
  | "plotKhat"
  | "plotLooPit"
  | "plotMcse"
  | "plotPair"
  | "plotPosterior"
  | "plotPpc"
  | "plotRank"
  | "plotTrace"
  | "plotViolin"
>;

/** Every plot once, by name, drawn by `api`. */
export function galleryWith(
  api: PlotsApi,
  idata: InferenceData,
  nonCenteredLogLik: readonly number[],
  out: OutputOptions,
): Record<string, () => SvgOutput> {
  const {
    toInferenceData,
    plotAutocorr,
    plotCompare,
    plotDensity,
    plotDist,
    plotEnergy,
    plotEss,
    plotForest,
    plotKhat,
    plotLooPit,
    plotMcse,
    plotPair,
    plotPosterior,
    plotPpc,
    plotRank,
    plotTrace,
    plotViolin,
  } = api;
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
