export {
  type DualAveraging,
  type DualAveragingOptions,
  type DualAveragingState,
  dualAveraging,
} from "./dual-averaging.js";
export { type AdaptWindow, buildAdaptationSchedule } from "./schedule.js";
export { type WelfordCovariance, type WelfordState, welfordCovariance } from "./welford.js";
