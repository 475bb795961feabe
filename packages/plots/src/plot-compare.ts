import { type CompareOptions, type CompareRow, compare, type ElpdData, loo } from "@phlox/diagnostics";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { renderFigure } from "./internal/figure.js";
import { logLikDraws, posteriorArrays } from "./internal/loo-input.js";
import { extentOf, Panel } from "./internal/panel.js";
import type { OutputOptions } from "./output.js";
import { finish, type PlotResult } from "./output.js";

/** Options of {@link plotCompare} (ArviZ `plot_compare`). */
export interface PlotCompareOptions extends OutputOptions, CompareOptions {
  /** Draw each model's standard error bar. Default true. */
  plotStandardError?: boolean;
  /** Draw the difference to the best model with its standard error. Default true. */
  plotIcDiff?: boolean;
  /** Draw the in-sample elpd (elpd + p). Default false. */
  insampleDev?: boolean;
  /** Log-likelihood variable of InferenceData inputs (needed when there are several). */
  varName?: string;
  /** Figure width in px. */
  figsize?: readonly [number, number];
  /** Figure title. */
  title?: string;
}

function isElpd(x: unknown): x is ElpdData {
  return typeof x === "object" && x !== null && "pointwise" in x && "estimate" in x;
}

/**
 * Model comparison plot (ArviZ `plot_compare`): per model (best first) its elpd with standard error
 * (`ph-elpd`, `ph-se`), the difference to the best model with the standard error of the difference
 * (`ph-elpd-diff`, `ph-dse`), and a dashed line at the best elpd. Models are ranked by `compare` of
 * `@phlox/diagnostics` (LOO by default, stacking weights).
 * @param models - per name, an InferenceData (with `log_likelihood`), an MCMC object, or a `loo`/`waic` result.
 * @param options - see {@link PlotCompareOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError with fewer than two models.
 */
export function plotCompare<O extends PlotCompareOptions>(
  models: Readonly<Record<string, PlotInput | ElpdData>>,
  options?: O,
): PlotResult<O> {
  const o: PlotCompareOptions = options ?? {};
  const where = "plotCompare";
  const names = Object.keys(models);
  if (names.length < 2)
    throw new PlotsError("invalid-argument", `${where}: needs at least two models, got ${names.length}.`);
  const ic = o.ic ?? "loo";
  const elpds: Record<string, ElpdData> = {};
  for (const name of names) {
    const m = models[name]!;
    if (isElpd(m)) {
      elpds[name] = m;
      continue;
    }
    const idata = toInferenceData(m as PlotInput, `${where}(${name})`);
    const ll = logLikDraws(idata, o.varName, `${where}(${name})`);
    const [C, D] = ll.shape as [number, number];
    const posterior = Object.fromEntries(
      Object.entries(posteriorArrays(idata)).map(([k, v]) => {
        const e = v.length / (C * D);
        return [k, { data: v, shape: e === 1 ? [C, D] : [C, D, e] }];
      }),
    );
    elpds[name] = loo({ data: ll.data, shape: ll.shape }, { posterior, warn: false, scale: o.scale });
  }
  const rows: CompareRow[] = compare(elpds, { ic, method: o.method, scale: o.scale });
  const n = rows.length;
  const best = rows[0]!;
  const sign = best.scale === "log" ? 1 : -1;
  const xs: number[] = [];
  for (const r of rows) {
    xs.push(r.elpd - r.se, r.elpd + r.se);
    if (o.insampleDev) xs.push(r.elpd + sign * r.p);
    if (r.rank > 0) xs.push(best.elpd - sign * r.elpdDiff - r.dse, best.elpd - sign * r.elpdDiff + r.dse);
  }
  const width = o.figsize?.[0] ?? 460;
  const height = o.figsize?.[1] ?? Math.max(160, 60 + 46 * n);
  const labelW = Math.min(220, 16 + 6.5 * Math.max(...rows.map((r) => r.name.length)));
  const p = new Panel({
    marginLeft: labelW,
    width: width + labelW,
    height,
    xDomain: extentOf(xs),
    yDomain: [-(n - 1) - 0.7, 0.5],
    yTicks: { at: rows.map((_, i) => -i), labels: rows.map((r) => r.name) },
    xLabel: best.scale === "log" ? `elpd_${ic} (log)` : `${ic} (${best.scale})`,
    title: "Model comparison",
  });
  p.vline(best.elpd, { stroke: "#888888", dash: "4 3", cls: "ph-best" });
  rows.forEach((r, i) => {
    if (o.plotStandardError ?? true)
      p.line([r.elpd - r.se, r.elpd + r.se], [-i, -i], {
        stroke: "#000000",
        width: 1.5,
        cls: "ph-se",
        data: { model: r.name, se: r.se },
      });
    p.circles([r.elpd], [-i], { r: 4.5, fill: "#ffffff", stroke: "#000000", cls: "ph-elpd" });
    if (o.insampleDev)
      p.circles([r.elpd + sign * r.p], [-i], { r: 3.5, fill: "#000000", cls: "ph-insample" });
    if ((o.plotIcDiff ?? true) && r.rank > 0) {
      const d = best.elpd - sign * r.elpdDiff;
      p.line([d - r.dse, d + r.dse], [-i - 0.3, -i - 0.3], {
        stroke: "#7f7f7f",
        width: 1.5,
        cls: "ph-dse",
        data: { model: r.name, dse: r.dse },
      });
      p.circles([d], [-i - 0.3], { r: 3.5, fill: "#7f7f7f", cls: "ph-elpd-diff" });
    }
  });
  return finish(renderFigure([[p]], { title: o.title, kind: "compare" }), options);
}
