/** The runtime object handed to generated code: scalar helpers and kernels it may call. */
import { cholesky, triangularSolve } from "./linalg.js";

/** Functions generated code may call by name. */
export interface Runtime {
  readonly [name: string]: (...args: never[]) => unknown;
}

const HALF_EVEN_EPS = 0.5;

/** NumPy rounding: half to even. */
function round(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === HALF_EVEN_EPS && r % 2 !== 0 ? r - 1 : r;
}

/** Sign with NaN propagation and sign(±0) = ±0 … as `Math.sign`. */
const sign = (x: number): number => Math.sign(x);

/** Numerically stable logistic function. */
function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const castInt = (x: number): number => (Number.isNaN(x) ? 0 : Math.trunc(x));

/** Builds the runtime, given the scalar special functions of `@phlox/tensor`. */
export function makeRuntime(special: Record<string, (...args: number[]) => number>): Runtime {
  return {
    round,
    sign,
    logistic,
    castInt,
    pow: Math.pow,
    cholesky,
    triangularSolve,
    ...special,
  } as unknown as Runtime;
}
