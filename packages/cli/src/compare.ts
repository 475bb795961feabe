import type { InferenceData } from "@phlox/arviz-io";
import { type CompareRow, compare, type ElpdData, type IcScale, loo, waic } from "@phlox/diagnostics";
import { CliError } from "./errors.js";
import { fixed, table } from "./format.js";
import { arvizLabel } from "./labels.js";

/** Options of {@link compareRuns}. */
export interface CompareRunsOptions {
  /** `"loo"` (PSIS-LOO, default) or `"waic"`. */
  ic?: "loo" | "waic";
  /** Weights: `"stacking"` (default) or `"pseudo-BMA"`. */
  method?: "stacking" | "pseudo-BMA";
  /** `"log"` (default), `"negative_log"` or `"deviance"`. */
  scale?: IcScale;
  /** The `log_likelihood` variable to use when a run has several. */
  varName?: string;
}

/** Pareto k diagnostics of one model (LOO only). */
export interface ParetoKReport {
  /** The model. */
  readonly name: string;
  /** The threshold min(1 − 1/log10 S, 0.7). */
  readonly goodK: number;
  /** Observations above it, labelled as ArviZ labels them (`y[7]`), with their k. */
  readonly high: readonly { readonly label: string; readonly k: number }[];
  /** The largest k. */
  readonly maxK: number;
}

/** What {@link compareRuns} returns. */
export interface CompareResult {
  /** ArviZ `compare`'s rows, best first. */
  readonly rows: readonly CompareRow[];
  /** The criterion used. */
  readonly ic: "loo" | "waic";
  /** Pareto k per model (empty for WAIC). */
  readonly paretoK: readonly ParetoKReport[];
  /** One line per model whose estimate has ArviZ's warning flag set. */
  readonly warnings: readonly string[];
}

function logLikVariable(idata: InferenceData, name: string, varName: string | undefined): string {
  if (!idata.has("log_likelihood"))
    throw new CliError(
      "bad-run",
      `phlox compare: run "${name}" has no log_likelihood group (it has: ${idata.groupNames().join(", ")}); ` +
        "write it with the log-likelihood (phlox run does by default).",
    );
  const vars = Object.keys(idata.get("log_likelihood").variables);
  if (varName !== undefined) {
    if (!vars.includes(varName))
      throw new CliError(
        "bad-option",
        `phlox compare: --var-name "${varName}" is not in run "${name}"'s log_likelihood (it has: ${vars.join(", ")}).`,
      );
    return varName;
  }
  if (vars.length !== 1)
    throw new CliError(
      "bad-option",
      `phlox compare: run "${name}" has ${vars.length} log_likelihood variables (${vars.join(", ")}); choose one with --var-name.`,
    );
  return vars[0];
}

/**
 * Compares runs by PSIS-LOO or WAIC as `az.compare` does (r_eff from each posterior, as ArviZ): ranks, elpd,
 * effective parameters, differences and their standard errors, weights, and the Pareto k of every observation.
 * @param runs - per model name, its InferenceData (with `log_likelihood`; `posterior` for r_eff).
 * @param options - criterion, weights method, scale, log-likelihood variable.
 * @returns the table rows, best first, and the Pareto k reports.
 * @throws CliError `bad-run` for a run without log-likelihood; `bad-option` for an ambiguous or missing
 * variable, fewer than two runs, or runs over different observations.
 * @example
 * const best = compareRuns({ a: await readRun("a.nc", "me"), b: await readRun("b.nc", "me") }).rows[0].name;
 */
export function compareRuns(
  runs: Readonly<Record<string, InferenceData>>,
  options: CompareRunsOptions = {},
): CompareResult {
  const names = Object.keys(runs);
  if (names.length < 2)
    throw new CliError("bad-option", `phlox compare: needs at least two runs, got ${names.length}.`);
  const ic = options.ic ?? "loo";
  const scale = options.scale ?? "log";
  const elpd: Record<string, ElpdData> = {};
  const paretoK: ParetoKReport[] = [];
  let n: number | undefined;
  for (const name of names) {
    const idata = runs[name];
    const v = logLikVariable(idata, name, options.varName);
    const ll = idata.draws("log_likelihood", [v])[v];
    const obs = ll.shape.slice(2).reduce((a, b) => a * b, 1);
    if (n !== undefined && obs !== n)
      throw new CliError(
        "bad-option",
        `phlox compare: run "${name}" has ${obs} observations in "${v}", "${names[0]}" has ${n}; compare models of the same data.`,
      );
    n = obs;
    const d =
      ic === "loo"
        ? loo(ll, {
            scale,
            warn: false,
            posterior: idata.has("posterior") ? idata.draws("posterior") : undefined,
          })
        : waic(ll, { scale });
    elpd[name] = d;
    if (d.paretoK && d.goodK !== undefined) {
      const shape = ll.shape.slice(2);
      const high: { label: string; k: number }[] = [];
      let maxK = Number.NEGATIVE_INFINITY;
      d.paretoK.forEach((k, i) => {
        maxK = Math.max(maxK, k);
        if (k > (d.goodK as number)) {
          const index: number[] = [];
          let r = i;
          for (let a = shape.length - 1; a >= 0; a--) {
            index[a] = r % shape[a];
            r = Math.floor(r / shape[a]);
          }
          high.push({ label: arvizLabel(idata, "log_likelihood", v, index), k });
        }
      });
      paretoK.push({ name, goodK: d.goodK, high, maxK });
    }
  }
  const rows = compare(elpd, { ic, scale, method: options.method ?? "stacking" });
  const warnings: string[] = [];
  for (const r of rows) {
    if (!r.warning) continue;
    const pk = paretoK.find((p) => p.name === r.name);
    warnings.push(
      pk
        ? `${r.name}: Pareto k > ${fixed(pk.goodK, 2)} for ${pk.high.length} observation${pk.high.length === 1 ? "" : "s"} (${pk.high
            .map((h) => `${h.label}: ${fixed(h.k, 2)}`)
            .join(
              ", ",
            )}); PSIS-LOO is unreliable for them — check the model, or refit without them (exact LOO)`
        : `${r.name}: the posterior variance of the log predictive density exceeds 0.4 for some observations; WAIC may be unreliable, try --ic loo`,
    );
  }
  return { rows, ic, paretoK, warnings };
}

/**
 * The table `phlox compare` prints, with ArviZ's columns (`rank, elpd_loo, p_loo, elpd_diff, weight, se, dse,
 * warning, scale`; `_waic` for WAIC), numbers to 3 decimals.
 * @param result - from {@link compareRuns}.
 * @returns the lines.
 */
export function formatCompare(result: CompareResult): string[] {
  const header = [
    "",
    "rank",
    `elpd_${result.ic}`,
    `p_${result.ic}`,
    "elpd_diff",
    "weight",
    "se",
    "dse",
    "warning",
    "scale",
  ];
  const lines = table(
    header,
    result.rows.map((r) => [
      r.name,
      String(r.rank),
      fixed(r.elpd, 3),
      fixed(r.p, 3),
      fixed(r.elpdDiff, 3),
      fixed(r.weight, 3),
      fixed(r.se, 3),
      fixed(r.dse, 3),
      r.warning ? "True" : "False",
      r.scale,
    ]),
  );
  if (result.paretoK.length) {
    lines.push("", "Pareto k (PSIS-LOO):");
    for (const p of result.paretoK)
      lines.push(
        `  ${p.name}: max k ${fixed(p.maxK, 2)}; ${p.high.length} observation${p.high.length === 1 ? "" : "s"} above ${fixed(p.goodK, 2)}`,
      );
  }
  if (result.warnings.length) lines.push("");
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines;
}
