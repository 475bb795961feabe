import { PlotsError } from "../errors.js";
import { type KdeOptions, type KdeResult, kde } from "../stats/kde.js";
import { extentOf, type Panel } from "./panel.js";

/** ArviZ's default credible mass (`rcParams["stats.ci_prob"]`). */
export const HDI_PROB = 0.94;

/** Checks an `hdiProb` option. */
export function checkProb(p: number, where: string, name = "hdiProb"): number {
  if (!(p > 0 && p <= 1))
    throw new PlotsError("invalid-argument", `${where}: ${name} must lie in (0, 1], got ${p}.`);
  return p;
}

/** KDE, or undefined for constant draws (drawn as a vertical line instead). */
export function tryKde(x: ArrayLike<number>, options?: KdeOptions): KdeResult | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  if (!(lo < hi) || x.length < 2) return undefined;
  return kde(x, options);
}

/** ArviZ's `default_grid`: up to 3 columns for ≤ 9 panels... then 4. */
export function defaultCols(n: number, cols?: number): number {
  if (cols !== undefined) {
    if (!(Number.isInteger(cols) && cols >= 1))
      throw new PlotsError("invalid-argument", `cols must be a positive integer, got ${cols}.`);
    return Math.min(cols, Math.max(n, 1));
  }
  if (n <= 3) return Math.max(n, 1);
  if (n === 4) return 2;
  return n <= 9 ? 3 : 4;
}

/** Splits panels into rows of `cols`. */
export function toRows<T>(items: readonly T[], cols: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += cols) rows.push(items.slice(i, i + cols));
  return rows;
}

/** Panel size for a grid, from `figsize` when given. */
export function panelSize(
  rows: number,
  cols: number,
  figsize: readonly [number, number] | undefined,
  def: readonly [number, number],
): [number, number] {
  if (!figsize) return [def[0], def[1]];
  const [w, h] = figsize;
  if (!(w > 0 && h > 0))
    throw new PlotsError("invalid-argument", `figsize must be two positive numbers, got [${w}, ${h}].`);
  return [Math.max(120, w / cols), Math.max(90, h / rows)];
}

/** The x range and max density of several KDEs and raw draws (for shared axes). */
export function kdeExtent(
  kdes: readonly (KdeResult | undefined)[],
  raw: readonly ArrayLike<number>[],
): { x: [number, number]; yMax: number } {
  let yMax = 0;
  const xs: ArrayLike<number>[] = [...raw];
  for (const k of kdes) {
    if (!k) continue;
    xs.push(k.grid);
    for (const v of k.pdf) if (v > yMax) yMax = v;
  }
  return { x: extentOf(...xs), yMax: yMax > 0 ? yMax : 1 };
}

/** Draws one KDE (or a vertical line for constant draws) into a panel. */
export function drawDensity(
  p: Panel,
  k: KdeResult | undefined,
  x: ArrayLike<number>,
  style: {
    stroke: string;
    cls: string;
    data?: Record<string, string | number>;
    dash?: string;
    width?: number;
  },
): void {
  if (k) p.line(k.grid, k.pdf, style);
  else p.vline(x[0] ?? 0, { ...style });
}

/** Formats a number as ArviZ's labels do (3 significant digits, or fixed for large values). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(3)).toString();
}

/** Mean. */
export function meanOf(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Median (linear interpolation). */
export function medianOf(x: ArrayLike<number>): number {
  const s = Float64Array.from(x).sort();
  const m = (s.length - 1) / 2;
  return (s[Math.floor(m)] + s[Math.ceil(m)]) / 2;
}
