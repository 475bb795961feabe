/** Per-column means and sds (ddof 1) of n×d row-major draws. */
export function columnMeansAndSds(x: Float64Array, d: number): { mean: number[]; sd: number[] } {
  const n = x.length / d;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += x[r * d + j] / n;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) sd[j] += (x[r * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] / (n - 1));
  return { mean, sd };
}
