/**
 * Allocation-free linear-algebra kernels called by generated code. They write into `out`, which
 * never aliases an input.
 */

/**
 * Lower Cholesky factor of each `n×n` matrix of `a` (row-major, `batch` matrices) into `out`; the
 * strict upper triangle is zero. A matrix that is not positive definite (a pivot ≤ 0 or NaN) gives all-NaN,
 * as the reference kernel of `@phlox/tensor` (and JAX): the same operations in the same order, so the
 * compiled factor equals the eager and interpreted one bit for bit.
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
      if (!(s > 0)) {
        out.fill(Number.NaN, o, o + nn);
        break;
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
  // N[i, k] = A[i·sI + k·sK]
  const sI = tr ? 1 : n;
  const sK = tr ? n : 1;
  for (let bt = 0; bt < batch; bt++) {
    const ab = aOff + bt * nn;
    const ob = bt * nm;
    for (let i = 0; i < nm; i++) out[ob + i] = b[bOff + ob + i] as number;
    if (leftSide && m > 1) {
      // rows of X are contiguous: row_i = (row_i − Σ_k N[i,k]·row_k) / N[i,i]
      for (let s = 0; s < n; s++) {
        const i = effLower ? s : n - 1 - s;
        const oi = ob + i * m;
        const k0 = effLower ? 0 : i + 1;
        const k1 = effLower ? i : n;
        for (let k = k0; k < k1; k++) {
          const nik = a[ab + i * sI + k * sK] as number;
          const ok = ob + k * m;
          for (let c = 0; c < m; c++) out[oi + c] = (out[oi + c] as number) - nik * (out[ok + c] as number);
        }
        const d = a[ab + i * sI + i * sK] as number;
        for (let c = 0; c < m; c++) out[oi + c] = (out[oi + c] as number) / d;
      }
      continue;
    }
    // one system per column (leftSide, m = 1) or per row (right side): x is contiguous or strided by m
    const xs = leftSide ? m : 1;
    const cs = leftSide ? 1 : n;
    for (let c = 0; c < m; c++) {
      const base = ob + c * cs;
      if (sK === 1) {
        // rows of N are contiguous: x_i = (r_i − Σ_k N[i,k]·x_k) / N[i,i]
        for (let s = 0; s < n; s++) {
          const i = effLower ? s : n - 1 - s;
          const k0 = effLower ? 0 : i + 1;
          const k1 = effLower ? i : n;
          let acc = out[base + i * xs] as number;
          const ai = ab + i * n;
          for (let k = k0; k < k1; k++) acc -= (a[ai + k] as number) * (out[base + k * xs] as number);
          out[base + i * xs] = acc / (a[ai + i] as number);
        }
      } else {
        // columns of N are contiguous: x_k = r_k / N[k,k], then r_i −= N[i,k]·x_k for the rows still to solve
        for (let s = 0; s < n; s++) {
          const k = effLower ? s : n - 1 - s;
          const ak = ab + k * n;
          const xk = (out[base + k * xs] as number) / (a[ak + k] as number);
          out[base + k * xs] = xk;
          const i0 = effLower ? k + 1 : 0;
          const i1 = effLower ? n : k;
          for (let i = i0; i < i1; i++)
            out[base + i * xs] = (out[base + i * xs] as number) - (a[ak + i] as number) * xk;
        }
      }
    }
  }
}

/**
 * The cholesky VJP in one pass (Murray 2016, unblocked reverse mode, about n³/3 flops): from L (lower) and
 * the cotangent Ḡ of L (its lower triangle is read), writes the symmetric cotangent of A into `out`, equal
 * to sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹) of the generic formula, for each of `batch` matrices.
 */
export function choleskyGrad(
  out: Float64Array | Float32Array,
  L: ArrayLike<number>,
  lOff: number,
  G: ArrayLike<number>,
  gOff: number,
  batch: number,
  n: number,
): void {
  const nn = n * n;
  for (let bt = 0; bt < batch; bt++) {
    const o = bt * nn;
    const l = lOff + o;
    const gg = gOff + o;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) out[o + i * n + j] = j <= i ? (G[gg + i * n + j] as number) : 0;
    for (let j = n - 1; j >= 0; j--) {
      const d = L[l + j * n + j] as number;
      let s = 0;
      for (let i = j + 1; i < n; i++) s += (L[l + i * n + j] as number) * (out[o + i * n + j] as number);
      let dbar = ((out[o + j * n + j] as number) - s / d) / d;
      for (let i = j + 1; i < n; i++) out[o + i * n + j] = (out[o + i * n + j] as number) / d;
      // rbar −= dbar·r + cbarᵀ B ;  Bbar −= cbar rᵀ  (r = L[j, :j], B = L[j+1:, :j], c = L[j+1:, j])
      const rj = o + j * n;
      const lj = l + j * n;
      for (let k = 0; k < j; k++) out[rj + k] = (out[rj + k] as number) - dbar * (L[lj + k] as number);
      for (let i = j + 1; i < n; i++) {
        const cb = out[o + i * n + j] as number;
        const ri = o + i * n;
        const li = l + i * n;
        for (let k = 0; k < j; k++) {
          out[rj + k] = (out[rj + k] as number) - cb * (L[li + k] as number);
          out[ri + k] = (out[ri + k] as number) - cb * (L[lj + k] as number);
        }
      }
      dbar /= 2;
      out[rj + j] = dbar;
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) {
        const v = (out[o + i * n + j] as number) / 2;
        out[o + i * n + j] = v;
        out[o + j * n + i] = v;
      }
  }
}
