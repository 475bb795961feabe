import { hpdi } from "@phlox/diagnostics";
import { PlotsError } from "./errors.js";
import { checkProb, panelSize, tryKde } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { extentOf, Panel } from "./internal/panel.js";
import { color } from "./internal/theme.js";
import type { OutputOptions } from "./output.js";
import { finish, type PlotResult } from "./output.js";
import type { BandwidthMethod } from "./stats/bandwidth.js";
import { histogramEdges } from "./stats/histogram.js";

/** Options of {@link plotDist} (ArviZ `plot_dist`). */
export interface PlotDistOptions extends OutputOptions {
  /** `"auto"` (default: hist for integer data, kde otherwise), `"kde"` or `"hist"`. */
  kind?: "auto" | "kde" | "hist";
  /** Plot the cumulative distribution. Default false. */
  cumulative?: boolean;
  /** Add a rug of the values. Default false. */
  rug?: boolean;
  /** Shade the KDE to this opacity (0 = no fill). Default 0. */
  fill?: number;
  /** KDE bandwidth rule or value. Default "experimental". */
  bw?: BandwidthMethod | number;
  /** Mark the HDI of this mass on the x axis. */
  hdiProb?: number;
  /** Line colour. */
  color?: string;
  /** Legend label. */
  label?: string;
  /** Figure size in px. */
  figsize?: readonly [number, number];
  /** Figure title. */
  title?: string;
}

/** ArviZ's `get_bins` for histograms: width max(Sturges, Freedman–Diaconis), integer-aligned for integer data. */
function bins(x: Float64Array, isInt: boolean): Float64Array {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  const lo = s[0]!;
  const hi = s[n - 1]!;
  const q = (p: number) => {
    const i = p * (n - 1);
    const a = Math.floor(i);
    return s[a]! + (s[Math.min(a + 1, n - 1)]! - s[a]!) * (i - a);
  };
  const sturges = (hi - lo) / (Math.log2(n) + 1);
  const fd = 2 * (q(0.75) - q(0.25)) * n ** (-1 / 3);
  if (isInt) {
    const w = Math.round(Math.max(1, sturges, fd));
    const out: number[] = [];
    for (let v = lo; v < hi + w + 1; v += w) out.push(v);
    return Float64Array.from(out);
  }
  let w = Math.max(sturges, fd);
  if (Math.abs(hi - lo) <= 1e-8 + 1e-5 * Math.abs(lo)) w = 1e-3;
  const out: number[] = [];
  for (let i = 0; lo + i * w < hi + w; i++) out.push(lo + i * w);
  return Float64Array.from(out);
}

/**
 * Distribution of one array of values (ArviZ `plot_dist`): a KDE (`ph-density`) or a histogram with
 * ArviZ's bins (`ph-bar`, `data-count`), optionally cumulative, with a rug and an HDI.
 * @param values - the values (e.g. draws of one scalar).
 * @param options - see {@link PlotDistOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for empty or non-finite values or an invalid option.
 * @example
 * plotDist([1.2, 0.4, 2.2, 1.9, 0.8], { output: "string" }).includes("ph-density"); // → true
 */
export function plotDist<O extends PlotDistOptions>(values: ArrayLike<number>, options?: O): PlotResult<O> {
  const o: PlotDistOptions = options ?? {};
  const where = "plotDist";
  const x = Float64Array.from(values);
  if (x.length === 0) throw new PlotsError("invalid-input", `${where}: no values.`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]!))
      throw new PlotsError(
        "invalid-input",
        `${where}: values[${i}] is ${x[i]}; drop non-finite values first.`,
      );
  const isInt = x.every((v) => Number.isInteger(v));
  const kind = o.kind === undefined || o.kind === "auto" ? (isInt ? "hist" : "kde") : o.kind;
  const col = o.color ?? color(0);
  const [w, h] = panelSize(1, 1, o.figsize, [420, 260]);
  let p: Panel;
  if (kind === "kde") {
    const k = tryKde(x, { bw: o.bw, cumulative: o.cumulative });
    const yMax = k ? Math.max(...k.pdf) : 1;
    p = new Panel({
      width: w,
      height: h,
      xDomain: extentOf(x, k?.grid ?? []),
      yDomain: [0, yMax * 1.05],
      title: o.label,
      hideYTicks: !o.cumulative,
    });
    if (k) {
      if (o.fill)
        p.area(k.grid, new Float64Array(k.grid.length), k.pdf, {
          fill: col,
          opacity: o.fill,
          cls: "ph-fill",
        });
      p.line(k.grid, k.pdf, { stroke: col, width: 1.6, cls: "ph-density" });
    } else p.vline(x[0]!, { stroke: col, cls: "ph-density" });
  } else {
    const e = bins(x, isInt);
    const edges = isInt ? e.map((v) => v - 0.5) : e;
    const counts = histogramEdges(x, edges);
    const bw = edges.map((v, i) => (i + 1 < edges.length ? edges[i + 1]! - v : 0));
    let heights = Float64Array.from(counts, (c, i) => c / (x.length * bw[i]!));
    if (o.cumulative) {
      let acc = 0;
      heights = Float64Array.from(counts, (c) => {
        acc += c;
        return acc / x.length;
      });
    }
    p = new Panel({
      width: w,
      height: h,
      xDomain: extentOf(edges),
      yDomain: [0, Math.max(...heights) * 1.05],
      title: o.label,
      hideYTicks: !o.cumulative,
    });
    for (let b = 0; b < counts.length; b++) {
      p.rect(edges[b]!, edges[b + 1]!, 0, heights[b]!, {
        fill: col,
        stroke: "#ffffff",
        opacity: 0.85,
        cls: "ph-bar",
        data: { count: counts[b]! },
      });
    }
  }
  if (o.rug) {
    const [y0, y1] = p.domains.y as [number, number];
    p.points(x, new Float64Array(x.length).fill(y0 + 0.02 * (y1 - y0)), {
      color: "#000000",
      size: 2,
      opacity: 0.5,
      cls: "ph-rug",
    });
  }
  if (o.hdiProb !== undefined) {
    const prob = checkProb(o.hdiProb, where);
    const [lo, hi] = hpdi(x, prob) as unknown as [number, number];
    const y0 = p.domains.y[0]!;
    p.line([lo, hi], [y0, y0], { stroke: "#000000", width: 4, cls: "ph-hdi", data: { lo, hi, prob } });
  }
  return finish(renderFigure([[p]], { title: o.title, kind: "dist" }), options);
}
