/** The runtime object handed to generated code: scalar helpers and kernels it may call. */
import { cholesky, choleskyGrad, triangularSolve } from "./linalg.js";
import { simdRows } from "./simd-rows.js";

/** Functions generated code may call by name. */
export interface Runtime {
  readonly [name: string]: (...args: never[]) => unknown;
}

/** Sign with NaN propagation and sign(±0) = ±0 … as `Math.sign`. */
const sign = (x: number): number => Math.sign(x);

const castInt = (x: number): number => (Number.isNaN(x) ? 0 : Math.trunc(x));

/** Builds the runtime, given the scalar special functions of `@phlox/tensor`. */
export function makeRuntime(special: Readonly<Record<string, unknown>>): Runtime {
  return {
    sign,
    castInt,
    pow: Math.pow,
    cholesky,
    choleskyGrad,
    triangularSolve,
    simdRows,
    ...special,
  } as unknown as Runtime;
}
