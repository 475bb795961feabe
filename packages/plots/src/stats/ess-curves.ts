import { essBulk, essMean, essQuantile, essTail, mcseQuantile, quantile } from "@phlox/diagnostics";

/** `np.linspace(a, b, n)` (endpoint included). */
export function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = a;
    return out;
  }
  const step = (b - a) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + a;
  out[n - 1] = b;
  return out;
}

/**
 * Local ESS: the ESS of the indicator of draws between the quantiles `prob[0]` and `prob[1]` (ArviZ
 * `ess(method="local")`).
 * @param data - draws, row-major `[chain, draw]`.
 * @param numChains - number of chains.
 * @param prob - the lower and upper probability.
 * @returns the effective sample size.
 */
export function essLocal(data: Float64Array, numChains: number, prob: readonly [number, number]): number {
  const [lo, hi] = quantile(data, [prob[0], prob[1]]);
  const ind = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) ind[i] = lo <= data[i] && data[i] <= hi ? 1 : 0;
  return essMean({ data: ind, shape: [numChains, data.length / numChains] })[0];
}

/** One curve of `plotEss`/`plotMcse`: x positions and values. */
export interface Curve {
  x: Float64Array;
  y: Float64Array;
}

/** ArviZ's `plot_ess(kind="local")` values: local ESS over `nPoints` consecutive quantile intervals. */
export function essLocalCurve(data: Float64Array, numChains: number, nPoints = 20): Curve {
  const x = new Float64Array(nPoints);
  const y = new Float64Array(nPoints);
  for (let i = 0; i < nPoints; i++) {
    x[i] = i / nPoints;
    y[i] = essLocal(data, numChains, [x[i], x[i] + 1 / nPoints]);
  }
  return { x, y };
}

/** ArviZ's `plot_ess(kind="quantile")` values: quantile ESS at probabilities 1/n … 1 − 1/n. */
export function essQuantileCurve(data: Float64Array, numChains: number, nPoints = 20): Curve {
  const x = linspace(1 / nPoints, 1 - 1 / nPoints, nPoints);
  const d = { data, shape: [numChains, data.length / numChains] };
  return { x, y: x.map((p) => essQuantile(d, p)[0]) };
}

/** ArviZ's `plot_mcse` values: quantile MCSE at probabilities 1/n … 1 − 1/n. */
export function mcseQuantileCurve(data: Float64Array, numChains: number, nPoints = 20): Curve {
  const x = linspace(1 / nPoints, 1 - 1 / nPoints, nPoints);
  const d = { data, shape: [numChains, data.length / numChains] };
  return { x, y: x.map((p) => mcseQuantile(d, p)[0]) };
}

/** ArviZ's `plot_ess(kind="evolution")` values: bulk and tail ESS of growing prefixes of every chain. */
export interface EssEvolution {
  /** Total draws (all chains) at each step, as ArviZ's x axis. */
  x: Float64Array;
  /** Draws per chain used at each step. */
  draws: Int32Array;
  bulk: Float64Array;
  tail: Float64Array;
}

/**
 * Bulk and tail ESS of the first draws of each chain, at `nPoints` steps. Like ArviZ (which selects with an
 * inclusive label slice), step k keeps draws 0 … ⌊linspace(D // n, D, n)_k⌋ of each chain.
 * @param data - draws, row-major `[chain, draw]`.
 * @param numChains - number of chains.
 * @param nPoints - number of steps; default 20.
 * @returns x positions (total draws) and the two ESS series.
 */
export function essEvolution(data: Float64Array, numChains: number, nPoints = 20): EssEvolution {
  const D = data.length / numChains;
  const divs = linspace(Math.floor(D / nPoints), D, nPoints);
  const x = linspace((numChains * D) / nPoints, numChains * D, nPoints);
  const draws = new Int32Array(nPoints);
  const bulk = new Float64Array(nPoints);
  const tail = new Float64Array(nPoints);
  for (let k = 0; k < nPoints; k++) {
    const m = Math.min(Math.trunc(divs[k]) + 1, D);
    draws[k] = m;
    const sub = new Float64Array(numChains * m);
    for (let c = 0; c < numChains; c++) sub.set(data.subarray(c * D, c * D + m), c * m);
    const d = { data: sub, shape: [numChains, m] };
    bulk[k] = m >= 4 ? essBulk(d)[0] : Number.NaN;
    tail[k] = m >= 4 ? essTail(d)[0] : Number.NaN;
  }
  return { x, draws, bulk, tail };
}
