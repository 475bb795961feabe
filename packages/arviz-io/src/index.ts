export { type CreateDatasetOptions, createDataset, makeAttrs, validateDataset } from "./dataset.js";
export { ArvizIoError } from "./errors.js";
export { readJSON, readNetCDF, readZarr, writeJSON, writeNetCDF, writeZarr } from "./files.js";
export { type ConvertOptions, DATA_GROUPS, fromArrays } from "./from-arrays.js";
export {
  type FromMCMCOptions,
  type FromPredictiveOptions,
  type FromSVIOptions,
  fromMCMC,
  fromPredictive,
  fromSVI,
  type McmcSource,
  type SampleRecord,
  sampleStatsFromExtraFields,
} from "./from-mcmc.js";
export { GROUP_NAMES, type GroupName, InferenceData } from "./inference-data.js";
export { fromJSON, toJSON } from "./json.js";
export { fromNetCDF } from "./netcdf-read.js";
export { type NetCDFWriteOptions, toNetCDF } from "./netcdf-write.js";
export type {
  ArrayInput,
  Attrs,
  AttrValue,
  CoordInput,
  Dataset,
  DrawsRecord,
  DType,
  NestedArray,
  TensorLike,
  Variable,
  VariableData,
} from "./types.js";
export { ARVIZ_FORMAT_VERSION, PHLOX_VERSION } from "./version.js";
export { fromZarr, toZarr, type ZarrStore, type ZarrWriteOptions } from "./zarr.js";
