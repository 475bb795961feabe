// The text of `print(az.summary(idata))`: ArviZ's default rounding (3 decimals, ESS to integers, R̂ to 2
// decimals, numpy's round-half-even of x·10^d) printed as pandas prints a float DataFrame (`to_string()`:
// headers get a leading space, each column in "% .6f" with the trailing zeros every value shares trimmed, or "% .6e" when some value is
// below 1e-6 or above 1e6 and too wide; columns right-aligned and joined by one space; labels left-aligned).

import type { Samples } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { type ArvizSummaryRow, type SummaryOptions, summaryArviz } from "./summary.js";

/** Options of {@link formatArvizSummary}. */
export interface ArvizSummaryPrintOptions extends SummaryOptions {
  /**
   * Which columns, as `az.summary(kind=...)`: "all" (default), "stats" (mean, sd, HDI) or "diagnostics"
   * (MCSE, ESS, R̂).
   */
  kind?: "all" | "stats" | "diagnostics";
}

type Column = [header: string, decimals: number, value: (r: ArvizSummaryRow) => number];

/** numpy's `round(x, d)`: rint(x·10^d) / 10^d, ties to even. */
function npRound(x: number, d: number): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** d;
  const y = x * f;
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1; // Math.round breaks ties up; rint to even
  return r / f;
}

/** Python's `format(x, "g")` (6 significant digits, no trailing zeros) for the HDI column labels. */
function pyG(x: number): string {
  const s = x.toPrecision(6);
  return s.includes("e") ? s : s.replace(/\.?0+$/, "");
}

function signed(v: number, body: string): string {
  return (v < 0 || Object.is(v, -0) ? "-" : " ") + body;
}

/** Python's `"{: .6f}"` / `"{: .6e}"` of one value (NaN as pandas' "NaN"). */
function pyFormat(v: number, exp: boolean): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? " inf" : "-inf";
  const a = Math.abs(v);
  if (!exp) return signed(v, a.toFixed(6));
  const [m, e] = a.toExponential(6).split("e");
  const n = Number(e);
  return signed(v, `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`);
}

/** pandas' `_trim_zeros_float`: drop trailing zeros all fixed-point numbers share, keep one decimal. */
function trimZeros(xs: string[]): string[] {
  const isNum = (x: string): boolean => /^\s*[+-]?[0-9]+\.[0-9]*$/.test(x);
  let out = xs;
  const shouldTrim = (vs: string[]): boolean => {
    const nums = vs.filter(isNum);
    return nums.length > 0 && nums.every((x) => x.endsWith("0"));
  };
  while (shouldTrim(out)) out = out.map((x) => (isNum(x) ? x.slice(0, -1) : x));
  return out.map((x) => (isNum(x) && x.endsWith(".") ? `${x}0` : x));
}

/** pandas' FloatArrayFormatter (precision 6) for one column. */
function formatColumn(values: number[]): string[] {
  let out = trimZeros(values.map((v) => pyFormat(v, false)));
  const maxLen = Math.max(0, ...out.map((s) => s.length));
  const abs = values.map(Math.abs);
  const large = abs.some((a) => a > 1e6);
  const small = abs.some((a) => a < 1e-6 && a > 0);
  if (small || (maxLen > 12 && large)) out = trimZeros(values.map((v) => pyFormat(v, true)));
  return out;
}

/**
 * ArviZ's summary table as `print(az.summary(idata))` shows it (unelided, as pandas prints it when the
 * terminal is wide enough: `az.summary(idata).to_string()`): rows `mu`, `theta[0]`, `w[0, 1]`, columns mean,
 * sd, hdi_3%, hdi_97%, mcse_mean, mcse_sd, ess_bulk, ess_tail, r_hat with ArviZ's default rounding.
 * @param samples - `{ name: { data, shape: [chain, draw, ...] } }` (a posterior).
 * @param options - `prob` (HDI mass, default 0.94 as ArviZ's `hdi_prob`), `kind`, `groupByChain`.
 * @returns the table text, without a trailing newline.
 * @throws DiagnosticsError for fewer than 4 draws, ragged chains, a bad prob or a bad kind.
 * @example
 * const x = { mu: [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4], [0.2, 0.0, -0.2, 0.3, 0.1, -0.4]] };
 * formatArvizSummary(x).split("\n")[0]; // → "     mean     sd  hdi_3%  hdi_97%  mcse_mean  mcse_sd  ess_bulk  ess_tail  r_hat"
 */
export function formatArvizSummary(samples: Samples, options: ArvizSummaryPrintOptions = {}): string {
  const kind = options.kind ?? "all";
  if (kind !== "all" && kind !== "stats" && kind !== "diagnostics") {
    throw new DiagnosticsError(
      "invalid-argument",
      `formatArvizSummary(samples, { kind }): kind must be "all", "stats" or "diagnostics", got ${JSON.stringify(kind)}.`,
    );
  }
  const rows = summaryArviz(samples, options);
  const alpha = 1 - (options.prob ?? 0.94);
  const stats: Column[] = [
    ["mean", 3, (r) => r.mean],
    ["sd", 3, (r) => r.sd],
    [`hdi_${pyG((100 * alpha) / 2)}%`, 3, (r) => r.hdiLower],
    [`hdi_${pyG(100 * (1 - alpha / 2))}%`, 3, (r) => r.hdiUpper],
  ];
  const diagnostics: Column[] = [
    ["mcse_mean", 3, (r) => r.mcseMean],
    ["mcse_sd", 3, (r) => r.mcseSd],
    ["ess_bulk", 0, (r) => r.essBulk],
    ["ess_tail", 0, (r) => r.essTail],
    ["r_hat", 2, (r) => r.rHat],
  ];
  const columns =
    kind === "stats" ? stats : kind === "diagnostics" ? diagnostics : [...stats, ...diagnostics];
  const labels = rows.map((r) => r.label.replace(/,/g, ", "));
  const labelWidth = Math.max(0, ...labels.map((l) => l.length));
  const cols = columns.map(([header, d, get]) => {
    const cells = formatColumn(rows.map((r) => npRound(get(r), d)));
    const head = ` ${header}`; // pandas puts a space before a numeric column's header
    const width = Math.max(head.length, ...cells.map((c) => c.length));
    return { header: head.padStart(width), cells: cells.map((c) => c.padStart(width)) };
  });
  const lines = [[" ".repeat(labelWidth), ...cols.map((c) => c.header)].join(" ")];
  rows.forEach((_, i) => {
    lines.push([labels[i].padEnd(labelWidth), ...cols.map((c) => c.cells[i])].join(" "));
  });
  return lines.join("\n");
}

/**
 * Prints {@link formatArvizSummary}'s table with `console.log` (as `print(az.summary(idata))`) and returns it.
 * @param samples - as {@link formatArvizSummary}.
 * @param options - `prob`, `kind`, `groupByChain`.
 * @returns the printed string.
 * @throws DiagnosticsError as {@link formatArvizSummary}.
 * @example
 * printArvizSummary({ mu: [[0.1, -0.3, 0.5, 0.2, -0.1, 0.4]] }, { kind: "stats" }).includes("hdi_97%"); // → true
 */
export function printArvizSummary(samples: Samples, options: ArvizSummaryPrintOptions = {}): string {
  const text = formatArvizSummary(samples, options);
  console.log(text);
  return text;
}
