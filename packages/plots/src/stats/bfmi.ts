/**
 * Bayesian fraction of missing information per chain: mean squared energy change over the energy variance
 * (ddof 1), as ArviZ `bfmi`.
 * @param energy - energies, row-major `[chain, draw]`.
 * @param numChains - number of chains.
 * @returns one BFMI per chain.
 * @example
 * Array.from(bfmi(Float64Array.from([0, 1, 0, 1]), 1)); // → [3]
 */
export function bfmi(energy: Float64Array, numChains: number): Float64Array {
  const D = energy.length / numChains;
  const out = new Float64Array(numChains);
  for (let c = 0; c < numChains; c++) {
    const e = energy.subarray(c * D, (c + 1) * D);
    let num = 0;
    for (let i = 1; i < D; i++) num += (e[i] - e[i - 1]) ** 2;
    num /= D - 1;
    let m = 0;
    for (let i = 0; i < D; i++) m += e[i];
    m /= D;
    let v = 0;
    for (let i = 0; i < D; i++) v += (e[i] - m) ** 2;
    out[c] = num / (v / (D - 1));
  }
  return out;
}
