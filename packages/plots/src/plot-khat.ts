import { type ElpdData, loo } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { panelSize } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { logLikDraws, posteriorArrays } from "./internal/loo-input.js";
import { extentOf, Panel } from "./internal/panel.js";
import type { OutputOptions } from "./output.js";
import { finish, type PlotResult } from "./output.js";

/** Options of {@link plotKhat} (ArviZ `plot_khat`). */
export interface PlotKhatOptions extends OutputOptions {
  /** The log-likelihood variable (needed when there are several). */
  varName?: string;
  /** Print the count of observations in each k range. Default false. */
  showBins?: boolean;
  /** Figure size in px. */
  figsize?: readonly [number, number];
  /** Figure title. */
  title?: string;
}

function isElpd(x: unknown): x is ElpdData {
  return typeof x === "object" && x !== null && "paretoK" in x && "pointwise" in x;
}

/**
 * Pareto k plot (ArviZ `plot_khat`): the PSIS shape estimate k of each observation (`ph-khat` circles,
 * coloured by range), with lines at 0, 0.5, the sample-size threshold `goodK` and 1.
 * @param data - a `loo(...)` result with Pareto k, or InferenceData with `log_likelihood` (LOO computed here
 * with ArviZ's r_eff from the posterior).
 * @param options - see {@link PlotKhatOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError when no Pareto k can be had.
 */
export function plotKhat<O extends PlotKhatOptions>(data: PlotInput | ElpdData, options?: O): PlotResult<O> {
  const o: PlotKhatOptions = options ?? {};
  const where = "plotKhat";
  let res: ElpdData;
  if (isElpd(data)) res = data;
  else {
    const idata = toInferenceData(data as PlotInput, where);
    const ll = logLikDraws(idata, o.varName, where);
    const post = posteriorArrays(idata);
    const [C, D] = ll.shape as [number, number];
    const posterior = Object.fromEntries(
      Object.entries(post).map(([k, v]) => {
        const e = v.length / (C * D);
        return [k, { data: v, shape: e === 1 ? [C, D] : [C, D, e] }];
      }),
    );
    res = loo({ data: ll.data, shape: ll.shape }, { posterior, warn: false });
  }
  const k = res.paretoK;
  if (!k) throw new PlotsError("invalid-input", `${where}: the result has no Pareto k (use loo, not waic).`);
  const goodK = res.goodK ?? 0.7;
  const [w, h] = panelSize(1, 1, o.figsize, [440, 260]);
  const idx = Float64Array.from(k, (_, i) => i);
  const p = new Panel({
    width: w,
    height: h,
    xDomain: [-0.5, Math.max(k.length - 0.5, 0.5)],
    yDomain: extentOf(
      k,
      [0, goodK, 1].filter((v) => v <= Math.max(1, ...k)),
    ),
    title: "Pareto shape k",
    xLabel: "Data point",
    yLabel: "Shape parameter k",
  });
  for (const [v, dash] of [
    [0, "1 0"],
    [0.5, "3 3"],
    [goodK, "6 3"],
    [1, "6 3"],
  ] as const)
    p.hline(v, { stroke: "#d62728", width: 0.8, dash, opacity: 0.6, cls: "ph-khat-ref" });
  const col = (v: number) => (v <= 0.5 ? "#1f77b4" : v <= goodK ? "#2ca02c" : v <= 1 ? "#ff7f0e" : "#d62728");
  for (let i = 0; i < k.length; i++)
    p.circles([idx[i]!], [k[i]!], { r: 3.5, fill: col(k[i]!), cls: "ph-khat" });
  if (o.showBins) {
    const bins = [0, 0, 0, 0];
    for (const v of k) bins[v <= 0.5 ? 0 : v <= goodK ? 1 : v <= 1 ? 2 : 3]!++;
    const [x0, x1] = p.domains.x as [number, number];
    const labels = [
      `(-Inf, 0.5]: ${bins[0]}`,
      `(0.5, ${goodK.toFixed(2)}]: ${bins[1]}`,
      `(${goodK.toFixed(2)}, 1]: ${bins[2]}`,
      `(1, Inf): ${bins[3]}`,
    ];
    const [y0, y1] = p.domains.y as [number, number];
    labels.forEach((t, i) => {
      p.text(x1 - 0.02 * (x1 - x0), y1 - (0.08 + 0.08 * i) * (y1 - y0), t, { anchor: "end", size: 10 });
    });
  }
  return finish(renderFigure([[p]], { title: o.title, kind: "khat" }), options);
}
