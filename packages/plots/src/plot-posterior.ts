import { hpdi } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import {
  checkProb,
  defaultCols,
  fmt,
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
import { histogramUniform } from "./stats/histogram.js";

/** A point estimate ArviZ can print. */
export type PointEstimate = "mean" | "median" | "mode" | false;

/** Options of {@link plotPosterior} (ArviZ `plot_posterior`). */
export interface PlotPosteriorOptions extends BasePlotOptions {
  /** Credible mass of the HDI line. Default 0.94. */
  hdiProb?: number;
  /** Point estimate written above the density. Default `"mean"` (ArviZ's `rcParams["plot.point_estimate"]`). */
  pointEstimate?: PointEstimate;
  /** `"kde"` (default) or `"hist"`. */
  kind?: "kde" | "hist";
  /** Reference value(s): one for all variables, or per label (`{ mu: 0 }`); the mass below/above is shown. */
  refVal?: number | Readonly<Record<string, number>>;
  /** Region of practical equivalence `[lo, hi]`, for all or per label; the mass inside is shown. */
  rope?: readonly [number, number] | Readonly<Record<string, readonly [number, number]>>;
}

function perLabel<T>(
  v: T | Readonly<Record<string, T>> | undefined,
  label: string,
  varName: string,
  isScalar: (x: unknown) => boolean,
): T | undefined {
  if (v === undefined) return undefined;
  if (isScalar(v)) return v as T;
  const r = v as Readonly<Record<string, T>>;
  return r[label] ?? r[varName];
}

function modeOf(x: Float64Array): number {
  const k = tryKde(x);
  if (!k) return x[0]!;
  let best = 0;
  for (let i = 1; i < k.pdf.length; i++) if (k.pdf[i]! > k.pdf[best]!) best = i;
  return k.grid[best]!;
}

/**
 * Posterior plot (ArviZ `plot_posterior`): per scalar, the KDE of all draws, the HDI as a thick line
 * (`ph-hdi`, `data-lo`/`data-hi`) labelled with its bounds, the point estimate, and optionally a reference
 * value and a ROPE with the posterior mass on each side / inside.
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotPosteriorOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError for an invalid `hdiProb`, unknown variables or a missing posterior.
 * @example
 * plotPosterior({ mu: [[0.1, 0.3, -0.2, 0.5], [0.2, 0.0, 0.4, -0.1]] }, { output: "string" }).includes("ph-hdi"); // → true
 */
export function plotPosterior<O extends PlotPosteriorOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotPosteriorOptions = options ?? {};
  const where = "plotPosterior";
  const prob = checkProb(o.hdiProb ?? HDI_PROB, where);
  const scalars = selectScalars(toInferenceData(data, where), "posterior", o, where);
  const cols = defaultCols(scalars.length, o.cols);
  const [pw, ph] = panelSize(Math.ceil(scalars.length / cols), cols, o.figsize, [280, 190]);
  const panels = scalars.map((s) => {
    const x = s.data;
    const [lo, hi] = hpdi(x, prob) as unknown as [number, number];
    const ref = perLabel<number>(o.refVal, s.label, s.varName, (v) => typeof v === "number");
    const rope = perLabel<readonly [number, number]>(o.rope, s.label, s.varName, (v) => Array.isArray(v));
    if (rope && !(rope.length === 2 && rope[0] < rope[1])) {
      throw new PlotsError(
        "invalid-argument",
        `${where}: rope for ${s.label} must be [lo, hi] with lo < hi.`,
      );
    }
    const extra = [ref, ...(rope ?? [])].filter((v): v is number => v !== undefined);
    const kind = o.kind ?? "kde";
    let yMax = 1;
    let k: ReturnType<typeof tryKde>;
    let hist: { counts: Float64Array; edges: Float64Array } | undefined;
    if (kind === "kde") {
      k = tryKde(x);
      yMax = k ? Math.max(...k.pdf) : 1;
    } else {
      const [a, b] = extentOf(x);
      hist = histogramUniform(x, Math.max(10, Math.ceil(Math.log2(x.length)) + 1), a, b);
      const w = hist.edges[1]! - hist.edges[0]!;
      hist.counts = hist.counts.map((c) => c / (x.length * w));
      yMax = Math.max(...hist.counts);
    }
    const p = new Panel({
      width: pw,
      height: ph,
      xDomain: extentOf(x, k?.grid ?? [], extra),
      yDomain: [-0.12 * yMax, yMax * 1.25],
      title: s.label,
      hideYTicks: true,
    });
    if (k) p.line(k.grid, k.pdf, { stroke: color(0), width: 1.6, cls: "ph-density" });
    else if (hist) {
      for (let b = 0; b < hist.counts.length; b++) {
        p.rect(hist.edges[b]!, hist.edges[b + 1]!, 0, hist.counts[b]!, {
          fill: color(0),
          stroke: "#ffffff",
          cls: "ph-bar",
          opacity: 0.8,
        });
      }
    } else p.vline(x[0]!, { stroke: color(0), cls: "ph-density" });
    p.line([lo, hi], [-0.04 * yMax, -0.04 * yMax], {
      stroke: "#000000",
      width: 3,
      cls: "ph-hdi",
      data: { lo, hi, prob },
    });
    p.text(lo, -0.04 * yMax, fmt(lo), { dy: 13, size: 10 });
    p.text(hi, -0.04 * yMax, fmt(hi), { dy: 13, size: 10 });
    p.text((lo + hi) / 2, -0.04 * yMax, `${Math.round(prob * 100)}% HDI`, { dy: -4, size: 10 });
    const pe = o.pointEstimate ?? "mean";
    if (pe !== false) {
      const v = pe === "mean" ? meanOf(x) : pe === "median" ? medianOf(x) : modeOf(x);
      p.text((p.domains.x[0]! + p.domains.x[1]!) / 2, yMax * 1.12, `${pe}=${fmt(v)}`, { size: 12 });
      p.vline(
        v,
        { stroke: "#444444", dash: "2 2", width: 0.8, cls: "ph-point-estimate", data: { value: v } },
        0,
        yMax,
      );
    }
    if (ref !== undefined) {
      let below = 0;
      for (const v of x) if (v <= ref) below++;
      const pb = (100 * below) / x.length;
      p.vline(ref, { stroke: "#2ca02c", width: 1.5, cls: "ph-ref-val", data: { value: ref } }, 0, yMax);
      p.text(ref, yMax * 0.9, `${pb.toFixed(1)}% < ${fmt(ref)} < ${(100 - pb).toFixed(1)}%`, {
        color: "#2ca02c",
        size: 10,
      });
    }
    if (rope) {
      let inside = 0;
      for (const v of x) if (v >= rope[0] && v <= rope[1]) inside++;
      p.rect(rope[0], rope[1], 0, yMax, { fill: "#d62728", opacity: 0.15, cls: "ph-rope" });
      p.text((rope[0] + rope[1]) / 2, yMax * 0.75, `${((100 * inside) / x.length).toFixed(1)}% in ROPE`, {
        color: "#d62728",
        size: 10,
      });
    }
    return p;
  });
  return finish(renderFigure(toRows(panels, cols), { title: o.title, kind: "posterior" }), options);
}
