import { essMean } from "@phlox/diagnostics";

/**
 * ArviZ's relative efficiency for `loo_pit`: the mean over every posterior element of its mean-ESS, divided
 * by the number of draws (chains × draws).
 * @param posterior - per variable, data row-major `[chain, draw, ...element]`.
 * @param numChains - number of chains.
 * @param numDraws - draws per chain.
 * @returns the scalar r_eff.
 */
export function posteriorReff(
  posterior: Readonly<Record<string, Float64Array>>,
  numChains: number,
  numDraws: number,
): number {
  let sum = 0;
  let count = 0;
  for (const data of Object.values(posterior)) {
    const e = data.length / (numChains * numDraws);
    const ess = essMean({ data, shape: e === 1 ? [numChains, numDraws] : [numChains, numDraws, e] });
    for (const v of ess) {
      sum += v;
      count++;
    }
  }
  return sum / count / (numChains * numDraws);
}
