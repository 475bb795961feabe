import { PlotsError } from "../errors.js";

/** A 2-D density on a regular grid (`density[i * ny + j]` at x index i, y index j). */
export interface Kde2dResult {
  density: Float64Array;
  nx: number;
  ny: number;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function reflect(k: number, n: number): number {
  let i = k;
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
  return i;
}

/**
 * ArviZ's `_fast_kde_2d` (the density behind `plot_pair(kind="kde")` and `plot_kde` of two variables):
 * draws binned on a 128 × 128 grid, a Gaussian kernel with Scott's factor and the binned covariance,
 * convolved with symmetric boundaries.
 * @param x - first coordinate of each draw.
 * @param y - second coordinate (same length).
 * @param gridsize - grid points per axis; default [128, 128].
 * @returns the density grid and its limits.
 * @throws PlotsError for unequal lengths, fewer than 3 finite pairs, or a constant coordinate.
 */
export function kde2d(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  gridsize: readonly [number, number] = [128, 128],
): Kde2dResult {
  if (x.length !== y.length)
    throw new PlotsError("invalid-input", `kde2d(x, y): x has ${x.length} values, y ${y.length}.`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  const n = xs.length;
  if (n < 3) throw new PlotsError("too-few-draws", `kde2d(x, y): needs at least 3 finite pairs, got ${n}.`);
  const [nx, ny] = gridsize;
  let xmin = Number.POSITIVE_INFINITY;
  let xmax = Number.NEGATIVE_INFINITY;
  let ymin = Number.POSITIVE_INFINITY;
  let ymax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    xmin = Math.min(xmin, xs[i]!);
    xmax = Math.max(xmax, xs[i]!);
    ymin = Math.min(ymin, ys[i]!);
    ymax = Math.max(ymax, ys[i]!);
  }
  if (!(xmin < xmax && ymin < ymax))
    throw new PlotsError(
      "invalid-input",
      "kde2d(x, y): a coordinate is constant; a 2-D density needs spread in both.",
    );
  const dx = (xmax - xmin) / (nx - 1);
  const dy = (ymax - ymin) / (ny - 1);
  const xi = new Float64Array(n);
  const yi = new Float64Array(n);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    xi[i] = Math.floor((xs[i]! - xmin) / dx);
    yi[i] = Math.floor((ys[i]! - ymin) / dy);
    mx += xi[i]!;
    my += yi[i]!;
  }
  mx /= n;
  my /= n;
  let cxx = 0;
  let cxy = 0;
  let cyy = 0;
  for (let i = 0; i < n; i++) {
    const a = xi[i]! - mx;
    const b = yi[i]! - my;
    cxx += a * a;
    cxy += a * b;
    cyy += b * b;
  }
  cxx /= n - 1;
  cxy /= n - 1;
  cyy /= n - 1;
  const sf = n ** (-1 / 6);
  const knx = roundHalfEven(sf * 2 * Math.PI * Math.sqrt(cxx));
  const kny = roundHalfEven(sf * 2 * Math.PI * Math.sqrt(cyy));
  const s2 = sf * sf;
  const a00 = cxx * s2;
  const a01 = cxy * s2;
  const a11 = cyy * s2;
  const det = a00 * a11 - a01 * a01;
  const i00 = a11 / det;
  const i01 = -a01 / det;
  const i11 = a00 / det;
  // kernel[r][c]: r over y offsets (kny rows), c over x offsets (knx cols), as ArviZ's meshgrid
  const K = new Float64Array(kny * knx);
  for (let r = 0; r < kny; r++) {
    const yy = r - kny / 2;
    for (let c = 0; c < knx; c++) {
      const xx = c - knx / 2;
      K[r * knx + c] = Math.exp(-((i00 * xx + i01 * yy) * xx + (i01 * xx + i11 * yy) * yy) / 2);
    }
  }
  const G = new Float64Array(nx * ny);
  for (let i = 0; i < n; i++) G[xi[i]! * ny + yi[i]!]! += 1;
  const out = new Float64Array(nx * ny);
  const offR = (kny - 1) >> 1;
  const offC = (knx - 1) >> 1;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      let s = 0;
      for (let a = 0; a < kny; a++) {
        const gi = reflect(i + offR - a, nx) * ny;
        for (let b = 0; b < knx; b++) {
          const v = G[gi + reflect(j + offC - b, ny)]!;
          if (v !== 0) s += K[a * knx + b]! * v;
        }
      }
      out[i * ny + j] = s;
    }
  }
  const normDet = (2 * Math.PI) ** 2 * det;
  const norm = n * dx * dy * Math.sqrt(normDet);
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return { density: out, nx, ny, xmin, xmax, ymin, ymax };
}
