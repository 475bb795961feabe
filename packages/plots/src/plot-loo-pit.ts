import { looPit } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { checkProb, HDI_PROB, panelSize, tryKde } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { logLikDraws, posteriorArrays } from "./internal/loo-input.js";
import { observedPairs } from "./internal/observed.js";
import { Panel } from "./internal/panel.js";
import { mulberry32 } from "./internal/random.js";
import type { OutputOptions } from "./output.js";
import { finish, type PlotResult } from "./output.js";
import { pitEcdfBands, pitHdiOdds } from "./stats/pit-bands.js";
import { posteriorReff } from "./stats/reff.js";

/** Options of {@link plotLooPit} (ArviZ `plot_loo_pit`). */
export interface PlotLooPitOptions extends OutputOptions {
  /** The observed variable (needed when there are several). */
  y?: string;
  /** Plot the ECDF of the PIT values minus the uniform CDF, with pointwise Beta bands. Default false. */
  ecdf?: boolean;
  /** With the KDE view: shade ArviZ's uniformity band instead of drawing uniform KDEs. Default false. */
  useHdi?: boolean;
  /** Band probability. Default 0.94. */
  hdiProb?: number;
  /** Uniform reference samples drawn (KDE view). Default 100. */
  nUnif?: number;
  /** Seed for those samples. Default 0. */
  randomSeed?: number;
  /** Figure size in px. */
  figsize?: readonly [number, number];
  /** Figure title. */
  title?: string;
}

/**
 * LOO-PIT plot (ArviZ `plot_loo_pit`): the leave-one-out probability integral transform of each
 * observation (PSIS weights with ArviZ's r_eff), as a KDE against uniform samples, or as an ECDF difference
 * with pointwise Beta(i+1, n−i+1) bands (`ph-pit-band`). Each PIT value is also drawn as a tick
 * (`ph-pit`, `data-value`).
 * @param data - InferenceData with `log_likelihood`, `posterior_predictive`, `observed_data`, `posterior`.
 * @param options - see {@link PlotLooPitOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError when a group or the variable is missing.
 */
export function plotLooPit<O extends PlotLooPitOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotLooPitOptions = options ?? {};
  const where = "plotLooPit";
  const prob = checkProb(o.hdiProb ?? HDI_PROB, where);
  const idata = toInferenceData(data, where);
  const ll = logLikDraws(idata, o.y, where);
  const [pair] = observedPairs(idata, "posterior_predictive", [ll.name], where);
  const [C, D] = ll.shape as [number, number];
  const reff = posteriorReff(posteriorArrays(idata), C, D);
  const pit = looPit(
    pair!.observed,
    { data: pair!.draws, shape: [C, D, pair!.numObs] },
    { data: ll.data, shape: ll.shape },
    { reff },
  );
  const n = pit.length;
  const [w, h] = panelSize(1, 1, o.figsize, [440, 280]);
  let p: Panel;
  if (o.ecdf) {
    const b = pitEcdfBands(n, prob);
    const s = Float64Array.from(pit).sort();
    p = new Panel({
      width: w,
      height: h,
      xDomain: [0, 1],
      yDomain: [
        Math.min(...b.lower.map((v, i) => v - b.x[i]!)),
        Math.max(...b.upper.map((v, i) => v - b.x[i]!)),
      ],
      title: `${ll.name}: LOO-PIT ECDF − uniform`,
    });
    p.area(
      b.x,
      b.lower.map((v, i) => v - b.x[i]!),
      b.upper.map((v, i) => v - b.x[i]!),
      { fill: "#1f77b4", opacity: 0.2, cls: "ph-pit-band" },
    );
    const xs: number[] = [0];
    const ys: number[] = [0];
    for (let i = 0; i < n; i++) {
      xs.push(s[i]!, s[i]!);
      ys.push(i / n - s[i]!, (i + 1) / n - s[i]!);
    }
    xs.push(1);
    ys.push(0);
    p.line(xs, ys, { stroke: "#000000", width: 1.6, cls: "ph-loo-pit" });
    p.hline(0, { stroke: "#888888", dash: "3 3", cls: "ph-ref" });
  } else {
    const nUnif = o.nUnif ?? 100;
    if (!(Number.isInteger(nUnif) && nUnif >= 0))
      throw new PlotsError(
        "invalid-argument",
        `${where}: nUnif must be a non-negative integer, got ${nUnif}.`,
      );
    const k = tryKde(Float64Array.from(pit).sort());
    const rnd = mulberry32(o.randomSeed ?? 0);
    const unif = o.useHdi
      ? []
      : Array.from({ length: nUnif }, () => tryKde(Float64Array.from({ length: n }, () => rnd())));
    let yMax = k ? Math.max(...k.pdf) : 1;
    for (const u of unif) if (u) yMax = Math.max(yMax, ...u.pdf);
    const odds = pitHdiOdds(n, prob);
    if (o.useHdi) yMax = Math.max(yMax, odds[1]);
    p = new Panel({
      width: w,
      height: h,
      xDomain: [0, 1],
      yDomain: [0, yMax * 1.05],
      title: `${ll.name}: LOO-PIT`,
    });
    if (o.useHdi) p.rect(0, 1, odds[0], odds[1], { fill: "#1f77b4", opacity: 0.2, cls: "ph-pit-band" });
    for (const u of unif)
      if (u) p.line(u.grid, u.pdf, { stroke: "#1f77b4", width: 0.8, opacity: 0.15, cls: "ph-unif" });
    if (k) p.line(k.grid, k.pdf, { stroke: "#000000", width: 2, cls: "ph-loo-pit" });
    p.hline(1, { stroke: "#888888", dash: "3 3", cls: "ph-ref" });
  }
  const [y0, y1] = p.domains.y as [number, number];
  for (const v of pit)
    p.line([v, v], [y0, y0 + 0.04 * (y1 - y0)], {
      stroke: "#000000",
      width: 1,
      cls: "ph-pit",
      data: { value: v },
    });
  return finish(renderFigure([[p]], { title: o.title, kind: "loo-pit" }), options);
}
