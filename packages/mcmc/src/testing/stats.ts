/** Column means and sds (ddof 1) of row-major draws [n·d], for kernel tests. */
export function columnMoments(data: Float64Array, d: number): { mean: number[]; sd: number[] } {
  const n = data.length / d;
  const mean = new Array<number>(d).fill(0);
  const v = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[j] += (data[i * d + j] - mean[j]) ** 2 / (n - 1);
  return { mean, sd: v.map(Math.sqrt) };
}

/** A correlated 3-D Gaussian (zero mean): its covariance [9] and precision [9], row-major. */
export const CORRELATED_3D = {
  cov: [1, 0.8, 0.3, 0.8, 1, 0.5, 0.3, 0.5, 2],
  sd: [1, 1, Math.SQRT2],
};
