/**
 * The scalar kernels of the special-function primitives, by primitive name, so that code generators call
 * exactly the functions the reference kernels use (compiled and eager results then agree to the last bit).
 */

import { randomBitsInto } from "../random/threefry.js";
import { digammaScalar } from "../special/digamma.js";
import { logisticScalar, roundHalfEven } from "../special/elementary.js";
import { erfcScalar, erfScalar } from "../special/erf.js";
import { lgammaScalar } from "../special/lgamma.js";
import { ndtriScalar } from "../special/ndtri.js";
import { polygammaScalar } from "../special/polygamma.js";

/**
 * Scalar functions behind `lgamma`, `digamma`, `polygamma(n, x)`, `erf`, `erfc`, `ndtri`, `logistic` and
 * `round` (ties to even), and `randomBits(out, key, offset, numKeys = 1)` (threefry-2x32 bits of the key at `key[offset]`, or of
 * `numKeys` consecutive keys, each filling its share of `out` in turn).
 * @example
 * scalarKernels.lgamma(5); // → 3.1780538303479458
 */
export const scalarKernels: Readonly<{
  lgamma: (x: number) => number;
  digamma: (x: number) => number;
  polygamma: (n: number, x: number) => number;
  erf: (x: number) => number;
  erfc: (x: number) => number;
  ndtri: (x: number) => number;
  logistic: (x: number) => number;
  round: (x: number) => number;
  randomBits: (out: Uint32Array, key: ArrayLike<number>, offset: number, numKeys?: number) => void;
}> = Object.freeze({
  lgamma: lgammaScalar,
  digamma: digammaScalar,
  polygamma: polygammaScalar,
  erf: erfScalar,
  erfc: erfcScalar,
  ndtri: ndtriScalar,
  logistic: logisticScalar,
  round: roundHalfEven,
  randomBits: (out, key, offset, numKeys = 1) => {
    const per = out.length / numKeys;
    for (let j = 0; j < numKeys; j++) {
      const o = offset + 2 * j;
      randomBitsInto(
        key[o] as number,
        key[o + 1] as number,
        numKeys === 1 ? out : out.subarray(j * per, (j + 1) * per),
      );
    }
  },
});
