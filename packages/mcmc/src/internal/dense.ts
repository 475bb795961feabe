/** Sample moments and products of row-major Float64Array matrices, for combining sub-posteriors (factorisations: ./linalg.ts). */

/** C = A·B for d×d row-major matrices. */
export function matmul(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k];
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) c[i * d + j] += aik * b[k * d + j];
    }
  }
  return c;
}

/** Column means of an n×d row-major matrix. */
export function columnMeans(x: Float64Array, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) m[j] += x[r * d + j];
  for (let j = 0; j < d; j++) m[j] /= n;
  return m;
}

/** Sample covariance (ddof 1) of an n×d row-major matrix, d×d row-major. */
export function sampleCovariance(x: Float64Array, n: number, d: number): Float64Array {
  const m = columnMeans(x, n, d);
  const c = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) row[j] = x[r * d + j] - m[j];
    for (let i = 0; i < d; i++) {
      const ri = row[i];
      for (let j = 0; j <= i; j++) c[i * d + j] += ri * row[j];
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = c[i * d + j] / (n - 1);
      c[i * d + j] = v;
      c[j * d + i] = v;
    }
  }
  return c;
}
