export {
  autocorrelation,
  autocovariance,
  effectiveSampleSize,
  gelmanRubin,
  splitGelmanRubin,
} from "./classic.js";
export { type CompareOptions, type CompareRow, compare, stackingWeights } from "./compare.js";
export {
  essBulk,
  essMean,
  essQuantile,
  essSd,
  essTail,
  mcseMean,
  mcseQuantile,
  mcseSd,
  type RhatMethod,
  rhat,
} from "./convergence.js";
export type { Draws, DrawsInput, NestedArray, NumericArray, Samples, TensorLike } from "./draws.js";
export { DiagnosticsError, type DiagnosticsErrorCode } from "./errors.js";
export { type EssMethod, type EssOptions, ess } from "./ess.js";
export { betainc, betaincinv } from "./internal/special.js";
export { hpdi, hpdiSorted, quantile } from "./intervals.js";
export {
  type ElpdData,
  type FitLike,
  type IcOptions,
  type IcScale,
  type LooOptions,
  loo,
  relativeEff,
} from "./loo.js";
export { looPit } from "./loo-pit.js";
export { type Convention, type PsisResult, psislw } from "./psis.js";
export {
  type ArvizSummaryRow,
  formatSummary,
  type PrintSummaryOptions,
  printSummary,
  type SummaryOptions,
  type SummaryRow,
  summary,
  summaryArviz,
} from "./summary.js";
export {
  type ArvizSummaryPrintOptions,
  formatArvizSummary,
  printArvizSummary,
} from "./summary-arviz-format.js";
export { waic } from "./waic.js";
