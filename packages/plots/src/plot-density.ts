import { hpdi } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import {
  checkProb,
  defaultCols,
  HDI_PROB,
  meanOf,
  medianOf,
  panelSize,
  toRows,
  tryKde,
} from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { extentOf, Panel } from "./internal/panel.js";
import { color } from "./internal/theme.js";
import type { BasePlotOptions } from "./options.js";
import { finish, type PlotResult } from "./output.js";
import { type Scalar, selectScalars } from "./select.js";
import type { KdeResult } from "./stats/kde.js";

/** Options of {@link plotDensity} (ArviZ `plot_density`). */
export interface PlotDensityOptions extends BasePlotOptions {
  /** Names of the datasets in the legend. Default "0", "1", … */
  dataLabels?: readonly string[];
  /** The density is drawn over the HDI of this mass only (scaled by it, as ArviZ). Default 0.94. */
  hdiProb?: number;
  /** Point estimate marked on each curve. Default "mean"; false for none. */
  pointEstimate?: "mean" | "median" | false;
  /** Fill opacity under the curves (0 = none). Default 0. */
  shade?: number;
}

/**
 * Density plot (ArviZ `plot_density`): per scalar, one KDE per dataset (several fits compared), computed
 * from the draws inside the HDI and scaled by its mass, with the point estimate (`ph-density`,
 * `data-model`; `ph-point-estimate`).
 * @param data - one input or several (InferenceData, MCMC objects or draws).
 * @param options - see {@link PlotDensityOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for mismatched labels, an invalid hdiProb or unknown variables.
 */
export function plotDensity<O extends PlotDensityOptions>(
  data: PlotInput | readonly PlotInput[],
  options?: O,
): PlotResult<O> {
  const o: PlotDensityOptions = options ?? {};
  const where = "plotDensity";
  const prob = checkProb(o.hdiProb ?? HDI_PROB, where);
  const list = Array.isArray(data) ? (data as readonly PlotInput[]) : [data as PlotInput];
  const labels = o.dataLabels ?? list.map((_, i) => String(i));
  if (labels.length !== list.length)
    throw new PlotsError(
      "invalid-argument",
      `${where}: ${labels.length} dataLabels for ${list.length} datasets.`,
    );
  const sets = list.map((d) => selectScalars(toInferenceData(d, where), "posterior", o, where));
  const order: string[] = [];
  for (const s of sets) for (const x of s) if (!order.includes(x.label)) order.push(x.label);
  const cols = defaultCols(order.length, o.cols);
  const [pw, ph] = panelSize(Math.ceil(order.length / cols), cols, o.figsize, [280, 190]);
  const panels = order.map((label) => {
    const curves: { k: KdeResult | undefined; s: Scalar; m: number; x: Float64Array }[] = [];
    sets.forEach((set, m) => {
      const s = set.find((v) => v.label === label);
      if (!s) return;
      let x = s.data;
      if (prob !== 1) {
        const [lo, hi] = hpdi(x, prob) as unknown as [number, number];
        x = x.filter((v) => v >= lo && v <= hi);
      }
      const k = tryKde(x);
      if (k) for (let i = 0; i < k.pdf.length; i++) k.pdf[i]! *= prob;
      curves.push({ k, s, m, x });
    });
    let yMax = 0;
    for (const c of curves) if (c.k) yMax = Math.max(yMax, ...c.k.pdf);
    const p = new Panel({
      width: pw,
      height: ph,
      xDomain: extentOf(...curves.map((c) => c.k?.grid ?? c.x)),
      yDomain: [0, (yMax || 1) * 1.08],
      title: label,
      hideYTicks: true,
    });
    for (const c of curves) {
      if (!c.k) continue;
      if (o.shade)
        p.area(c.k.grid, new Float64Array(c.k.grid.length), c.k.pdf, {
          fill: color(c.m),
          opacity: o.shade,
          cls: "ph-fill",
        });
      p.line(c.k.grid, c.k.pdf, {
        stroke: color(c.m),
        width: 1.6,
        cls: "ph-density",
        data: { model: labels[c.m]! },
      });
      const pe = o.pointEstimate ?? "mean";
      if (pe !== false) {
        const v = pe === "mean" ? meanOf(c.s.data) : medianOf(c.s.data);
        let j = 0;
        for (let i = 1; i < c.k.grid.length; i++)
          if (Math.abs(c.k.grid[i]! - v) < Math.abs(c.k.grid[j]! - v)) j = i;
        p.circles([v], [c.k.pdf[j]!], {
          r: 3.5,
          fill: color(c.m),
          stroke: "#ffffff",
          cls: "ph-point-estimate",
        });
      }
    }
    return p;
  });
  const legend = list.length > 1 ? labels.map((l, i) => ({ label: l, color: color(i) })) : undefined;
  return finish(renderFigure(toRows(panels, cols), { title: o.title, kind: "density", legend }), options);
}
