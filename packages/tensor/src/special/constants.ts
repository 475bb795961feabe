/** 2/√π. */
export const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** √(2π). */
export const SQRT_2PI = 2.5066282746310002;
/** ½ log(2π). */
export const HALF_LOG_2PI = 0.9189385332046728;
/** log π. */
export const LOG_PI = 1.1447298858494002;
/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;
