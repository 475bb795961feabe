import { summaryArviz } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { esc } from "./internal/svg.js";
import { plotEnergy } from "./plot-energy.js";
import { plotPair } from "./plot-pair.js";
import { plotPpc } from "./plot-ppc.js";
import { plotRank } from "./plot-rank.js";
import { plotTrace } from "./plot-trace.js";
import { divergences, selectScalars } from "./select.js";

/** Options of {@link report}. */
export interface ReportOptions {
  /** Page title. Default "Phlox fit report". */
  title?: string;
  /** Variables shown (default all posterior variables). */
  varNames?: readonly string[];
  /** R-hat above this is flagged. Default 1.01 (Vehtari et al. 2021). */
  rhatThreshold?: number;
  /** Bulk or tail ESS below this is flagged. Default 400. */
  essThreshold?: number;
  /** At most this many scalars in the pair plot (the first ones). Default 6. */
  maxPairScalars?: number;
}

const CSS = `body{font-family:DejaVu Sans,Arial,Helvetica,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;font-size:12px}td,th{padding:3px 8px;text-align:right;border-bottom:1px solid #eee}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
td.flag{background:#fde2e1;color:#a40000;font-weight:bold}.ok{color:#1a7f37}.bad{color:#a40000;font-weight:bold}
.plot{overflow-x:auto;margin:8px 0}`;

function f(v: number, d = 3): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(d);
}

/**
 * One self-contained HTML page about a fit, readable offline (inline CSS and inline SVG, no script, no
 * external resource): the ArviZ summary table with R-hat and ESS flagged, divergences per chain, and the
 * trace, rank, energy, pair and posterior-predictive plots (each where the data allows).
 * @param data - InferenceData, MCMC object or draws.
 * @param options - title, variables, thresholds.
 * @returns the HTML document as a string (write it to a `.html` file).
 * @throws PlotsError when there is no posterior.
 * @example
 * report({ mu: [[0.1, 0.3, -0.2, 0.5, 0.2], [0.2, 0.0, 0.4, -0.1, 0.3]] }, { title: "Demo" }).startsWith("<!DOCTYPE html>"); // → true
 */
export function report(data: PlotInput, options: ReportOptions = {}): string {
  const idata = toInferenceData(data, "report");
  if (!idata.has("posterior"))
    throw new PlotsError("missing-group", "report: the data has no posterior group.");
  const title = options.title ?? "Phlox fit report";
  const rt = options.rhatThreshold ?? 1.01;
  const et = options.essThreshold ?? 400;
  const sel = { varNames: options.varNames, output: "string" as const };
  const scalars = selectScalars(idata, "posterior", sel, "report");
  const post = idata.draws("posterior", [...new Set(scalars.map((s) => s.varName))]);
  const rows = summaryArviz(post, { prob: 0.94 });
  let flagged = 0;
  const body = rows
    .map((r) => {
      const badR = !(r.rHat <= rt);
      const badB = !(r.essBulk >= et);
      const badT = !(r.essTail >= et);
      if (badR || badB || badT) flagged++;
      const cell = (v: string, bad: boolean) => `<td${bad ? ' class="flag"' : ""}>${v}</td>`;
      return `<tr><td>${esc(r.label)}</td><td>${f(r.mean)}</td><td>${f(r.sd)}</td><td>${f(r.hdiLower)}</td><td>${f(r.hdiUpper)}</td><td>${f(r.mcseMean)}</td><td>${f(r.mcseSd)}</td>${cell(f(r.essBulk, 0), badB)}${cell(f(r.essTail, 0), badT)}${cell(f(r.rHat, 2), badR)}</tr>`;
    })
    .join("");
  const table = `<table class="summary"><thead><tr><th></th><th>mean</th><th>sd</th><th>hdi_3%</th><th>hdi_97%</th><th>mcse_mean</th><th>mcse_sd</th><th>ess_bulk</th><th>ess_tail</th><th>r_hat</th></tr></thead><tbody>${body}</tbody></table>`;
  const { numChains: C, numDraws: D } = idata.sampleShape("posterior");
  const div = divergences(idata);
  let divHtml = "<p>No divergence information (no sample_stats.diverging).</p>";
  if (div) {
    const per = Array.from({ length: C }, (_, c) =>
      div.subarray(c * D, (c + 1) * D).reduce((a, b) => a + b, 0),
    );
    const total = per.reduce((a, b) => a + b, 0);
    divHtml = `<p class="${total > 0 ? "bad" : "ok"}" id="divergences">${total} divergent transition${total === 1 ? "" : "s"} of ${C * D} draws (per chain: ${per.join(", ")}).</p>`;
  }
  const sections: string[] = [];
  const add = (name: string, id: string, make: () => string) => {
    sections.push(`<h2>${name}</h2><div class="plot" id="${id}">${make()}</div>`);
  };
  add("Trace", "trace", () => plotTrace(idata, sel));
  add("Rank", "rank", () => plotRank(idata, sel));
  const hasEnergy = idata.has("sample_stats") && idata.get("sample_stats").variables.energy !== undefined;
  if (hasEnergy) add("Energy", "energy", () => plotEnergy(idata, { output: "string" }));
  const maxPair = options.maxPairScalars ?? 6;
  if (scalars.length >= 2) {
    const labels = scalars.slice(0, maxPair);
    const vars = [...new Set(labels.map((s) => s.varName))];
    const pairData = toInferenceData(
      Object.fromEntries(labels.map((s) => [s.label, { data: s.data, shape: [C, D] }])),
      "report",
    );
    const withDiv = idata.has("sample_stats")
      ? pairData.with("sample_stats", idata.get("sample_stats"))
      : pairData;
    add(
      `Pair${scalars.length > maxPair ? ` (first ${maxPair} of ${scalars.length}: ${vars.join(", ")})` : ""}`,
      "pair",
      () => plotPair(withDiv, { output: "string", divergences: div !== undefined }),
    );
  }
  if (idata.has("posterior_predictive") && idata.has("observed_data"))
    add("Posterior predictive check", "ppc", () => plotPpc(idata, { output: "string" }));
  const summaryLine = `<p id="flags" class="${flagged > 0 ? "bad" : "ok"}">${flagged} of ${rows.length} quantities flagged (r_hat &gt; ${rt} or ess &lt; ${et}).</p>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1><p>${C} chains × ${D} draws.</p><h2>Summary</h2>${summaryLine}${table}<h2>Divergences</h2>${divHtml}${sections.join("\n")}
</body></html>
`;
}
