export type { CheckGradsOptions } from "./check-grads.js";
export { checkGrads } from "./check-grads.js";
export type { ConformanceOptions } from "./conformance.js";
export { checkBackendConformance } from "./conformance.js";
