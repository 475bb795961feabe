import { ConstraintError } from "@phlox/tensor";
/** Small dense linear algebra on row-major Float64Array n×n matrices (mass-matrix sizes, O(n³) is fine). */

/** Lower Cholesky factor of a symmetric positive-definite `a`; throws naming `what` if not SPD. */
export function cholesky(a: Float64Array, n: number, what: string): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) {
      throw new ConstraintError(
        "not-positive-definite",
        `${what}: matrix is not positive definite (pivot ${j} = ${d}). Pass a symmetric positive-definite matrix.`,
      );
    }
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Inverse of a lower-triangular matrix (lower-triangular result). */
export function invertLower(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    inv[j * n + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k] * inv[k * n + j];
      inv[i * n + j] = s / l[i * n + i];
    }
  }
  return inv;
}

/** Inverse of an SPD matrix through its Cholesky factor: A⁻¹ = L⁻ᵀ L⁻¹. */
export function invertSpd(a: Float64Array, n: number, what: string): Float64Array {
  const li = invertLower(cholesky(a, n, what), n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i] * li[k * n + j];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
