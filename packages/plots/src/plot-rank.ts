import { type PlotInput, toInferenceData } from "./data.js";
import { defaultCols, panelSize, toRows } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { Panel } from "./internal/panel.js";
import { color } from "./internal/theme.js";
import type { BasePlotOptions } from "./options.js";
import { finish, type PlotResult } from "./output.js";
import { type Scalar, selectScalars } from "./select.js";
import { rankHistogram } from "./stats/ranks.js";

/** Options of {@link plotRank} (ArviZ `plot_rank`). */
export interface PlotRankOptions extends BasePlotOptions {
  /** `"bars"` (default): one histogram per chain, stacked; `"vlines"`: deviations from uniform as lines. */
  kind?: "bars" | "vlines";
  /** Number of rank bins; default ⌈2·log2(draws)⌉ + 1 as ArviZ. */
  bins?: number;
  /** Draw each chain's uniform reference line. Default true. */
  refLine?: boolean;
}

/**
 * Draws one scalar's rank plot into a new panel: bars of each chain's rank histogram (ArviZ's normalised
 * heights, stacked with a gap of 2/N), each bar a `rect.ph-bar` with `data-chain`, `data-bin` and
 * `data-count` (the count ArviZ bins).
 */
export function drawRank(
  s: Scalar,
  o: {
    width: number;
    height: number;
    kind: "bars" | "vlines";
    refLine: boolean;
    bins?: number;
    title: string;
  },
): Panel {
  const C = s.numChains;
  const N = s.data.length;
  const h = rankHistogram(s.data, C, o.bins);
  const nb = h.edges.length - 1;
  const width = h.edges[1]! - h.edges[0]!;
  const dens = h.counts.map((c) => {
    let tot = 0;
    for (const v of c) tot += v;
    return c.map((v) => v / (tot * width));
  });
  const gap = 2 / N;
  if (o.kind === "bars") {
    let top = 0;
    dens.forEach((d, c) => {
      for (const v of d) top = Math.max(top, c * gap + v);
    });
    const p = new Panel({
      width: o.width,
      height: o.height,
      xDomain: [0, N],
      yDomain: [0, Math.max(top, C * gap)],
      title: o.title,
      nice: false,
      yTicks: {
        at: Array.from({ length: C }, (_, c) => c * gap),
        labels: Array.from({ length: C }, (_, c) => String(c)),
      },
      yLabel: "Chain",
      xLabel: "Rank (all chains)",
    });
    for (let c = 0; c < C; c++) {
      const base = c * gap;
      for (let b = 0; b < nb; b++) {
        p.rect(h.edges[b]!, h.edges[b + 1]!, base, base + dens[c]![b]!, {
          fill: color(c),
          stroke: "#ffffff",
          cls: "ph-bar",
          data: { chain: c, bin: b, count: h.counts[c]![b]! },
        });
      }
      if (o.refLine) {
        let m = 0;
        for (const v of dens[c]!) m += v;
        p.hline(base + m / nb, { stroke: "#000000", dash: "4 3", width: 1, cls: "ph-ref" });
      }
    }
    return p;
  }
  // vlines: counts around their mean
  let m = 0;
  for (const c of h.counts) for (const v of c) m += v;
  m /= C * nb;
  let maxDev = 0;
  for (const c of h.counts) for (const v of c) maxDev = Math.max(maxDev, Math.abs(v - m));
  const p = new Panel({
    width: o.width,
    height: o.height,
    xDomain: [0, N],
    yDomain: [0, 2 * m],
    title: o.title,
    xLabel: "Rank (all chains)",
    hideYTicks: true,
  });
  const centres = Array.from({ length: nb }, (_, b) => (h.edges[b]! + h.edges[b + 1]!) / 2);
  for (let c = 0; c < C; c++) {
    const off = (c - (C - 1) / 2) * (width / (2 * C));
    for (let b = 0; b < nb; b++) {
      p.line([centres[b]! + off, centres[b]! + off], [m, h.counts[c]![b]!], {
        stroke: color(c),
        width: 2,
        cls: "ph-vline-rank",
        data: { chain: c, bin: b, count: h.counts[c]![b]! },
      });
    }
    p.circles(
      centres.map((x) => x + off),
      h.counts[c]!,
      { r: 2.5, fill: color(c), cls: "ph-rank-marker" },
    );
  }
  if (o.refLine) p.hline(m, { stroke: "#000000", dash: "4 3", width: 1, cls: "ph-ref" });
  return p;
}

/**
 * Rank plot (ArviZ `plot_rank`): per scalar, the histogram of each chain's ranks among all draws; flat bars
 * mean well-mixed chains.
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotRankOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for unknown variables or a missing posterior.
 * @example
 * const svg = plotRank({ mu: [[0.1, 0.3, -0.2, 0.5], [0.2, 0.0, 0.4, -0.1]] }, { output: "string" });
 * svg.includes("ph-bar"); // → true
 */
export function plotRank<O extends PlotRankOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotRankOptions = options ?? {};
  const idata = toInferenceData(data, "plotRank");
  const scalars = selectScalars(idata, "posterior", o, "plotRank");
  const cols = defaultCols(scalars.length, o.cols);
  const nRows = Math.ceil(scalars.length / cols);
  const [pw, ph] = panelSize(nRows, cols, o.figsize, [300, 200]);
  const panels = scalars.map((s) =>
    drawRank(s, {
      width: pw,
      height: ph,
      kind: o.kind ?? "bars",
      refLine: o.refLine ?? true,
      bins: o.bins,
      title: s.label,
    }),
  );
  return finish(renderFigure(toRows(panels, cols), { title: o.title, kind: "rank" }), options);
}
