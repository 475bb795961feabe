import { autocorrelation } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { defaultCols, panelSize, toRows } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { Panel } from "./internal/panel.js";
import { color } from "./internal/theme.js";
import type { BasePlotOptions } from "./options.js";
import { finish, type PlotResult } from "./output.js";
import { chainOf, selectScalars } from "./select.js";

/** Options of {@link plotAutocorr} (ArviZ `plot_autocorr`). */
export interface PlotAutocorrOptions extends BasePlotOptions {
  /** Largest lag drawn. Default 100. */
  maxLag?: number;
  /** Concatenate the chains into one sequence (ArviZ `combined=True`). Default false: a panel per chain. */
  combined?: boolean;
}

/**
 * Autocorrelation plot (ArviZ `plot_autocorr`): for each scalar and chain the autocorrelation (ArviZ's FFT
 * estimate, biased normalisation) at lags 0…maxLag as vertical bars (`ph-acf`, one path per lag).
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotAutocorrOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for an invalid `maxLag` or unknown variables.
 */
export function plotAutocorr<O extends PlotAutocorrOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotAutocorrOptions = options ?? {};
  const where = "plotAutocorr";
  const scalars = selectScalars(toInferenceData(data, where), "posterior", o, where);
  const maxLag0 = o.maxLag ?? 100;
  if (!(Number.isInteger(maxLag0) && maxLag0 >= 1))
    throw new PlotsError("invalid-argument", `${where}: maxLag must be a positive integer, got ${maxLag0}.`);
  const items: { title: string; x: Float64Array; c: number }[] = [];
  for (const s of scalars) {
    if (o.combined) items.push({ title: s.label, x: s.data, c: 0 });
    else
      for (let c = 0; c < s.numChains; c++)
        items.push({ title: `${s.label}\n${c}`.replace("\n", " · chain "), x: chainOf(s, c), c });
  }
  const cols = defaultCols(items.length, o.cols ?? (o.combined ? undefined : scalars[0]!.numChains));
  const [pw, ph] = panelSize(Math.ceil(items.length / cols), cols, o.figsize, [240, 150]);
  const panels = items.map((it) => {
    const ac = autocorrelation(it.x);
    const L = Math.min(maxLag0, ac.length - 1);
    const p = new Panel({
      width: pw,
      height: ph,
      xDomain: [0, L],
      yDomain: [-1, 1],
      title: it.title,
      nice: false,
    });
    p.hline(0, { stroke: "#888888", width: 0.8, cls: "ph-zero" });
    for (let k = 0; k <= L; k++)
      p.line([k, k], [0, ac[k]!], {
        stroke: color(it.c),
        width: 1.5,
        cls: "ph-acf",
        data: { lag: k, value: ac[k]! },
      });
    return p;
  });
  return finish(renderFigure(toRows(panels, cols), { title: o.title, kind: "autocorr" }), options);
}
