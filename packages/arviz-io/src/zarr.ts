export { fromZarr } from "./zarr-read.js";
export { toZarr, type ZarrStore, type ZarrWriteOptions } from "./zarr-write.js";
