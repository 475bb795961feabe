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
  // convolve2d(mode="same", boundary="symm") by scattering: the grid is extended by its mirror images as far
  // as the kernel reaches, and each non-empty extended cell adds the kernel around itself (most cells are
  // empty, so this is far cheaper than the direct sum; the result is the same up to summation order).
  const out = new Float64Array(nx * ny);
  const offR = (kny - 1) >> 1;
  const offC = (knx - 1) >> 1;
  for (let p = -kny; p < nx + kny; p++) {
    const gi = reflect(p, nx) * ny;
    for (let q = -knx; q < ny + knx; q++) {
      const v = G[gi + reflect(q, ny)]!;
      if (v === 0) continue;
      const a0 = Math.max(0, offR - p);
      const a1 = Math.min(kny - 1, nx - 1 - p + offR);
      const b0 = Math.max(0, offC - q);
      const b1 = Math.min(knx - 1, ny - 1 - q + offC);
      for (let a = a0; a <= a1; a++) {
        const row = (p - offR + a) * ny + (q - offC);
        const kr = a * knx;
        for (let b = b0; b <= b1; b++) out[row + b]! += K[kr + b]! * v;
      }
    }
  }
  const normDet = (2 * Math.PI) ** 2 * det;
  const norm = n * dx * dy * Math.sqrt(normDet);
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return { density: out, nx, ny, xmin, xmax, ymin, ymax };
}
