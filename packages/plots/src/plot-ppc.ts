import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { kdeExtent, panelSize, tryKde } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { observedPairs } from "./internal/observed.js";
import { extentOf, Panel } from "./internal/panel.js";
import { sampleIndices } from "./internal/random.js";
import type { OutputOptions } from "./output.js";
import { finish, type PlotResult } from "./output.js";

/** Options of {@link plotPpc} (ArviZ `plot_ppc`). */
export interface PlotPpcOptions extends OutputOptions {
  /** `"kde"` (default), `"cumulative"` (ECDFs) or `"scatter"`. */
  kind?: "kde" | "cumulative" | "scatter";
  /** `"posterior"` (default; the `posterior_predictive` group) or `"prior"` (`prior_predictive`). */
  group?: "posterior" | "prior";
  /** Observed variables to plot; default all present in both groups. */
  varNames?: readonly string[];
  /** Predictive draws drawn, chosen at random without replacement (seeded). Default min(100, all) (ArviZ: all for kde). */
  numPpSamples?: number;
  /** Seed of that choice. Default 0. */
  randomSeed?: number;
  /** Draw the density of all predictive values pooled. Default true. */
  mean?: boolean;
  /** Draw the observed data. Default true. */
  observed?: boolean;
  /** Figure size in px. */
  figsize?: readonly [number, number];
  /** Figure title. */
  title?: string;
}

function ecdf(x: Float64Array): { x: Float64Array; y: Float64Array } {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  const xs = new Float64Array(2 * n);
  const ys = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    xs[2 * i] = s[i]!;
    ys[2 * i] = i / n;
    xs[2 * i + 1] = s[i]!;
    ys[2 * i + 1] = (i + 1) / n;
  }
  return { x: xs, y: ys };
}

/**
 * Posterior (or prior) predictive check (ArviZ `plot_ppc`): per observed variable, the density (or ECDF)
 * of the observed data (`ph-observed`) against that of predictive draws (`ph-ppc-sample`, one line per
 * draw) and of all predictive values pooled (`ph-ppc-mean`).
 * @param data - InferenceData with `observed_data` and `posterior_predictive` (or `prior_predictive`).
 * @param options - see {@link PlotPpcOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError when a group or variable is missing or shapes disagree.
 */
export function plotPpc<O extends PlotPpcOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotPpcOptions = options ?? {};
  const where = "plotPpc";
  const kind = o.kind ?? "kde";
  if (!["kde", "cumulative", "scatter"].includes(kind))
    throw new PlotsError(
      "invalid-argument",
      `${where}: kind must be "kde", "cumulative" or "scatter", got "${kind}".`,
    );
  const group = (o.group ?? "posterior") === "prior" ? "prior_predictive" : "posterior_predictive";
  const pairs = observedPairs(toInferenceData(data, where), group, o.varNames, where);
  const [pw, ph] = panelSize(pairs.length, 1, o.figsize, [460, 260]);
  const panels = pairs.map((pp) => {
    const S = pp.numChains * pp.numDraws;
    const want = o.numPpSamples ?? Math.min(100, S);
    if (!(Number.isInteger(want) && want >= 1))
      throw new PlotsError(
        "invalid-argument",
        `${where}: numPpSamples must be a positive integer, got ${want}.`,
      );
    const idx = sampleIndices(S, want, o.randomSeed ?? 0);
    const samples = idx.map((s) => pp.draws.subarray(s * pp.numObs, (s + 1) * pp.numObs));
    if (kind === "kde") {
      const kdes = samples.map((x) => tryKde(x));
      const ko = tryKde(pp.observed);
      const km = tryKde(pp.draws);
      const ext = kdeExtent([...kdes, ko, km], [pp.observed]);
      const p = new Panel({
        width: pw,
        height: ph,
        xDomain: ext.x,
        yDomain: [0, ext.yMax * 1.05],
        title: pp.name,
        hideYTicks: true,
      });
      kdes.forEach((k) => {
        if (k) p.line(k.grid, k.pdf, { stroke: "#1f77b4", width: 0.8, opacity: 0.2, cls: "ph-ppc-sample" });
      });
      if ((o.observed ?? true) && ko)
        p.line(ko.grid, ko.pdf, { stroke: "#000000", width: 2, cls: "ph-observed" });
      if ((o.mean ?? true) && km)
        p.line(km.grid, km.pdf, { stroke: "#ff7f0e", width: 1.6, dash: "5 3", cls: "ph-ppc-mean" });
      return p;
    }
    if (kind === "cumulative") {
      const p = new Panel({
        width: pw,
        height: ph,
        xDomain: extentOf(pp.observed, ...samples),
        yDomain: [0, 1],
        title: pp.name,
      });
      for (const x of samples) {
        const e = ecdf(x);
        p.line(e.x, e.y, { stroke: "#1f77b4", width: 0.8, opacity: 0.2, cls: "ph-ppc-sample" });
      }
      if (o.observed ?? true) {
        const e = ecdf(pp.observed);
        p.line(e.x, e.y, { stroke: "#000000", width: 2, cls: "ph-observed" });
      }
      if (o.mean ?? true) {
        const e = ecdf(pp.draws);
        p.line(e.x, e.y, { stroke: "#ff7f0e", width: 1.6, dash: "5 3", cls: "ph-ppc-mean" });
      }
      return p;
    }
    // scatter: observed on the first row, each predictive draw on its own row below
    const p = new Panel({
      width: pw,
      height: ph,
      xDomain: extentOf(pp.observed, ...samples),
      yDomain: [-samples.length - 1, 1],
      title: pp.name,
      hideYTicks: true,
    });
    samples.forEach((x, i) => {
      p.points(x, new Float64Array(x.length).fill(-(i + 1)), {
        color: "#1f77b4",
        size: 3,
        opacity: 0.4,
        cls: "ph-ppc-sample",
      });
    });
    if (o.observed ?? true)
      p.circles(pp.observed, new Float64Array(pp.observed.length), {
        r: 3.5,
        fill: "#000000",
        cls: "ph-observed",
      });
    return p;
  });
  const legend = [
    { label: "Observed", color: "#000000" },
    { label: `${group === "prior_predictive" ? "Prior" : "Posterior"} predictive`, color: "#1f77b4" },
    ...(kind !== "scatter" && (o.mean ?? true)
      ? [{ label: "Predictive mean", color: "#ff7f0e", dash: "5 3" }]
      : []),
  ];
  return finish(
    renderFigure(
      panels.map((p) => [p]),
      { title: o.title, kind: "ppc", legend },
    ),
    options,
  );
}
