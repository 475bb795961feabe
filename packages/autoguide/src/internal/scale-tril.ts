/**
 * NumPyro's `scaled_unit_lower_cholesky` parameterization of a Cholesky factor, for the guides' `scale_tril`
 * parameters: the flat unconstrained block ↔ the lower-triangular matrix L.
 */
import { ConstraintError } from "@phlox/tensor";
import { softplus, softplusInv } from "./math.js";

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** scaled_unit_lower_cholesky: block [W strictly lower by rows, r (n)] → L = diag(softplus(r))(I + W). */
export function sulcForward(block: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  const ro = (n * (n - 1)) / 2;
  for (let i = 0; i < n; i++) {
    const s = softplus(block[ro + i]);
    const wo = (i * (i - 1)) / 2;
    for (let j = 0; j < i; j++) L[i * n + j] = s * block[wo + j];
    L[i * n + i] = s;
  }
  return L;
}

/** The inverse of {@link sulcForward}, into `block`. @throws ConstraintError (a PhloxError) for a non-positive diagonal. */
export function sulcInverse(L: ArrayLike<number>, n: number, block: Float64Array, who: string): void {
  const ro = (n * (n - 1)) / 2;
  for (let i = 0; i < n; i++) {
    const s = L[i * n + i];
    if (!(s > 0))
      throw new ConstraintError(
        "autoguide-scale-tril",
        `${who}: the diagonal must be positive, got ${s} at [${i}, ${i}].`,
      );
    const wo = (i * (i - 1)) / 2;
    for (let j = 0; j < i; j++) block[wo + j] = L[i * n + j] / s;
    block[ro + i] = softplusInv(s);
  }
}

/** {@link sulcForward} over a batch of matrices: `shape` is `[...batch, n, n]`, blocks one after another. */
export function sulcForwardBatched(block: Float64Array, shape: readonly number[]): Float64Array {
  const n = shape[shape.length - 1];
  const nb = prod(shape.slice(0, -2));
  const bs = (n * (n - 1)) / 2 + n;
  const out = new Float64Array(nb * n * n);
  for (let b = 0; b < nb; b++) out.set(sulcForward(block.subarray(b * bs, (b + 1) * bs), n), b * n * n);
  return out;
}

/** {@link sulcInverse} over a batch of matrices of shape `[...batch, n, n]`. */
export function sulcInverseBatched(
  L: ArrayLike<number>,
  shape: readonly number[],
  block: Float64Array,
  who: string,
): void {
  const n = shape[shape.length - 1];
  const nb = prod(shape.slice(0, -2));
  const bs = (n * (n - 1)) / 2 + n;
  const arr = Float64Array.from(L);
  for (let b = 0; b < nb; b++) {
    sulcInverse(
      arr.subarray(b * n * n, (b + 1) * n * n),
      n,
      block.subarray(b * bs, (b + 1) * bs),
      nb > 1 ? `${who} (batch ${b})` : who,
    );
  }
}
