/** This package's version (kept equal to package.json by a test), reported by `GET /model`. */
export const SERVE_VERSION = "0.1.0";
