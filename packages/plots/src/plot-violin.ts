import { hpdi, quantile } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
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
import { selectScalars } from "./select.js";

/** Options of {@link plotViolin} (ArviZ `plot_violin`). */
export interface PlotViolinOptions extends BasePlotOptions {
  /** Credible mass of the thin central line. Default 0.94. */
  hdiProb?: number;
  /** Draw the interquartile range as a thick line. Default true. */
  quartiles?: boolean;
  /** Draw the draws as a rug beside the violin. Default false. */
  rug?: boolean;
  /** Fill opacity of the violin. Default 1 (ArviZ's `shade`). */
  shade?: number;
  /** Point estimate dot. Default "median" (as ArviZ's violin). */
  pointEstimate?: "mean" | "median" | false;
  /** One y scale for all panels. Default false. */
  sharey?: boolean;
}

/**
 * Violin plot (ArviZ `plot_violin`): per scalar the KDE mirrored around a vertical axis (half-width
 * normalised to 0.5), the HDI as a thin line (`ph-hdi`), the interquartile range as a thick line
 * (`ph-quartiles`) and the point estimate.
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotViolinOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for an invalid hdiProb or unknown variables.
 */
export function plotViolin<O extends PlotViolinOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotViolinOptions = options ?? {};
  const where = "plotViolin";
  const prob = checkProb(o.hdiProb ?? HDI_PROB, where);
  const scalars = selectScalars(toInferenceData(data, where), "posterior", o, where);
  const cols = defaultCols(scalars.length, o.cols ?? Math.min(scalars.length, 6));
  const [pw, ph] = panelSize(Math.ceil(scalars.length / cols), cols, o.figsize, [150, 240]);
  const shared = o.sharey ? extentOf(...scalars.map((s) => s.data)) : undefined;
  const panels = scalars.map((s) => {
    const x = s.data;
    const k = tryKde(x);
    const p = new Panel({
      width: pw,
      height: ph,
      xDomain: [-0.6, 0.6],
      yDomain: shared ?? extentOf(x, k?.grid ?? []),
      title: s.label,
      xTicks: { at: [], labels: [] },
    });
    if (k) {
      const max = Math.max(...k.pdf);
      const d = k.pdf.map((v) => v / (2 * max));
      const xs: number[] = [];
      const ys: number[] = [];
      for (let j = 0; j < d.length; j++) {
        xs.push(d[j]!);
        ys.push(k.grid[j]!);
      }
      for (let j = d.length - 1; j >= 0; j--) {
        xs.push(-d[j]!);
        ys.push(k.grid[j]!);
      }
      let path = "";
      xs.forEach((v, j) => {
        path += `${j === 0 ? "M" : "L"}${Math.round(p.x(v) * 100) / 100},${Math.round(p.y(ys[j]!) * 100) / 100}`;
      });
      p.rawPath(`${path}Z`, {
        fill: color(0),
        opacity: o.shade ?? 1,
        stroke: color(0),
        cls: "ph-violin",
      });
    }
    const [lo, hi] = hpdi(x, prob) as unknown as [number, number];
    p.line([0, 0], [lo, hi], { stroke: "#000000", width: 1.5, cls: "ph-hdi", data: { lo, hi, prob } });
    if (o.quartiles ?? true) {
      const q = quantile(x, [0.25, 0.75]);
      p.line([0, 0], [q[0]!, q[1]!], { stroke: "#000000", width: 4.5, cls: "ph-quartiles" });
    }
    const pe = o.pointEstimate ?? "median";
    if (pe !== false)
      p.circles([0], [pe === "mean" ? meanOf(x) : medianOf(x)], {
        r: 2.8,
        fill: "#ffffff",
        cls: "ph-point-estimate",
      });
    if (o.rug)
      p.points(new Float64Array(x.length).fill(-0.55), x, {
        color: "#000000",
        size: 2,
        opacity: 0.4,
        cls: "ph-rug",
      });
    return p;
  });
  return finish(renderFigure(toRows(panels, cols), { title: o.title, kind: "violin" }), options);
}
