import { asTensor, type Tensor } from "./ops.js";

/**
 * Real-DFT matrices for length n, as dense `[n, n/2 + 1]` tensors: for a row vector x,
 * `matmul(x, cos)` is Re rfft(x) and `matmul(x, sin)` is −Im rfft(x) (NumPy's convention
 * X_k = Σ_j x_j e^{−2πi jk/n}). O(n²), which is exact to rounding and fine for the event sizes used in models.
 */
export function rfftMatrices(n: number): { cos: Tensor; sin: Tensor } {
  const m = Math.floor(n / 2) + 1;
  const c: number[][] = [];
  const s: number[][] = [];
  for (let j = 0; j < n; j++) {
    const cr: number[] = [];
    const sr: number[] = [];
    for (let k = 0; k < m; k++) {
      // reduce jk mod n first so the angle stays small and exact
      const a = (2 * Math.PI * ((j * k) % n)) / n;
      cr.push(Math.cos(a));
      sr.push(Math.sin(a));
    }
    c.push(cr);
    s.push(sr);
  }
  return { cos: asTensor(c), sin: asTensor(s) };
}

/**
 * Weights wₖ of the half spectrum k = 0 … ⌊n/2⌋ in a full-spectrum sum: 1 for k = 0 and (n even) k = n/2,
 * 2 otherwise, so Σ_{k<n} f(X_k) = Σ_k wₖ f(X_k) for a real signal.
 */
export function halfSpectrumWeights(n: number): number[] {
  const m = Math.floor(n / 2) + 1;
  return Array.from({ length: m }, (_, k) => (k === 0 || (n % 2 === 0 && k === n / 2) ? 1 : 2));
}

/**
 * The `[m, n]` matrix of the inverse real DFT of a real (zero-imaginary) half spectrum:
 * `matmul(h, irfftReal(n))` is NumPy's `irfft(h, n)` for real h.
 */
export function irfftRealMatrix(n: number): Tensor {
  const m = Math.floor(n / 2) + 1;
  const w = halfSpectrumWeights(n);
  const rows: number[][] = [];
  for (let k = 0; k < m; k++) {
    const r: number[] = [];
    for (let j = 0; j < n; j++) r.push((w[k]! * Math.cos((2 * Math.PI * ((j * k) % n)) / n)) / n);
    rows.push(r);
  }
  return asTensor(rows);
}
