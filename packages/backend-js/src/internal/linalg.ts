/**
 * Allocation-free linear-algebra kernels called by generated code. They write into `out`, which
 * never aliases an input.
 */

/**
 * Lower Cholesky factor of each `n×n` matrix of `a` (row-major, `batch` matrices) into `out`; the
 * strict upper triangle is zero. A matrix that is not positive definite yields NaN entries.
 */
export function cholesky(
  out: Float64Array | Float32Array,
  a: ArrayLike<number>,
  aOff: number,
  batch: number,
  n: number,
): void {
  const nn = n * n;
  for (let b = 0; b < batch; b++) {
    const o = b * nn;
    const ao = aOff + o;
    for (let j = 0; j < n; j++) {
      let s = a[ao + j * n + j] as number;
      for (let k = 0; k < j; k++) {
        const l = out[o + j * n + k] as number;
        s -= l * l;
      }
      const d = Math.sqrt(s);
      out[o + j * n + j] = d;
      for (let i = j + 1; i < n; i++) {
        let t = a[ao + i * n + j] as number;
        for (let k = 0; k < j; k++) t -= (out[o + i * n + k] as number) * (out[o + j * n + k] as number);
        out[o + i * n + j] = t / d;
      }
      for (let i = 0; i < j; i++) out[o + i * n + j] = 0;
    }
  }
}

/**
 * Solves `op(A) X = B` (leftSide) or `X op(A) = B` for each batch, where `op(A)` is `A` or `Aᵀ`
 * and `A` is lower or upper triangular; `B` (and `X`, written into `out`) is `n×m` (leftSide) or
 * `m×n`.
 */
export function triangularSolve(
  out: Float64Array | Float32Array,
  a: ArrayLike<number>,
  aOff: number,
  b: ArrayLike<number>,
  bOff: number,
  batch: number,
  n: number,
  m: number,
  lower: boolean,
  transposeA: boolean,
  leftSide: boolean,
): void {
  const nn = n * n;
  const nm = n * m;
  // The system for each column (leftSide) or row (right side) is N x = rhs with N = op(A) or op(A)ᵀ.
  const tr = leftSide ? transposeA : !transposeA;
  const effLower = tr ? !lower : lower;
  for (let bt = 0; bt < batch; bt++) {
    const ab = aOff + bt * nn;
    const ob = bt * nm;
    for (let i = 0; i < nm; i++) out[ob + i] = b[bOff + ob + i] as number;
    // element (i, j) of x for the c-th system lives at ob + (leftSide ? i*m + c : c*n + i)
    const xs = leftSide ? m : 1;
    const cs = leftSide ? 1 : n;
    for (let c = 0; c < m; c++) {
      const base = ob + c * cs;
      if (effLower) {
        for (let i = 0; i < n; i++) {
          let s = out[base + i * xs] as number;
          for (let k = 0; k < i; k++) {
            const nik = tr ? (a[ab + k * n + i] as number) : (a[ab + i * n + k] as number);
            s -= nik * (out[base + k * xs] as number);
          }
          out[base + i * xs] = s / (a[ab + i * n + i] as number);
        }
      } else {
        for (let i = n - 1; i >= 0; i--) {
          let s = out[base + i * xs] as number;
          for (let k = i + 1; k < n; k++) {
            const nik = tr ? (a[ab + k * n + i] as number) : (a[ab + i * n + k] as number);
            s -= nik * (out[base + k * xs] as number);
          }
          out[base + i * xs] = s / (a[ab + i * n + i] as number);
        }
      }
    }
  }
}
