import { type PlotInput, toInferenceData } from "./data.js";
import { drawDensity, kdeExtent, panelSize, tryKde } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { extentOf, Panel } from "./internal/panel.js";
import { color, DIVERGENCE } from "./internal/theme.js";
import type { BasePlotOptions } from "./options.js";
import { finish, type PlotResult } from "./output.js";
import { drawRank } from "./plot-rank.js";
import { chainOf, divergences, type Scalar, selectScalars } from "./select.js";

/** Options of {@link plotTrace} (ArviZ `plot_trace`). */
export interface PlotTraceOptions extends BasePlotOptions {
  /** `"trace"` (default): draws against iteration; `"rank_bars"` / `"rank_vlines"`: rank plots instead. */
  kind?: "trace" | "rank_bars" | "rank_vlines";
  /** One row per variable with all its elements (default true), or one row per element (always for rank kinds). */
  compact?: boolean;
  /** One density over all chains instead of one per chain. Default false. */
  combined?: boolean;
  /** Where to mark divergent draws (from `sample_stats.diverging`): `"bottom"` (default), `"top"`, or false. */
  divergences?: "bottom" | "top" | false;
  /** Show a legend of chains. Default false. */
  legend?: boolean;
}

function groupRows(scalars: Scalar[], compact: boolean): Scalar[][] {
  if (!compact) return scalars.map((s) => [s]);
  const rows: Scalar[][] = [];
  for (const s of scalars) {
    const last = rows[rows.length - 1];
    if (last && last[0]!.varName === s.varName) last.push(s);
    else rows.push([s]);
  }
  return rows;
}

/**
 * Trace plot (ArviZ `plot_trace`): for each variable a density panel (one KDE per chain, ArviZ's KDE) and
 * the draws against iteration, one line per chain (class `ph-trace`, `data-chain`), divergent draws marked
 * (class `ph-divergence`). `kind: "rank_bars"` draws rank histograms instead of the traces.
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotTraceOptions}.
 * @returns SVG (string in Node, element in browsers; see `output`).
 * @throws PlotsError for unknown variables or a missing posterior.
 * @example
 * const svg = plotTrace({ mu: [[0.1, 0.3, -0.2, 0.5], [0.2, 0.0, 0.4, -0.1]] }, { output: "string" });
 * svg.startsWith("<svg"); // → true
 */
export function plotTrace<O extends PlotTraceOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotTraceOptions = options ?? {};
  const where = "plotTrace";
  const idata = toInferenceData(data, where);
  const scalars = selectScalars(idata, "posterior", o, where);
  const kind = o.kind ?? "trace";
  // a rank plot shows one quantity, so rank kinds give one row per element
  const rows = groupRows(scalars, kind === "trace" ? (o.compact ?? true) : false);
  const [pw, ph] = panelSize(rows.length, 2, o.figsize, [300, 170]);
  const div = o.divergences === false ? undefined : divergences(idata);
  const out: Panel[][] = [];
  for (const row of rows) {
    const title = row.length === 1 ? row[0]!.label : row[0]!.varName;
    const C = row[0]!.numChains;
    const D = row[0]!.numDraws;
    const kdes = row.flatMap((s) =>
      o.combined ? [tryKde(s.data)] : Array.from({ length: C }, (_, c) => tryKde(chainOf(s, c))),
    );
    const ext = kdeExtent(
      kdes,
      row.map((s) => s.data),
    );
    const dens = new Panel({
      width: pw,
      height: ph,
      xDomain: ext.x,
      yDomain: [0, ext.yMax * 1.05],
      title,
      hideYTicks: true,
    });
    let k = 0;
    for (const s of row) {
      if (o.combined)
        drawDensity(dens, kdes[k++], s.data, { stroke: color(0), cls: "ph-density", data: { chain: "all" } });
      else {
        for (let c = 0; c < C; c++) {
          drawDensity(dens, kdes[k++], chainOf(s, c), {
            stroke: color(c),
            cls: "ph-density",
            data: { chain: c },
          });
        }
      }
    }
    let right: Panel;
    if (kind === "trace") {
      const yExt = extentOf(...row.map((s) => s.data));
      right = new Panel({
        width: pw,
        height: ph,
        xDomain: [0, Math.max(D - 1, 1)],
        yDomain: yExt,
        title,
        nice: true,
      });
      const it = new Float64Array(D);
      for (let i = 0; i < D; i++) it[i] = i;
      for (const s of row) {
        for (let c = 0; c < C; c++) {
          right.line(it, chainOf(s, c), {
            stroke: color(c),
            width: 0.8,
            cls: "ph-trace",
            opacity: 0.85,
            data: { chain: c },
          });
        }
      }
      if (div) {
        const dx: number[] = [];
        for (let i = 0; i < div.length; i++) if (div[i]) dx.push(i % D);
        if (dx.length > 0) {
          const yd = right.domains.y;
          const yAt = o.divergences === "top" ? yd[1]! : yd[0]!;
          right.circles(
            dx,
            dx.map(() => yAt),
            { r: 2.5, fill: DIVERGENCE, cls: "ph-divergence" },
          );
          const vals: number[] = [];
          for (const s of row) for (let i = 0; i < div.length; i++) if (div[i]) vals.push(s.data[i]!);
          dens.circles(
            vals,
            vals.map(() => 0),
            { r: 2, fill: DIVERGENCE, cls: "ph-divergence" },
          );
        }
      }
    } else {
      right = drawRank(row[0]!, {
        width: pw,
        height: ph,
        kind: kind === "rank_bars" ? "bars" : "vlines",
        refLine: true,
        title,
      });
    }
    out.push([dens, right]);
  }
  const legend = o.legend
    ? Array.from({ length: scalars[0]!.numChains }, (_, c) => ({ label: `chain ${c}`, color: color(c) }))
    : undefined;
  return finish(renderFigure(out, { title: o.title, kind: "trace", legend }), options);
}
