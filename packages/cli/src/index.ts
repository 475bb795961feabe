export { type AgreementRow, type BenchOptions, type BenchResult, benchModel, formatBench } from "./bench.js";
export {
  type CompareResult,
  type CompareRunsOptions,
  compareRuns,
  formatCompare,
  type ParetoKReport,
} from "./compare.js";
export {
  type DiagnoseCheck,
  type DiagnoseOptions,
  type DiagnoseResult,
  type DiagnoseThresholds,
  diagnoseRun,
  formatArvizSummary,
  formatDiagnose,
  hdiColumns,
} from "./diagnose.js";
export { CliError, type CliErrorCode } from "./errors.js";
export {
  type DataRecord,
  type JsonValue,
  type RunFormat,
  readData,
  readRun,
  runFormat,
  writeRun,
} from "./files.js";
export { fixed, roundHalfEven, table } from "./format.js";
export { type CliIO, processIO } from "./io.js";
export { arvizLabel } from "./labels.js";
export { defaultArgs, loadModelModule, type ModelFn, type ModelModule, withModel } from "./model-module.js";
export {
  formatPriorCheck,
  type PriorCheckOptions,
  type PriorCheckResult,
  type PriorCheckStat,
  type PriorSiteRow,
  priorCheck,
} from "./prior-check.js";
export { buildProgram, EXIT, main } from "./program.js";
export { type FitOptions, type FitResult, fitNuts } from "./run.js";
