import { fillNormal } from "@phlox/vi";
import type { LatentFamily } from "./family.js";

/**
 * Marginal quantile of each latent coordinate by Monte Carlo, for families without a closed form (the
 * normalising flows): pushes `numDraws` standard-normal ε (from a fixed key, so the answer is deterministic)
 * through `family.forward(u, ε, ·, "elbo")` and interpolates each coordinate's sorted draws linearly
 * (NumPy's default quantile rule).
 * @param family - the flow family; only its `dim` and `forward` are used.
 * @param u - flat parameter vector, length `family.numParams`.
 * @param q - quantile level in [0, 1].
 * @param z - output, length `family.dim`: the q-quantile of each coordinate.
 * @param numDraws - number of Monte Carlo draws (at least 1).
 * @returns nothing; writes `z`.
 * @example
 * monteCarloQuantile(this, u, 0.5, z, 2000); // inside a LatentFamily's quantile(u, q, z)
 */
export function monteCarloQuantile(
  family: Pick<LatentFamily, "dim" | "forward">,
  u: Float64Array,
  q: number,
  z: Float64Array,
  numDraws: number,
): void {
  const D = family.dim;
  const n = numDraws;
  const draws = Array.from({ length: D }, () => new Float64Array(n));
  const eps = new Float64Array((family as { noiseDim?: number }).noiseDim ?? D);
  const zz = new Float64Array(D);
  for (let k = 0; k < n; k++) {
    fillNormal(0x9a17, k, eps);
    family.forward(u, eps, zz, "elbo");
    for (let i = 0; i < D; i++) draws[i][k] = zz[i];
  }
  for (let i = 0; i < D; i++) {
    const s = draws[i].sort();
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    z[i] = s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }
}
