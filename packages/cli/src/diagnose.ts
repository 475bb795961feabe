import type { InferenceData } from "@phlox/arviz-io";
import { type ArvizSummaryRow, summaryArviz } from "@phlox/diagnostics";
import { bfmi } from "@phlox/plots";
import { CliError } from "./errors.js";
import { fixed, table } from "./format.js";
import { arvizLabel } from "./labels.js";

/** Thresholds of {@link diagnoseRun}; a run fails when any is crossed. */
export interface DiagnoseThresholds {
  /** Largest acceptable rank-normalised split R-hat (default 1.01, Vehtari et al. 2021). */
  rhatMax?: number;
  /** Smallest acceptable bulk and tail ESS (default 400). */
  essMin?: number;
  /** Most divergent transitions accepted (default 0). */
  divergencesMax?: number;
  /** Smallest acceptable E-BFMI of any chain (default 0.3, as Stan and ArviZ warn below it). */
  bfmiMin?: number;
}

/** Options of {@link diagnoseRun}. */
export interface DiagnoseOptions extends DiagnoseThresholds {
  /** Variables to summarise (default every posterior variable). */
  varNames?: readonly string[];
  /** HDI probability (default 0.94, as ArviZ). */
  hdiProb?: number;
}

/** One threshold check of {@link diagnoseRun}. */
export interface DiagnoseCheck {
  /** `rhat`, `ess_bulk`, `ess_tail`, `divergences` or `bfmi`. */
  readonly name: "rhat" | "ess_bulk" | "ess_tail" | "divergences" | "bfmi";
  /** Whether the run passes it. */
  readonly ok: boolean;
  /** One line saying what was checked and what was found (the offending elements or chains). */
  readonly message: string;
}

/** What {@link diagnoseRun} found. */
export interface DiagnoseResult {
  readonly numChains: number;
  readonly numDraws: number;
  /** `az.summary` of the posterior, one row per element, labelled as ArviZ labels them. */
  readonly rows: readonly ArvizSummaryRow[];
  /** The HDI probability used. */
  readonly hdiProb: number;
  /** Divergent transitions per chain, or null without `sample_stats.diverging`. */
  readonly divergences: readonly number[] | null;
  /** E-BFMI per chain, or null without `sample_stats.energy`. */
  readonly bfmi: readonly number[] | null;
  /** The threshold checks (those whose data is missing are left out). */
  readonly checks: readonly DiagnoseCheck[];
  /** True when every check passes. */
  readonly ok: boolean;
}

function checkPositive(v: number, name: string): number {
  if (!Number.isFinite(v) || v < 0)
    throw new CliError("bad-option", `phlox diagnose: --${name} must be a non-negative number, got ${v}.`);
  return v;
}

function worst(rows: readonly ArvizSummaryRow[], bad: (r: ArvizSummaryRow) => boolean, max = 5): string {
  const offenders = rows.filter(bad).map((r) => r.label);
  const shown = offenders.slice(0, max).join(", ");
  return offenders.length > max ? `${shown}, ... (${offenders.length} in all)` : shown;
}

/**
 * Diagnoses an MCMC run as `az.summary` plus the usual convergence flags: rank-normalised R-hat, bulk and tail
 * ESS, divergent transitions and E-BFMI, each against a threshold.
 * @param idata - the run (needs a posterior; `sample_stats.diverging` and `.energy` are used when present).
 * @param options - thresholds, variables, HDI probability.
 * @returns the summary rows, the per-chain divergences and E-BFMI, and the checks.
 * @throws CliError `bad-run` without a posterior; `bad-option` for a threshold out of range.
 * @example
 * const idata = fromArrays({ posterior: { mu: [[0.1, -0.3, 0.5, 0.2], [0.4, -0.1, 0.0, 0.3]] } });
 * diagnoseRun(idata, { essMin: 1 }).rows[0].label; // → "mu"
 */
export function diagnoseRun(idata: InferenceData, options: DiagnoseOptions = {}): DiagnoseResult {
  if (!idata.has("posterior"))
    throw new CliError(
      "bad-run",
      `phlox diagnose: the file has no posterior group (it has: ${idata.groupNames().join(", ")}).`,
    );
  const rhatMax = checkPositive(options.rhatMax ?? 1.01, "rhat-max");
  const essMin = checkPositive(options.essMin ?? 400, "ess-min");
  const divMax = checkPositive(options.divergencesMax ?? 0, "divergences-max");
  const bfmiMin = checkPositive(options.bfmiMin ?? 0.3, "bfmi-min");
  const hdiProb = options.hdiProb ?? 0.94;
  if (!(hdiProb > 0 && hdiProb < 1))
    throw new CliError("bad-option", `phlox diagnose: --hdi-prob must be in (0, 1), got ${hdiProb}.`);
  const post = idata.get("posterior");
  for (const v of options.varNames ?? [])
    if (!(v in post.variables))
      throw new CliError(
        "bad-option",
        `phlox diagnose: --var-names names "${v}", which the posterior lacks (it has: ${Object.keys(post.variables).join(", ")}).`,
      );
  const { numChains, numDraws } = idata.sampleShape("posterior");
  const rows = summaryArviz(idata.draws("posterior", options.varNames), { prob: hdiProb }).map((r) => ({
    ...r,
    label: arvizLabel(idata, "posterior", r.variable, r.index),
  }));
  const checks: DiagnoseCheck[] = [];
  const maxR = rows.reduce((m, r) => (r.rHat > m.rHat || Number.isNaN(r.rHat) ? r : m), rows[0]);
  const badR = (r: ArvizSummaryRow) => !(r.rHat <= rhatMax);
  checks.push({
    name: "rhat",
    ok: !rows.some(badR),
    message: rows.some(badR)
      ? `R-hat above ${rhatMax}: ${worst(rows, badR)} (max ${fixed(maxR.rHat, 2)} at ${maxR.label})`
      : `R-hat ≤ ${rhatMax} for every element (max ${fixed(maxR.rHat, 2)} at ${maxR.label})`,
  });
  for (const [name, get, what] of [
    ["ess_bulk", (r: ArvizSummaryRow) => r.essBulk, "bulk"],
    ["ess_tail", (r: ArvizSummaryRow) => r.essTail, "tail"],
  ] as const) {
    const bad = (r: ArvizSummaryRow) => !(get(r) >= essMin);
    const minRow = rows.reduce((m, r) => (get(r) < get(m) || Number.isNaN(get(r)) ? r : m), rows[0]);
    checks.push({
      name,
      ok: !rows.some(bad),
      message: rows.some(bad)
        ? `${what} ESS below ${essMin}: ${worst(rows, bad)} (min ${fixed(get(minRow), 0)} at ${minRow.label})`
        : `${what} ESS ≥ ${essMin} for every element (min ${fixed(get(minRow), 0)} at ${minRow.label})`,
    });
  }
  let divergences: number[] | null = null;
  let bfmiValues: number[] | null = null;
  if (idata.has("sample_stats")) {
    const stats = idata.get("sample_stats").variables;
    if ("diverging" in stats) {
      const d = idata.draws("sample_stats", ["diverging"]).diverging.data;
      divergences = Array.from({ length: numChains }, (_, c) => {
        let n = 0;
        for (let i = c * numDraws; i < (c + 1) * numDraws; i++) n += d[i] ? 1 : 0;
        return n;
      });
      const total = divergences.reduce((a, b) => a + b, 0);
      checks.push({
        name: "divergences",
        ok: total <= divMax,
        message: `${total} divergent transition${total === 1 ? "" : "s"} of ${numChains * numDraws} (at most ${divMax} accepted; per chain: ${divergences.join(", ")})`,
      });
    }
    if ("energy" in stats) {
      bfmiValues = Array.from(bfmi(idata.draws("sample_stats", ["energy"]).energy.data, numChains));
      const low = bfmiValues.map((b, c) => [b, c] as const).filter(([b]) => !(b >= bfmiMin));
      checks.push({
        name: "bfmi",
        ok: low.length === 0,
        message: low.length
          ? `E-BFMI below ${bfmiMin} in chain${low.length === 1 ? "" : "s"} ${low.map(([b, c]) => `${c} (${fixed(b, 3)})`).join(", ")}`
          : `E-BFMI ≥ ${bfmiMin} in every chain (min ${fixed(Math.min(...bfmiValues), 3)})`,
      });
    }
  }
  return {
    numChains,
    numDraws,
    rows,
    hdiProb,
    divergences,
    bfmi: bfmiValues,
    checks,
    ok: checks.every((c) => c.ok),
  };
}

/**
 * ArviZ's HDI column names for a probability: `hdi_3%` and `hdi_97%` for 0.94.
 * @param prob - the HDI probability.
 * @returns the lower and upper column names.
 * @example
 * hdiColumns(0.9); // → ["hdi_5%", "hdi_95%"]
 */
export function hdiColumns(prob: number): [string, string] {
  const g = (x: number) => String(Number(x.toPrecision(6)));
  const a = 1 - prob;
  return [`hdi_${g((100 * a) / 2)}%`, `hdi_${g(100 * (1 - a / 2))}%`];
}

/**
 * The summary table as `print(az.summary(idata))` prints it: mean, sd, HDI, MCSE to 3 decimals, ESS to 0 and
 * R-hat to 2 (ArviZ's default rounding, half to even).
 * @param rows - the summary rows.
 * @param hdiProb - the HDI probability (for the column names).
 * @returns the table's lines.
 */
export function formatArvizSummary(rows: readonly ArvizSummaryRow[], hdiProb: number): string[] {
  const [lo, hi] = hdiColumns(hdiProb);
  const header = ["", "mean", "sd", lo, hi, "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"];
  return table(
    header,
    rows.map((r) => [
      r.label,
      fixed(r.mean, 3),
      fixed(r.sd, 3),
      fixed(r.hdiLower, 3),
      fixed(r.hdiUpper, 3),
      fixed(r.mcseMean, 3),
      fixed(r.mcseSd, 3),
      fixed(r.essBulk, 0),
      fixed(r.essTail, 0),
      fixed(r.rHat, 2),
    ]),
  );
}

/**
 * The report `phlox diagnose` prints: a header, the summary table, divergences and E-BFMI, and each check.
 * @param result - from {@link diagnoseRun}.
 * @param file - the file's name, for the header.
 * @returns the lines.
 */
export function formatDiagnose(result: DiagnoseResult, file: string): string[] {
  const lines = [
    `${file}: ${result.numChains} chain${result.numChains === 1 ? "" : "s"} × ${result.numDraws} draws`,
    "",
    ...formatArvizSummary(result.rows, result.hdiProb),
    "",
  ];
  if (result.bfmi) lines.push(`E-BFMI per chain: ${result.bfmi.map((b) => fixed(b, 3)).join(", ")}`);
  for (const c of result.checks) lines.push(`${c.ok ? "ok  " : "FAIL"}  ${c.message}`);
  const failed = result.checks.filter((c) => !c.ok).length;
  lines.push(
    failed === 0
      ? `passed: all ${result.checks.length} checks`
      : `FAILED: ${failed} of ${result.checks.length} checks (${result.checks
          .filter((c) => !c.ok)
          .map((c) => c.name)
          .join(", ")})`,
  );
  return lines;
}
