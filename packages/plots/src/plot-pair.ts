import { contours } from "d3-contour";
import { type PlotInput, toInferenceData } from "./data.js";
import { PlotsError } from "./errors.js";
import { drawDensity, panelSize, tryKde } from "./internal/common.js";
import { renderFigure } from "./internal/figure.js";
import { extentOf, Panel } from "./internal/panel.js";
import { color, DIVERGENCE } from "./internal/theme.js";
import type { BasePlotOptions } from "./options.js";
import { finish, type PlotResult } from "./output.js";
import { divergences, type Scalar, selectScalars } from "./select.js";
import { kde2d } from "./stats/kde-2d.js";

/** Options of {@link plotPair} (ArviZ `plot_pair`). */
export interface PlotPairOptions extends BasePlotOptions {
  /** `"scatter"` (default), `"kde"` (ArviZ's 2-D KDE as filled contours) or `"hexbin"`. */
  kind?: "scatter" | "kde" | "hexbin";
  /** Highlight divergent draws (from `sample_stats.diverging`). Default false, as ArviZ. */
  divergences?: boolean;
  /** Hexagons across the x range for `"hexbin"`. Default 30. */
  gridsize?: number;
  /** Number of filled contour levels for `"kde"`. Default 8. */
  levels?: number;
  /** Marker size (px) for scatter. Default 2.5. */
  markerSize?: number;
  /** Add each scalar's marginal density on the diagonal (ArviZ `marginals`). Default false. */
  marginals?: boolean;
}

function drawKde(p: Panel, x: Float64Array, y: Float64Array, levels: number): void {
  const r = kde2d(x, y);
  // d3-contour wants values[row * width + col] with col along x: transpose ArviZ's [x][y] layout
  const vals = new Float64Array(r.nx * r.ny);
  let max = 0;
  for (let i = 0; i < r.nx; i++) {
    for (let j = 0; j < r.ny; j++) {
      const v = r.density[i * r.ny + j]!;
      vals[j * r.nx + i] = v;
      if (v > max) max = v;
    }
  }
  const th = Array.from({ length: levels }, (_, k) => (max * (k + 1)) / (levels + 1));
  const cs = contours().size([r.nx, r.ny]).thresholds(th)(Array.from(vals));
  const gx = (g: number) => r.xmin + ((g - 0.5) * (r.xmax - r.xmin)) / (r.nx - 1);
  const gy = (g: number) => r.ymin + ((g - 0.5) * (r.ymax - r.ymin)) / (r.ny - 1);
  cs.forEach((c, k) => {
    let d = "";
    for (const poly of c.coordinates) {
      for (const ring of poly) {
        ring.forEach(([a, b], idx) => {
          d += `${idx === 0 ? "M" : "L"}${Math.round(p.x(gx(a!)) * 100) / 100},${Math.round(p.y(gy(b!)) * 100) / 100}`;
        });
        d += "Z";
      }
    }
    if (d)
      p.rawPath(d, {
        fill: "#1f77b4",
        opacity: 0.12 + (0.75 * k) / levels,
        cls: "ph-contour",
        data: { level: k },
      });
  });
}

function drawHexbin(p: Panel, x: Float64Array, y: Float64Array, gridsize: number): void {
  const { w } = p.inner;
  const size = w / gridsize / Math.sqrt(3);
  const dxh = size * Math.sqrt(3);
  const dyh = size * 1.5;
  const bins = new Map<string, { cx: number; cy: number; n: number }>();
  for (let i = 0; i < x.length; i++) {
    const px = p.x(x[i]!);
    const py = p.y(y[i]!);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    let row = Math.round(py / dyh);
    let col = Math.round(px / dxh - (row & 1) / 2);
    // check the neighbouring row for the nearer centre
    let best = Number.POSITIVE_INFINITY;
    let br = row;
    let bc = col;
    for (const r of [row - 1, row, row + 1]) {
      const c = Math.round(px / dxh - (r & 1) / 2);
      const cx = (c + (r & 1) / 2) * dxh;
      const cy = r * dyh;
      const d2 = (px - cx) ** 2 + (py - cy) ** 2;
      if (d2 < best) {
        best = d2;
        br = r;
        bc = c;
      }
    }
    row = br;
    col = bc;
    const key = `${row},${col}`;
    const b = bins.get(key);
    if (b) b.n++;
    else bins.set(key, { cx: (col + (row & 1) / 2) * dxh, cy: row * dyh, n: 1 });
  }
  let max = 1;
  for (const b of bins.values()) max = Math.max(max, b.n);
  for (const b of bins.values()) {
    let d = "";
    for (let k = 0; k < 6; k++) {
      const a = (Math.PI / 3) * k + Math.PI / 6;
      d += `${k === 0 ? "M" : "L"}${Math.round((b.cx + size * Math.cos(a)) * 100) / 100},${Math.round((b.cy + size * Math.sin(a)) * 100) / 100}`;
    }
    p.rawPath(`${d}Z`, {
      fill: "#1f77b4",
      opacity: 0.15 + (0.85 * b.n) / max,
      cls: "ph-hexbin",
      data: { count: b.n },
    });
  }
}

/**
 * Pair plot (ArviZ `plot_pair`): a lower-triangular grid of every pair of selected scalars, as scatter
 * (`ph-points`, `data-n` = draws), ArviZ's 2-D KDE contours (`ph-contour`) or hexagonal bins (`ph-hexbin`,
 * `data-count`), divergent draws highlighted (`ph-divergence`) on request.
 * @param data - InferenceData, MCMC object or draws.
 * @param options - see {@link PlotPairOptions}.
 * @returns SVG (string in Node, element in browsers).
 * @throws PlotsError with fewer than two scalars selected, unknown variables, or a bad kind.
 */
export function plotPair<O extends PlotPairOptions>(data: PlotInput, options?: O): PlotResult<O> {
  const o: PlotPairOptions = options ?? {};
  const where = "plotPair";
  const idata = toInferenceData(data, where);
  const scalars = selectScalars(idata, "posterior", o, where);
  if (scalars.length < 2)
    throw new PlotsError(
      "invalid-argument",
      `${where}: needs at least two scalars, got ${scalars.length} (${scalars.map((s) => s.label).join(", ")}).`,
    );
  const kind = o.kind ?? "scatter";
  if (!["scatter", "kde", "hexbin"].includes(kind))
    throw new PlotsError(
      "invalid-argument",
      `${where}: kind must be "scatter", "kde" or "hexbin", got "${kind}".`,
    );
  const div = o.divergences ? divergences(idata) : undefined;
  const marg = o.marginals ?? false;
  const n = marg ? scalars.length : scalars.length - 1;
  const [pw, ph] = panelSize(n, n, o.figsize, n > 4 ? [170, 150] : [240, 200]);
  const ext = new Map<Scalar, [number, number]>(scalars.map((s) => [s, extentOf(s.data)]));
  const rows: Panel[][] = [];
  for (let r = 0; r < n; r++) {
    const row: Panel[] = [];
    const sy = scalars[marg ? r : r + 1]!;
    for (let c = 0; c <= r; c++) {
      const sx = scalars[c]!;
      const last = r === n - 1;
      if (marg && c === r) {
        const k = tryKde(sx.data);
        const yMax = k ? Math.max(...k.pdf) : 1;
        const p = new Panel({
          width: pw,
          height: ph,
          xDomain: ext.get(sx)!,
          yDomain: [0, yMax * 1.05],
          hideYTicks: true,
          xLabel: last ? sx.label : undefined,
          title: r === 0 ? sx.label : undefined,
        });
        drawDensity(p, k, sx.data, { stroke: color(0), cls: "ph-marginal" });
        row.push(p);
        continue;
      }
      const p = new Panel({
        width: pw,
        height: ph,
        xDomain: ext.get(sx)!,
        yDomain: ext.get(sy)!,
        xLabel: last ? sx.label : undefined,
        yLabel: c === 0 ? sy.label : undefined,
      });
      if (kind === "scatter")
        p.points(sx.data, sy.data, { color: color(0), size: o.markerSize ?? 2.5, opacity: 0.5 });
      else if (kind === "kde") drawKde(p, sx.data, sy.data, o.levels ?? 8);
      else drawHexbin(p, sx.data, sy.data, o.gridsize ?? 30);
      if (div) {
        const dx: number[] = [];
        const dy: number[] = [];
        for (let i = 0; i < div.length; i++) {
          if (div[i]) {
            dx.push(sx.data[i]!);
            dy.push(sy.data[i]!);
          }
        }
        p.circles(dx, dy, { r: 2.5, fill: DIVERGENCE, cls: "ph-divergence" });
      }
      row.push(p);
    }
    rows.push(row);
  }
  return finish(renderFigure(rows, { title: o.title, kind: "pair" }), options);
}
