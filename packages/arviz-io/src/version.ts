/** This package's version, written as `inference_library_version` (kept equal to package.json by a test). */
export const PHLOX_VERSION = "0.1.0";

/** The ArviZ release whose on-disk layout Phlox follows; written as the `arviz_version` group attribute. */
export const ARVIZ_FORMAT_VERSION = "0.23.4";
