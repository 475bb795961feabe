export { runCli, USAGE } from "./cli.js";
export { ServeError, type ServeErrorCode } from "./errors.js";
export {
  type DrawArray,
  type LatentSite,
  loadPosterior,
  type Posterior,
  type PosteriorSite,
  type PosteriorSource,
  type PosteriorSourceValue,
} from "./posterior.js";
export { drawIndices, type InputSlot, type OutputSite, PosteriorPredictor } from "./predictor.js";
export {
  batchBodySchema,
  type JsonSchema,
  openApiDocument,
  predictBodySchema,
  type RequestLimits,
  rowSchema,
} from "./schemas.js";
export {
  defineServable,
  type InputSpec,
  loadModelModule,
  type NestedNumber,
  nestedShape,
  type ServableModel,
} from "./servable-model.js";
export {
  createServer,
  type PhloxServer,
  type ReloadStatus,
  type ServeOptions,
  serve,
} from "./server.js";
export {
  hdiOfSorted,
  type NestedValue,
  nest,
  quantileOfSorted,
  type SiteSummary,
  type SummaryOptions,
  summarizeDraws,
} from "./summarize.js";
export { SERVE_VERSION } from "./version.js";
