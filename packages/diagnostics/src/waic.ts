// Widely applicable information criterion (Watanabe 2010) as ArviZ's `waic` computes it, with
// `convention: "loo"` for the R package loo 2.5 (sample variances with n − 1).

import { BLOCK, type DrawsInput, gatherBlock, toChainDraws } from "./draws.js";
import { finish, pickLogLik, scaleValue, warnIfPointwiseIsTotal } from "./internal/elpd.js";
import { logSumExp } from "./internal/special.js";
import type { ElpdData, FitLike, IcOptions } from "./loo.js";

/**
 * Widely applicable information criterion from pointwise log-likelihood draws (ArviZ `waic`):
 * elpd_i = log mean_s p(y_i|θ_s) − Var_s log p(y_i|θ_s). As ArviZ (xarray's variance), the variance skips
 * NaN draws: an observation with a NaN draw has a NaN elpd_i but a finite p_i (convention "loo": NaN).
 * Warns (console.warn, as ArviZ) when some variance exceeds 0.4, and when every elpd_i equals the total (one
 * observation, or a log-likelihood summed over observations), unless `warn: false`.
 * @param input - pointwise log-likelihood `[chain, draw, ...obs]` (a Tensor or `{ data, shape }`), or a fit
 *   ({@link FitLike}, e.g. an `MCMC`: its log-likelihood, `varName` picking the site).
 * @param options - `scale` (default "log"), `convention` ("arviz": Var with 1/S; "loo": 1/(S − 1)), `varName`,
 *   `warn` (default true).
 * @returns {@link ElpdData} with `method: "waic"`; `warning` when some variance exceeds 0.4.
 * @throws DiagnosticsError for ragged chains or a bad scale.
 * @example
 * waic({ data: Float64Array.from({ length: 80 }, (_, i) => -1 - 0.1 * Math.sin(i)), shape: [2, 20, 2] }).nDataPoints; // → 2
 */
export function waic(
  input: DrawsInput | FitLike,
  options: IcOptions & { varName?: string; warn?: boolean } = {},
): ElpdData {
  const logLik = pickLogLik(input, options.varName, "waic");
  const scale = options.scale ?? "log";
  const sv = scaleValue(scale);
  const convention = options.convention ?? "arviz";
  const ddof = convention === "loo" ? 1 : 0;
  const cd = toChainDraws(logLik, "waic(logLik)");
  const S = cd.numChains * cd.numDraws;
  const N = cd.numElements;
  const elpdI = new Float64Array(N);
  const pI = new Float64Array(N);
  let warning = false;
  const block = new Float64Array(Math.min(BLOCK, N) * S);
  // observations in cache-sized blocks of contiguous columns, never the whole transposed array
  for (let e0 = 0; e0 < N; e0 += BLOCK) {
    const count = Math.min(BLOCK, N - e0);
    gatherBlock(cd, e0, count, block);
    for (let j = 0; j < count; j++) {
      const off = j * S;
      const lppd = logSumExp(block, off, S) - Math.log(S);
      // ArviZ's variance is xarray's, which skips NaN draws (so p_waic stays finite while elpd_waic is NaN);
      // R loo's var (convention "loo") propagates them.
      const skip = convention === "arviz";
      let m = 0;
      let kept = 0;
      for (let s = 0; s < S; s++) {
        const x = block[off + s];
        if (skip && Number.isNaN(x)) continue;
        m += x;
        kept++;
      }
      m /= kept;
      let v = 0;
      for (let s = 0; s < S; s++) {
        const x = block[off + s];
        if (!(skip && Number.isNaN(x))) v += (x - m) ** 2;
      }
      v /= kept - ddof;
      if (v > 0.4) warning = true;
      pI[e0 + j] = v;
      elpdI[e0 + j] = lppd - v;
    }
  }
  if (warning && (options.warn ?? true)) {
    console.warn(
      "waic: the posterior variance of the log predictive density exceeds 0.4 for one or more observations; " +
        "WAIC may be unreliable there (Vehtari, Gelman and Gabry 2017, arXiv:1507.04544). Prefer loo.",
    );
  }
  const res = finish("waic", elpdI, pI, sv, scale, convention, ddof, S, warning);
  warnIfPointwiseIsTotal(res, options.warn ?? true);
  return res;
}
