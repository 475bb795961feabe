import {
  BLOCK,
  type ChainDraws,
  elementIndex,
  elementLabel,
  gatherBlock,
  type Samples,
  toChainDraws,
  toFlat,
} from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { arvizDiagnostics } from "./internal/arviz-summary.js";
import { type Workspace, workspace } from "./internal/core.js";
import { numpyroSummaryColumns, SUMMARY_STRIDE } from "./internal/numpyro-summary.js";
import { pivotOf } from "./internal/pivot.js";
import { hpdiSorted } from "./intervals.js";

/** Options of {@link summary} and {@link printSummary}. */
export interface SummaryOptions {
  /** Mass of the HPDI columns, in (0, 1); default 0.9 (columns "5.0%" and "95.0%"). */
  prob?: number;
  /** True (default): arrays are `[chain, draw, ...]`. False: `[draw, ...]`, treated as one chain. */
  groupByChain?: boolean;
}

/** One row of {@link summary}: NumPyro's columns for one element of one variable. */
export interface SummaryRow {
  /** Row label, `name` for scalars and `name[i,j]` for elements (0-based, NumPyro style). */
  label: string;
  /** Variable name. */
  variable: string;
  /** Element index within the variable (empty for a scalar). */
  index: number[];
  mean: number;
  /** Sample standard deviation (ddof = 1). */
  std: number;
  median: number;
  /** Lower end of the HPDI of mass `prob`. */
  hpdiLower: number;
  /** Upper end of the HPDI of mass `prob`. */
  hpdiUpper: number;
  /** NumPyro's effective sample size ({@link effectiveSampleSize}). */
  nEff: number;
  /** NumPyro's split Gelman–Rubin R̂ ({@link splitGelmanRubin}). */
  rHat: number;
}

/** One row of {@link summaryArviz}: ArviZ's `az.summary` columns (stat_focus "mean"). */
export interface ArvizSummaryRow {
  label: string;
  variable: string;
  index: number[];
  mean: number;
  sd: number;
  hdiLower: number;
  hdiUpper: number;
  mcseMean: number;
  mcseSd: number;
  essBulk: number;
  essTail: number;
  rHat: number;
}

function prepare(samples: Samples, options: SummaryOptions, where: string): [string, ChainDraws][] {
  const groupByChain = options.groupByChain ?? true;
  const out: [string, ChainDraws][] = [];
  for (const [name, value] of Object.entries(samples)) {
    const w = `${where}: variable "${name}"`;
    let cd: ChainDraws;
    if (groupByChain) cd = toChainDraws(value, w);
    else {
      const flat = toFlat(value, w);
      cd = toChainDraws({ data: flat.data, shape: [1, ...flat.shape] }, w);
    }
    out.push([name, cd]);
  }
  return out;
}

function checkSummaryProb(prob: number, where: string): void {
  if (!(prob > 0 && prob < 1)) {
    throw new DiagnosticsError("invalid-argument", `${where}: prob must lie in (0, 1), got ${prob}.`);
  }
}

/** One element's draws, as {@link mapElements} hands them to a row builder. */
interface ElementDraws {
  /** Variable name. */
  name: string;
  /** The variable's draws. */
  cd: ChainDraws;
  /** Row-major element index within the variable. */
  e: number;
  /** The element's `numChains * numDraws` draws, chain-major: a view into a block reused for later elements. */
  x: Float64Array;
  /** Mean of `x`. */
  mean: number;
  /** Sum of squared deviations of `x` from `mean`. */
  ss: number;
  /** Scratch space of the ESS and R̂ kernels, sized for this variable. */
  ws: Workspace;
  /** Scratch array of length `x.length`, free for the row builder to overwrite. */
  sorted: Float64Array;
}

/**
 * Walks every element of every variable (insertion order, row-major), gathering its draws in blocks, and
 * collects `row(draws)` for each.
 */
function mapElements<R>(
  samples: Samples,
  options: SummaryOptions,
  where: string,
  row: (draws: ElementDraws) => R,
): R[] {
  const rows: R[] = [];
  for (const [name, cd] of prepare(samples, options, where)) {
    const C = cd.numChains;
    const D = cd.numDraws;
    const n = C * D;
    const block = new Float64Array(BLOCK * n);
    const ws = workspace(n, C);
    const sorted = new Float64Array(n);
    for (let e = 0; e < cd.numElements; e++) {
      const k = e % BLOCK;
      if (k === 0) gatherBlock(cd, e, Math.min(BLOCK, cd.numElements - e), block);
      const x = block.subarray(k * n, (k + 1) * n);
      const p = pivotOf(x);
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i] - p;
      m /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (x[i] - p - m) * (x[i] - p - m);
      rows.push(row({ name, cd, e, x, mean: p + m, ss, ws, sorted }));
    }
  }
  return rows;
}

/**
 * NumPyro's summary (`numpyro.diagnostics.summary`): per variable and element, the mean, sd, median,
 * HPDI of mass `prob`, NumPyro's n_eff and split R̂.
 * @param samples - `{ name: { data, shape: [chain, draw, ...] } }` (or nested arrays).
 * @param options - `prob` (default 0.9), `groupByChain` (default true).
 * @returns one row per element, variables in insertion order, elements in row-major order.
 * @throws DiagnosticsError for fewer than 4 draws, ragged chains or a bad prob.
 * @example
 * summary({ mu: [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4]] })[0].label; // → "mu"
 */
export function summary(samples: Samples, options: SummaryOptions = {}): SummaryRow[] {
  const prob = options.prob ?? 0.9;
  checkSummaryProb(prob, "summary(samples, { prob })");
  const vars = prepare(samples, options, "summary(samples)");
  let total = 0;
  for (const [, cd] of vars) total += cd.numElements;
  const cols = new Float64Array(SUMMARY_STRIDE * total);
  numpyroSummaryColumns(
    vars.map(([, cd]) => cd),
    prob,
    cols,
  );
  const rows: SummaryRow[] = [];
  let o = 0;
  for (const [name, cd] of vars) {
    for (let e = 0; e < cd.numElements; e++, o += SUMMARY_STRIDE) {
      rows.push({
        label: elementLabel(name, cd.elementShape, e),
        variable: name,
        index: elementIndex(cd.elementShape, e),
        mean: cols[o],
        std: cols[o + 1],
        median: cols[o + 2],
        hpdiLower: cols[o + 3],
        hpdiUpper: cols[o + 4],
        nEff: cols[o + 5],
        rHat: cols[o + 6],
      });
    }
  }
  return rows;
}

/**
 * ArviZ's summary (`az.summary(..., round_to="none")`, stat_focus "mean"): mean, sd, HDI, MCSE of mean
 * and sd, bulk and tail ESS, rank-normalised R̂ (folded around the median of the unsplit draws).
 * @param samples - `{ name: { data, shape: [chain, draw, ...] } }`.
 * @param options - `prob` (HDI mass, default 0.94 as ArviZ), `groupByChain`.
 * @returns one row per element.
 * @throws DiagnosticsError for fewer than 4 draws, ragged chains or a bad prob.
 * @example
 * summaryArviz({ mu: [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4]] })[0].label; // → "mu"
 */
export function summaryArviz(samples: Samples, options: SummaryOptions = {}): ArvizSummaryRow[] {
  const prob = options.prob ?? 0.94;
  checkSummaryProb(prob, "summaryArviz(samples, { prob })");
  const diag = new Float64Array(5);
  return mapElements(
    samples,
    options,
    "summaryArviz(samples)",
    ({ name, cd, e, x, mean, ss, ws, sorted }) => {
      const n = x.length;
      const sd = Math.sqrt(ss / (n - 1));
      sorted.set(x);
      sorted.sort();
      const [lo, hi] = hpdiSorted(sorted, n, prob);
      let hasNaN = false;
      for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) hasNaN = true;
      if (hasNaN) diag.fill(Number.NaN);
      else arvizDiagnostics(x, cd.numChains, cd.numDraws, ws, sorted, diag);
      const [mcseMean, mcseSd, bulk, tail, r] = diag;
      return {
        label: elementLabel(name, cd.elementShape, e),
        variable: name,
        index: elementIndex(cd.elementShape, e),
        mean,
        sd,
        hdiLower: lo,
        hdiUpper: hi,
        mcseMean,
        mcseSd,
        essBulk: bulk,
        essTail: tail,
        rHat: r,
      };
    },
  );
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : " ".repeat(w - s.length) + s;
}

function fmt2(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  return v.toFixed(2);
}

/** Options of {@link formatSummary} and {@link printSummary}. */
export interface PrintSummaryOptions extends SummaryOptions {
  /** Number of divergent transitions; when given, a line "Number of divergences: N" follows the table. */
  divergences?: number;
}

/**
 * Formats {@link summary} as NumPyro's `print_summary` table: right-aligned columns mean, std,
 * median, the HPDI bounds labelled "5.0%"/"95.0%" (from `prob`), n_eff and r_hat, two decimals.
 * @param samples - as {@link summary}.
 * @param options - `prob`, `groupByChain`, `divergences`.
 * @returns the table as a string (leading and trailing blank lines as NumPyro prints them).
 * @throws DiagnosticsError as {@link summary}.
 * @example
 * formatSummary({ mu: [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4]] }).includes("r_hat"); // → true
 */
export function formatSummary(samples: Samples, options: PrintSummaryOptions = {}): string {
  const prob = options.prob ?? 0.9;
  const rows = summary(samples, options);
  const lowLabel = `${(50 * (1 - prob)).toFixed(1)}%`;
  const highLabel = `${(50 * (1 + prob)).toFixed(1)}%`;
  let nameWidth = 10;
  for (const row of rows) nameWidth = Math.max(nameWidth, row.label.length);
  const header = ["mean", "std", "median", lowLabel, highLabel, "n_eff", "r_hat"];
  const lines: string[] = [""];
  lines.push(pad("", nameWidth) + header.map((h) => ` ${pad(h, 9)}`).join(""));
  for (const r of rows) {
    const vals = [r.mean, r.std, r.median, r.hpdiLower, r.hpdiUpper, r.nEff, r.rHat];
    lines.push(pad(r.label, nameWidth) + vals.map((v) => ` ${pad(fmt2(v), 9)}`).join(""));
  }
  lines.push("");
  if (options.divergences !== undefined) lines.push(`Number of divergences: ${options.divergences}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Prints {@link formatSummary}'s table with `console.log` (as NumPyro's `print_summary` and
 * `MCMC.print_summary`) and returns it.
 * @param samples - as {@link summary}.
 * @param options - `prob`, `groupByChain`, `divergences`.
 * @returns the printed string.
 * @throws DiagnosticsError as {@link summary}.
 * @example
 * printSummary({ mu: [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4]] }, { divergences: 0 }).includes("divergences: 0"); // → true
 */
export function printSummary(samples: Samples, options: PrintSummaryOptions = {}): string {
  const text = formatSummary(samples, options);
  console.log(text);
  return text;
}
