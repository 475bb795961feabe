// LOO probability integral transform (ArviZ `loo_pit`) from the PSIS weights of `loo`.

import { type ChainDraws, type DrawsInput, toChainDraws, transposeElements } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { logSumExp } from "./internal/special.js";
import { loo } from "./loo.js";

function logLikDraws(logLik: DrawsInput, where: string): { cd: ChainDraws; byObs: Float64Array } {
  const cd = toChainDraws(logLik, where);
  return { cd, byObs: transposeElements(cd) };
}

/**
 * LOO probability integral transform (ArviZ `loo_pit`): for each observation, the PSIS-weighted share of
 * predictive draws ≤ y_i, capped at 1. Discrete data are not smoothed (ArviZ jitters integer data).
 * @param y - observed values, one per observation.
 * @param yHat - posterior predictive draws `[chain, draw, ...obs]`.
 * @param logLik - pointwise log-likelihood of the same shape (its PSIS weights are used).
 * @param options - `reff` as in {@link loo} (default: R-style per observation).
 * @returns one PIT value per observation, in [0, 1].
 * @throws DiagnosticsError when the shapes disagree.
 * @example
 * looPit([0], { data: Float64Array.from({ length: 40 }, (_, i) => Math.sin(i)), shape: [2, 20, 1] },
 *   { data: new Float64Array(40).fill(-1), shape: [2, 20, 1] }).length; // → 1
 */
export function looPit(
  y: ArrayLike<number>,
  yHat: DrawsInput,
  logLik: DrawsInput,
  options: { reff?: number | ArrayLike<number> } = {},
): Float64Array {
  const yh = logLikDraws(yHat, "looPit(y, yHat)");
  const res = loo(logLik, { reff: options.reff, keepLogWeights: true, warn: false });
  const S = yh.cd.numChains * yh.cd.numDraws;
  const N = yh.cd.numElements;
  if (N !== res.nDataPoints || S !== res.nSamples || y.length !== N) {
    throw new DiagnosticsError(
      "shape-mismatch",
      `looPit(y, yHat, logLik): y has ${y.length} values, yHat ${N} observations × ${S} draws, logLik ` +
        `${res.nDataPoints} × ${res.nSamples}; they must agree.`,
    );
  }
  const lw = res.logWeights!;
  const out = new Float64Array(N);
  const buf = new Float64Array(S);
  for (let i = 0; i < N; i++) {
    let m = 0;
    for (let s = 0; s < S; s++) if (yh.byObs[i * S + s] <= y[i]) buf[m++] = lw[i * S + s];
    out[i] = m > 0 ? Math.min(1, Math.exp(logSumExp(buf, 0, m))) : 0;
  }
  return out;
}
