import { mcseMean, mcseSd } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { defaultCols, panelSize, toRows } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { extentOf, Panel } from "./internal/panel.js";
import { color } from "./internal/theme.js";
import type { BasePlotOptions } from "./options.js";
import { finish, type PlotResult } from "./output.js";
import { selectScalars } from "./select.js";
import { mcseQuantileCurve } from "./stats/ess-curves.js";

/** Options of {@link plotMcse} (ArviZ `plot_mcse`). */
export interface PlotMcseOptions extends BasePlotOptions {
  /** Quantiles along the x axis. Default 20. */
  nPoints?: number;
  /** Add the MCSE of the mean and of the sd as lines. Default false. */
  extraMethods?: boolean;
}

/**
 * MCSE plot (ArviZ `plot_mcse`): the Monte Carlo standard error of quantiles 1/n … 1 − 1/n (`ph-mcse-point`
 * circles carrying `data-value`), optionally with the MCSE of the mean and sd.
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotMcseOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for an invalid nPoints or unknown variables.
 */
export function plotMcse<O extends PlotMcseOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotMcseOptions = options ?? {};
  const where = "plotMcse";
  const nPoints = o.nPoints ?? 20;
  if (!(Number.isInteger(nPoints) && nPoints >= 2))
    throw new PlotsError("invalid-argument", `${where}: nPoints must be an integer ≥ 2, got ${nPoints}.`);
  const scalars = selectScalars(toInferenceData(data, where), "posterior", o, where);
  const cols = defaultCols(scalars.length, o.cols);
  const [pw, ph] = panelSize(Math.ceil(scalars.length / cols), cols, o.figsize, [280, 190]);
  const panels = scalars.map((s) => {
    const c = mcseQuantileCurve(s.data, s.numChains, nPoints);
    const d = { data: s.data, shape: [s.numChains, s.numDraws] };
    const extras = o.extraMethods ? [mcseMean(d)[0]!, mcseSd(d)[0]!] : [];
    const p = new Panel({
      width: pw,
      height: ph,
      xDomain: [0, 1],
      yDomain: extentOf(c.y, [0], extras),
      title: s.label,
      xLabel: "Quantile",
      yLabel: "MCSE",
    });
    c.y.forEach((v, i) => {
      p.line([c.x[i]!, c.x[i]!], [0, v], { stroke: color(0), width: 0.8, opacity: 0.5, cls: "ph-mcse-stem" });
    });
    for (let i = 0; i < c.x.length; i++) {
      p.circles([c.x[i]!], [c.y[i]!], { r: 3, fill: color(0), cls: "ph-mcse-point" });
    }
    if (o.extraMethods) {
      p.hline(extras[0]!, { stroke: color(2), cls: "ph-mcse-mean" });
      p.hline(extras[1]!, { stroke: color(3), dash: "6 2", cls: "ph-mcse-sd" });
    }
    return p;
  });
  return finish(renderFigure(toRows(panels, cols), { title: o.title, kind: "mcse" }), options);
}
