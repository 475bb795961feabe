import { essBulk, hpdi, quantile, rhat } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { checkProb, fmt, HDI_PROB, meanOf, medianOf, tryKde } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { extentOf, Panel } from "./internal/panel.js";
import { color } from "./internal/theme.js";
import type { BasePlotOptions } from "./options.js";
import { finish, type PlotResult } from "./output.js";
import { chainOf, selectScalars } from "./select.js";

/** Options of {@link plotForest} (ArviZ `plot_forest`). */
export interface PlotForestOptions extends BasePlotOptions {
  /** `"forestplot"` (default): intervals; `"ridgeplot"`: one density ridge per scalar (chains combined). */
  kind?: "forestplot" | "ridgeplot";
  /** Ridge height relative to the row spacing. Default 2 (ArviZ's `ridgeplot_overlap`). */
  ridgeplotOverlap?: number;
  /** Ridge fill opacity. Default 0.6. */
  ridgeplotAlpha?: number;
  /** One interval over all chains instead of one per chain. Default false. */
  combined?: boolean;
  /** Credible mass of the thin line. Default 0.94. */
  hdiProb?: number;
  /** Draw the interquartile range as a thick line. Default true. */
  quartiles?: boolean;
  /** Add a column with split R-hat. Default false. */
  rHat?: boolean;
  /** Add a column with bulk ESS. Default false. */
  ess?: boolean;
  /** `"mean"` (default) or `"median"` dot. */
  pointEstimate?: "mean" | "median";
}

/**
 * Forest plot (ArviZ `plot_forest`): per scalar and chain (or combined), the HDI as a thin line
 * (`ph-hdi`, `data-lo`/`data-hi`), the interquartile range as a thick line and the point estimate, with
 * optional R-hat and ESS columns (`ph-rhat`, `ph-ess` points carrying `data-value`).
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotForestOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for an invalid `hdiProb`, unknown variables or a missing posterior.
 * @example
 * plotForest({ mu: [[0.1, 0.3, -0.2, 0.5], [0.2, 0.0, 0.4, -0.1]] }, { output: "string" }).includes("ph-hdi"); // → true
 */
export function plotForest<O extends PlotForestOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotForestOptions = options ?? {};
  const where = "plotForest";
  const prob = checkProb(o.hdiProb ?? HDI_PROB, where);
  const scalars = selectScalars(toInferenceData(data, where), "posterior", o, where);
  const C = scalars[0]!.numChains;
  const combined = o.combined ?? false;
  const per = combined ? 1 : C;
  const rowH = per === 1 ? 22 : 10 + 8 * per;
  const height = Math.max(140, scalars.length * rowH + 56);
  const ticks = { at: scalars.map((_, i) => -i), labels: scalars.map((s) => s.label) };
  const width = o.figsize?.[0] ?? 420;
  const labelW = Math.min(220, 16 + 6.5 * Math.max(...scalars.map((s) => s.label.length)));
  const main = new Panel({
    marginLeft: labelW,
    width: width + labelW,
    height,
    xDomain: extentOf(...scalars.map((s) => s.data)),
    yDomain: [-(scalars.length - 1) - 0.6, 0.6],
    yTicks: ticks,
    title: (o.kind ?? "forestplot") === "ridgeplot" ? "" : `${Math.round(prob * 100)}% HDI`,
    nice: true,
  });
  const pe = o.pointEstimate ?? "mean";
  if ((o.kind ?? "forestplot") === "ridgeplot") {
    const overlap = o.ridgeplotOverlap ?? 2;
    scalars.forEach((s, i) => {
      const k = tryKde(s.data);
      if (!k) return;
      const max = Math.max(...k.pdf);
      const base = -i - 0.4;
      main.area(
        k.grid,
        new Float64Array(k.grid.length).fill(base),
        k.pdf.map((v) => base + (v / max) * overlap * 0.4),
        {
          fill: color(0),
          opacity: o.ridgeplotAlpha ?? 0.6,
          stroke: "#000000",
          cls: "ph-ridge",
        },
      );
    });
    return finish(renderFigure([[main]], { title: o.title, kind: "forest" }), options);
  }
  scalars.forEach((s, i) => {
    for (let c = 0; c < per; c++) {
      const x = combined ? s.data : chainOf(s, c);
      const yy = -i + (per === 1 ? 0 : 0.35 - (0.7 * c) / Math.max(per - 1, 1));
      const col = combined ? color(0) : color(c);
      const [lo, hi] = hpdi(x, prob) as unknown as [number, number];
      main.line([lo, hi], [yy, yy], {
        stroke: col,
        width: 1.2,
        cls: "ph-hdi",
        data: { lo, hi, chain: combined ? "all" : c },
      });
      if (o.quartiles ?? true) {
        const q = quantile(x, [0.25, 0.75]);
        main.line([q[0]!, q[1]!], [yy, yy], { stroke: col, width: 3.5, cls: "ph-quartiles" });
      }
      const v = pe === "mean" ? meanOf(x) : medianOf(x);
      main.circles([v], [yy], { r: 2.8, fill: "#ffffff", stroke: col, cls: "ph-point-estimate" });
    }
  });
  const row: Panel[] = [main];
  const column = (name: string, values: Float64Array, cls: string, ref: number | undefined): Panel => {
    const p = new Panel({
      width: 110,
      height,
      xDomain: extentOf(values, ref === undefined ? [] : [ref]),
      yDomain: [-(scalars.length - 1) - 0.6, 0.6],
      yTicks: { at: [], labels: [] },
      title: name,
      xTickCount: 2,
      marginLeft: 12,
    });
    if (ref !== undefined) p.vline(ref, { stroke: "#999999", dash: "3 3", cls: "ph-ref" });
    values.forEach((v, i) => {
      p.circles([v], [-i], { r: 3.2, fill: color(0), cls: cls });
      p.text(v, -i, fmt(v), { dy: -6, size: 9 });
    });
    return p;
  };
  if (o.rHat)
    row.push(
      column(
        "r_hat",
        Float64Array.from(scalars, (s) => rhat({ data: s.data, shape: [C, s.numDraws] })[0]!),
        "ph-rhat",
        1,
      ),
    );
  if (o.ess)
    row.push(
      column(
        "ess",
        Float64Array.from(scalars, (s) => essBulk({ data: s.data, shape: [C, s.numDraws] })[0]!),
        "ph-ess",
        undefined,
      ),
    );
  return finish(renderFigure([row], { title: o.title, kind: "forest" }), options);
}
