import { essMean, essSd } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { defaultCols, panelSize, toRows } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { extentOf, Panel } from "./internal/panel.js";
import { color } from "./internal/theme.js";
import type { BasePlotOptions } from "./options.js";
import { finish, type PlotResult } from "./output.js";
import { selectScalars } from "./select.js";
import { essEvolution, essLocalCurve, essQuantileCurve } from "./stats/ess-curves.js";

/** Options of {@link plotEss} (ArviZ `plot_ess`). */
export interface PlotEssOptions extends BasePlotOptions {
  /** `"local"` (default), `"quantile"` or `"evolution"`. */
  kind?: "local" | "quantile" | "evolution";
  /** Points along the x axis. Default 20. */
  nPoints?: number;
  /** Divide by the number of draws. Default false. */
  relative?: boolean;
  /** Reference line: the minimum ESS considered enough. Default 400. */
  minEss?: number;
  /** Add the mean and sd ESS as horizontal lines (local/quantile kinds). Default false. */
  extraMethods?: boolean;
}

/**
 * ESS plot (ArviZ `plot_ess`): local ESS over small quantile intervals, quantile ESS, or the evolution of
 * bulk and tail ESS as draws accumulate (`ph-ess-point` circles / `ph-ess-bulk`, `ph-ess-tail` lines), with
 * the `minEss` reference line.
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotEssOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for an invalid kind or nPoints, unknown variables.
 */
export function plotEss<O extends PlotEssOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotEssOptions = options ?? {};
  const where = "plotEss";
  const kind = o.kind ?? "local";
  if (!["local", "quantile", "evolution"].includes(kind))
    throw new PlotsError(
      "invalid-argument",
      `${where}: kind must be "local", "quantile" or "evolution", got "${kind}".`,
    );
  const nPoints = o.nPoints ?? 20;
  if (!(Number.isInteger(nPoints) && nPoints >= 2))
    throw new PlotsError("invalid-argument", `${where}: nPoints must be an integer ≥ 2, got ${nPoints}.`);
  const scalars = selectScalars(toInferenceData(data, where), "posterior", o, where);
  const cols = defaultCols(scalars.length, o.cols);
  const [pw, ph] = panelSize(Math.ceil(scalars.length / cols), cols, o.figsize, [280, 190]);
  const minEss = o.minEss ?? 400;
  const panels = scalars.map((s) => {
    const C = s.numChains;
    const n = s.data.length;
    const scale = o.relative ? 1 / n : 1;
    const ref = o.relative ? minEss / n : minEss;
    if (kind === "evolution") {
      const ev = essEvolution(s.data, C, nPoints);
      const bulk = ev.bulk.map((v) => v * scale);
      const tail = ev.tail.map((v) => v * scale);
      const p = new Panel({
        width: pw,
        height: ph,
        xDomain: [0, n],
        yDomain: extentOf(bulk, tail, [0, o.relative ? minEss / ev.x[0]! : ref]),
        title: s.label,
        xLabel: "Total number of draws",
        yLabel: "ESS",
      });
      p.line(ev.x, bulk, { stroke: color(0), cls: "ph-ess-bulk" });
      p.circles(ev.x, bulk, { r: 2.5, fill: color(0), cls: "ph-ess-point" });
      p.line(ev.x, tail, { stroke: color(1), cls: "ph-ess-tail" });
      p.circles(ev.x, tail, { r: 2.5, fill: color(1), cls: "ph-ess-point" });
      if (o.relative) {
        // ArviZ draws minEss / n against the number of draws n when relative
        const xs = Array.from(
          { length: 100 },
          (_, i) => ev.x[0]! + ((ev.x[ev.x.length - 1]! - ev.x[0]!) * i) / 99,
        );
        p.line(
          xs,
          xs.map((v) => minEss / v),
          { stroke: "#888888", dash: "4 3", cls: "ph-min-ess" },
        );
      } else p.hline(ref, { stroke: "#888888", dash: "4 3", cls: "ph-min-ess" });
      return p;
    }
    const curve = kind === "local" ? essLocalCurve(s.data, C, nPoints) : essQuantileCurve(s.data, C, nPoints);
    const y = curve.y.map((v) => v * scale);
    const d = { data: s.data, shape: [C, s.numDraws] };
    const extras = o.extraMethods ? [essMean(d)[0]! * scale, essSd(d)[0]! * scale] : [];
    const p = new Panel({
      width: pw,
      height: ph,
      xDomain: [0, 1],
      yDomain: extentOf(y, [0, ref], extras),
      title: s.label,
      xLabel: "Quantile",
      yLabel: "ESS",
    });
    // as ArviZ: a line with markers at the probabilities (the lower end of each interval for local ESS)
    p.line(curve.x, y, { stroke: color(0), cls: "ph-ess-line" });
    p.circles(curve.x, y, { r: 3, fill: color(0), cls: "ph-ess-point" });
    p.hline(ref, { stroke: "#888888", dash: "4 3", cls: "ph-min-ess" });
    if (o.extraMethods) {
      p.hline(extras[0]!, { stroke: color(2), cls: "ph-ess-mean" });
      p.hline(extras[1]!, { stroke: color(3), dash: "6 2", cls: "ph-ess-sd" });
    }
    return p;
  });
  return finish(renderFigure(toRows(panels, cols), { title: o.title, kind: "ess" }), options);
}
