import { scaleLinear } from "d3-scale";
import {
  type Affine,
  type Attrs,
  attrs,
  c1,
  el,
  esc,
  joinMarkup,
  type Markup,
  n2,
  writePolyline,
  writer,
} from "./svg.js";
import { FONT_SIZE } from "./theme.js";

/** Margins of a panel inside its cell, in px. */
export const MARGIN = { left: 48, right: 12, top: 24, bottom: 32 } as const;

/** Style of a line-like mark. */
export interface Stroke {
  stroke?: string;
  width?: number;
  dash?: string;
  opacity?: number;
  /** Class naming the mark kind (tests count marks by it). */
  cls?: string;
  /** Extra `data-*` attributes. */
  data?: Record<string, string | number>;
}

/** Style of a filled mark. */
export interface Fill {
  fill?: string;
  opacity?: number;
  stroke?: string;
  cls?: string;
  data?: Record<string, string | number>;
}

function dataAttrs(d: Record<string, string | number> | undefined): Attrs {
  const out: Attrs = {};
  if (d) for (const k in d) out[`data-${k}`] = typeof d[k] === "number" ? String(d[k]) : d[k];
  return out;
}

/** Options of a {@link Panel}. */
export interface PanelOptions {
  width: number;
  height: number;
  xDomain: [number, number];
  yDomain: [number, number];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Round the domains outward to nice numbers. Default true. */
  nice?: boolean;
  /** Explicit y ticks (positions and labels), e.g. categories; `[]` hides the y axis labels. */
  yTicks?: { at: number[]; labels: string[] };
  /** Explicit x ticks. */
  xTicks?: { at: number[]; labels: string[] };
  /** Hide the y tick labels (densities). */
  hideYTicks?: boolean;
  /** Left margin in px (room for long y labels). Default 48. */
  marginLeft?: number;
  /** Approximate number of x ticks. Default 5. */
  xTickCount?: number;
}

/** Finite [min, max] over several arrays; [0, 1] when none is finite; widened when degenerate. */
export function extentOf(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(lo <= hi)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/**
 * One set of axes: linear x and y scales (d3-scale: nice domains, ticks, tick labels), a frame, axes and
 * the marks drawn into it, serialised as an SVG `<g>` at a given offset.
 */
export class Panel {
  readonly width: number;
  readonly height: number;
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  /** The same maps as numbers, for writers that map millions of coordinates. */
  readonly map: Affine;
  private readonly marks: Markup[] = [];
  private readonly opts: PanelOptions;
  private readonly left: number;
  private readonly xs;
  private readonly ys;

  constructor(opts: PanelOptions) {
    this.opts = opts;
    this.width = opts.width;
    this.height = opts.height;
    this.left = opts.marginLeft ?? MARGIN.left;
    const iw = opts.width - this.left - MARGIN.right;
    const ih = opts.height - MARGIN.top - MARGIN.bottom;
    this.xs = scaleLinear().domain(opts.xDomain).range([0, iw]);
    this.ys = scaleLinear().domain(opts.yDomain).range([ih, 0]);
    if (opts.nice ?? true) {
      if (!opts.xTicks) this.xs.nice(5);
      if (!opts.yTicks) this.ys.nice(5);
    }
    // affine maps from the (niced) domains: the same numbers as the d3 scales, without their per-call
    // interpolator dispatch (a trace figure maps over a million coordinates)
    const [x0, x1] = this.xs.domain() as [number, number];
    const [y0, y1] = this.ys.domain() as [number, number];
    const kx = iw / (x1 - x0 || 1);
    const ky = -ih / (y1 - y0 || 1);
    this.x = (v) => (v - x0) * kx;
    this.y = (v) => ih + (v - y0) * ky;
    this.map = { ox: 0, x0, kx, oy: ih, y0, ky };
  }

  /**
   * Adds the bytes written since `writer.reset()` as a mark, extending the previous mark when it ends
   * where they start (consecutive marks of a panel become one view).
   */
  private pushWritten(): void {
    const v = writer.bytes();
    const marks = this.marks;
    const last = marks[marks.length - 1];
    if (
      last !== undefined &&
      typeof last !== "string" &&
      last.buffer === v.buffer &&
      last.byteOffset + last.length === v.byteOffset
    ) {
      marks[marks.length - 1] = new Uint8Array(v.buffer, last.byteOffset, last.length + v.length);
    } else marks.push(v);
  }

  /** ` data-k="v"` for each entry (numbers as `String` writes them), into the writer. */
  private static writeData(d: Record<string, string | number> | undefined): void {
    if (d === undefined) return;
    for (const k in d) {
      const v = d[k]!;
      writer.raw(` data-${k}="`);
      if (typeof v === "number") writer.int(v);
      else writer.text(v);
      writer.char(34);
    }
  }

  /** Inner width and height of the plotting area. */
  get inner(): { w: number; h: number } {
    return {
      w: this.width - this.left - MARGIN.right,
      h: this.height - MARGIN.top - MARGIN.bottom,
    };
  }

  /** The current (possibly niced) domains. */
  get domains(): { x: number[]; y: number[] } {
    return { x: this.xs.domain(), y: this.ys.domain() };
  }

  /** A polyline through (xs[i], ys[i]); non-finite points break the line. */
  line(xs: ArrayLike<number>, ys: ArrayLike<number>, s: Stroke = {}): void {
    // the whole element as bytes (the same markup as el("path", …) with the path data written in place)
    writer.reset();
    writer.raw('<path class="');
    writer.text(s.cls ?? "ph-line");
    writer.raw('" d="');
    writePolyline(xs, ys, this.map);
    writer.raw('" fill="none" stroke="');
    writer.text(s.stroke ?? "#1f77b4");
    writer.raw('" stroke-width="');
    writer.n2(s.width ?? 1.2);
    if (s.dash !== undefined) {
      writer.raw('" stroke-dasharray="');
      writer.text(s.dash);
    }
    if (s.opacity !== undefined) {
      writer.raw('" stroke-opacity="');
      writer.n2(s.opacity);
    }
    writer.raw('" stroke-linejoin="round"');
    Panel.writeData(s.data);
    writer.raw("/>");
    this.pushWritten();
  }

  /** A filled band between y0 and y1 over xs. */
  area(xs: ArrayLike<number>, y0: ArrayLike<number>, y1: ArrayLike<number>, f: Fill = {}): void {
    let d = "";
    for (let i = 0; i < xs.length; i++)
      d += `${i === 0 ? "M" : "L"}${n2(this.x(xs[i]))},${n2(this.y(y1[i]))}`;
    for (let i = xs.length - 1; i >= 0; i--) d += `L${c1(this.x(xs[i]))},${c1(this.y(y0[i]))}`;
    this.marks.push(
      el("path", {
        class: f.cls ?? "ph-area",
        d: `${d}Z`,
        fill: f.fill ?? "#1f77b4",
        "fill-opacity": f.opacity ?? 0.3,
        stroke: f.stroke ?? "none",
        ...dataAttrs(f.data),
      }),
    );
  }

  /** A path given in pixel coordinates of the plotting area (contours, hexagons). */
  rawPath(d: string, f: Fill = {}): void {
    this.marks.push(
      el("path", {
        class: f.cls ?? "ph-path",
        d,
        fill: f.fill ?? "#1f77b4",
        "fill-opacity": f.opacity,
        stroke: f.stroke ?? "none",
        ...dataAttrs(f.data),
      }),
    );
  }

  /** A rectangle in data coordinates. */
  rect(x0: number, x1: number, y0: number, y1: number, f: Fill = {}): void {
    const a = this.x(Math.min(x0, x1));
    const b = this.x(Math.max(x0, x1));
    const c = this.y(Math.max(y0, y1));
    const d = this.y(Math.min(y0, y1));
    // written as bytes (the same markup as el("rect", …)): rank plots draw thousands of bars
    writer.reset();
    writer.raw('<rect class="');
    writer.text(f.cls ?? "ph-rect");
    writer.raw('" x="');
    writer.n2(a);
    writer.raw('" y="');
    writer.n2(c);
    writer.raw('" width="');
    writer.n2(Math.max(0, b - a));
    writer.raw('" height="');
    writer.n2(Math.max(0, d - c));
    writer.raw('" fill="');
    writer.text(f.fill ?? "#1f77b4");
    if (f.opacity !== undefined) {
      writer.raw('" fill-opacity="');
      writer.n2(f.opacity);
    }
    if (f.stroke !== undefined) {
      writer.raw('" stroke="');
      writer.text(f.stroke);
    }
    writer.char(34);
    Panel.writeData(f.data);
    writer.raw("/>");
    this.pushWritten();
  }

  /**
   * Many points as one path of zero-length round-capped segments (one `M…h0` per finite point), so tens of
   * thousands of draws stay a small file; `data-n` holds the count.
   */
  points(
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    s: { color?: string; size?: number; opacity?: number; cls?: string } = {},
  ): void {
    let d = "";
    let n = 0;
    for (let i = 0; i < xs.length; i++) {
      const a = xs[i];
      const b = ys[i];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      d += `M${c1(this.x(a))},${c1(this.y(b))}h0`;
      n++;
    }
    this.marks.push(
      el("path", {
        class: s.cls ?? "ph-points",
        "data-n": String(n),
        d,
        fill: "none",
        stroke: s.color ?? "#1f77b4",
        "stroke-width": s.size ?? 3,
        "stroke-linecap": "round",
        "stroke-opacity": s.opacity,
      }),
    );
  }

  /** Circles (few points that matter individually: divergences, Pareto k, observed values). */
  circles(
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    s: { r?: number; fill?: string; stroke?: string; cls?: string } = {},
  ): void {
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
      this.marks.push(
        el("circle", {
          class: s.cls ?? "ph-circle",
          cx: this.x(xs[i]),
          cy: this.y(ys[i]),
          r: s.r ?? 3,
          fill: s.fill ?? "#1f77b4",
          stroke: s.stroke,
        }),
      );
    }
  }

  /** A vertical line at x spanning the y domain (or [y0, y1]). */
  vline(x: number, s: Stroke = {}, y0?: number, y1?: number): void {
    const [d0, d1] = this.ys.domain() as [number, number];
    this.line([x, x], [y0 ?? d0, y1 ?? d1], { cls: "ph-vline", ...s });
  }

  /** A horizontal line at y spanning the x domain (or [x0, x1]). */
  hline(y: number, s: Stroke = {}, x0?: number, x1?: number): void {
    const [d0, d1] = this.xs.domain() as [number, number];
    this.line([x0 ?? d0, x1 ?? d1], [y, y], { cls: "ph-hline", ...s });
  }

  /** Text at data coordinates. */
  text(
    x: number,
    y: number,
    str: string,
    o: { anchor?: "start" | "middle" | "end"; size?: number; color?: string; dy?: number } = {},
  ): void {
    this.marks.push(
      el(
        "text",
        {
          class: "ph-label",
          x: this.x(x),
          y: this.y(y) + (o.dy ?? 0),
          "text-anchor": o.anchor ?? "middle",
          "font-size": o.size ?? FONT_SIZE,
          fill: o.color ?? "#222",
        },
        esc(str),
      ),
    );
  }

  /** Serialises the panel at (ox, oy). */
  render(ox: number, oy: number): string {
    const out: Markup[] = [];
    this.renderInto(out, ox, oy);
    return joinMarkup(out);
  }

  /**
   * Appends the panel's markup at (ox, oy) to `out` as pieces (the figure joins all pieces once instead of
   * copying megabytes of marks at each nesting level).
   */
  renderInto(out: Markup[], ox: number, oy: number): void {
    const { w, h } = this.inner;
    out.push(
      `<g${attrs({ class: "ph-panel", transform: `translate(${n2(ox + this.left)},${n2(oy + MARGIN.top)})` })}>`,
    );
    const parts = out;
    parts.push(
      el("rect", { class: "ph-frame", x: 0, y: 0, width: w, height: h, fill: "#ffffff", stroke: "#bbbbbb" }),
    );
    const nx = this.opts.xTickCount ?? 5;
    const xt = this.opts.xTicks ?? {
      at: this.xs.ticks(nx),
      labels: this.xs.ticks(nx).map(this.xs.tickFormat(nx)),
    };
    let axis = "";
    xt.at.forEach((v, i) => {
      const px = this.x(v);
      if (px < -0.5 || px > w + 0.5) return;
      axis += el("line", { x1: px, x2: px, y1: h, y2: h + 4, stroke: "#555" });
      axis += el("text", { x: px, y: h + 15, "text-anchor": "middle" }, esc(xt.labels[i] ?? ""));
    });
    if (!(this.opts.hideYTicks ?? false)) {
      const yt = this.opts.yTicks ?? {
        at: this.ys.ticks(4),
        labels: this.ys.ticks(4).map(this.ys.tickFormat(4)),
      };
      yt.at.forEach((v, i) => {
        const py = this.y(v);
        if (py < -0.5 || py > h + 0.5) return;
        axis += el("line", { x1: -4, x2: 0, y1: py, y2: py, stroke: "#555" });
        axis += el("text", { x: -6, y: py + 3.5, "text-anchor": "end" }, esc(yt.labels[i] ?? ""));
      });
    }
    parts.push(el("g", { class: "ph-axis", fill: "#333", "font-size": FONT_SIZE - 1 }, axis));
    parts.push(`<g${attrs({ class: "ph-marks" })}>`);
    for (const m of this.marks) parts.push(m);
    parts.push("</g>");
    if (this.opts.title) {
      parts.push(
        el(
          "text",
          { class: "ph-title", x: w / 2, y: -8, "text-anchor": "middle", "font-size": FONT_SIZE + 1 },
          esc(this.opts.title),
        ),
      );
    }
    if (this.opts.xLabel) {
      parts.push(
        el(
          "text",
          { class: "ph-xlabel", x: w / 2, y: h + 28, "text-anchor": "middle" },
          esc(this.opts.xLabel),
        ),
      );
    }
    if (this.opts.yLabel) {
      parts.push(
        el(
          "text",
          {
            class: "ph-ylabel",
            transform: `translate(${n2(-36)},${n2(h / 2)}) rotate(-90)`,
            "text-anchor": "middle",
          },
          esc(this.opts.yLabel),
        ),
      );
    }
    out.push("</g>");
  }
}
