export { type PlotInput, toInferenceData } from "./data.js";
export { PlotsError, type PlotsErrorCode } from "./errors.js";
export type { BasePlotOptions } from "./options.js";
export { type OutputOptions, type PlotResult, type SvgOutput, svgString } from "./output.js";
export { type PlotAutocorrOptions, plotAutocorr } from "./plot-autocorr.js";
export { type PlotCompareOptions, plotCompare } from "./plot-compare.js";
export { type PlotDensityOptions, plotDensity } from "./plot-density.js";
export { type PlotDistOptions, plotDist } from "./plot-dist.js";
export { type PlotEnergyOptions, plotEnergy } from "./plot-energy.js";
export { type PlotEssOptions, plotEss } from "./plot-ess.js";
export { type PlotForestOptions, plotForest } from "./plot-forest.js";
export { type PlotKhatOptions, plotKhat } from "./plot-khat.js";
export { type PlotLooPitOptions, plotLooPit } from "./plot-loo-pit.js";
export { type PlotMcseOptions, plotMcse } from "./plot-mcse.js";
export { type PlotPairOptions, plotPair } from "./plot-pair.js";
export { type PlotPosteriorOptions, type PointEstimate, plotPosterior } from "./plot-posterior.js";
export { type PlotPpcOptions, plotPpc } from "./plot-ppc.js";
export { type PlotRankOptions, plotRank } from "./plot-rank.js";
export { type PlotTraceOptions, plotTrace } from "./plot-trace.js";
export { type PlotViolinOptions, plotViolin } from "./plot-violin.js";
export { type ReportOptions, report } from "./report.js";
export { type Scalar, type SelectOptions, selectScalars } from "./select.js";
export type { BandwidthMethod } from "./stats/bandwidth.js";
export { bfmi } from "./stats/bfmi.js";
export {
  type EssEvolution,
  essEvolution,
  essLocal,
  essLocalCurve,
  essQuantileCurve,
  mcseQuantileCurve,
} from "./stats/ess-curves.js";
export { type KdeOptions, type KdeResult, kde } from "./stats/kde.js";
export { type Kde2dResult, kde2d } from "./stats/kde-2d.js";
export { type PitEcdfBands, pitEcdfBands, pitHdiOdds } from "./stats/pit-bands.js";
export { type RankHistogram, rankData, rankHistogram } from "./stats/ranks.js";
export { posteriorReff } from "./stats/reff.js";
