export type { CheckGradsOptions } from "./check-grads.js";
export { checkGrads } from "./check-grads.js";
