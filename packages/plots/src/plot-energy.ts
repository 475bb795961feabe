import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { kdeExtent, panelSize, tryKde } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { Panel } from "./internal/panel.js";
import type { OutputOptions } from "./output.js";
import { finish, type PlotResult } from "./output.js";
import { bfmi } from "./stats/bfmi.js";

/** Options of {@link plotEnergy} (ArviZ `plot_energy`). */
export interface PlotEnergyOptions extends OutputOptions {
  /** `"kde"` (default) or `"hist"`. */
  kind?: "kde" | "hist";
  /** Print the BFMI of each chain. Default true. */
  bfmi?: boolean;
  /** Figure size in px. */
  figsize?: readonly [number, number];
  /** Figure title. */
  title?: string;
}

/**
 * Energy plot (ArviZ `plot_energy`): the marginal energy distribution (centred) against the energy
 * transition distribution (successive differences), with the BFMI of each chain. Overlapping shapes mean
 * the sampler explores the energy levels well.
 * @param data - InferenceData (or MCMC object) with `sample_stats.energy`.
 * @param options - see {@link PlotEnergyOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError `missing-group` without `sample_stats.energy`.
 */
export function plotEnergy<O extends PlotEnergyOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotEnergyOptions = options ?? {};
  const idata = toInferenceData(data, "plotEnergy");
  const v = idata.has("sample_stats") ? idata.get("sample_stats").variables.energy : undefined;
  if (!v)
    throw new PlotsError(
      "missing-group",
      "plotEnergy: needs sample_stats.energy (NUTS/HMC output with energy recorded).",
    );
  const [C, D] = v.shape as [number, number];
  const e = Float64Array.from(v.data as ArrayLike<number>, Number);
  let m = 0;
  for (const x of e) m += x;
  m /= e.length;
  const marginal = e.map((x) => x - m);
  const transition = new Float64Array(C * (D - 1));
  for (let c = 0; c < C; c++)
    for (let i = 1; i < D; i++) transition[c * (D - 1) + i - 1] = e[c * D + i]! - e[c * D + i - 1]!;
  const [w, h] = panelSize(1, 1, o.figsize, [420, 280]);
  const series = [
    { name: "Marginal energy", x: marginal, color: "#1f77b4", cls: "ph-energy-marginal" },
    { name: "Energy transition", x: transition, color: "#ff7f0e", cls: "ph-energy-transition" },
  ];
  const kdes = series.map((s) => tryKde(s.x));
  const ext = kdeExtent(
    kdes,
    series.map((s) => s.x),
  );
  const p = new Panel({
    width: w,
    height: h,
    xDomain: ext.x,
    yDomain: [0, ext.yMax * 1.3],
    hideYTicks: true,
  });
  series.forEach((s, i) => {
    const k = kdes[i];
    if (k)
      p.area(k.grid, new Float64Array(k.grid.length), k.pdf, {
        fill: s.color,
        opacity: 0.35,
        cls: s.cls,
        stroke: s.color,
      });
  });
  const legend = series.map((s) => ({ label: s.name, color: s.color }));
  if (o.bfmi ?? true) {
    const b = bfmi(e, C);
    const [x0, x1] = p.domains.x as [number, number];
    b.forEach((val, c) => {
      p.text(x0 + 0.02 * (x1 - x0), ext.yMax * (1.25 - 0.09 * c), `chain ${c}: BFMI = ${val.toFixed(2)}`, {
        anchor: "start",
        size: 10,
      });
    });
  }
  return finish(renderFigure([[p]], { title: o.title, kind: "energy", legend }), options);
}
