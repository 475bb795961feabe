import type { Panel } from "./panel.js";
import { attrs, el, esc, joinMarkup, type Markup } from "./svg.js";
import { FONT, FONT_SIZE } from "./theme.js";

/**
 * Lays panels out row by row (`cols` per row; panels may differ in width, each row as tall as its tallest)
 * and serialises the whole figure as one standalone `<svg>` string.
 */
export function renderFigure(
  rows: readonly (readonly Panel[])[],
  options: {
    title?: string;
    kind: string;
    legend?: readonly { label: string; color: string; dash?: string }[];
  },
): string {
  const titleH = options.title ? 26 : 0;
  const legendH = options.legend && options.legend.length > 0 ? 20 : 0;
  let y = titleH + legendH;
  let width = 0;
  // the panels' pieces, joined once at the end
  const body: Markup[] = [];
  for (const row of rows) {
    let x = 0;
    let h = 0;
    for (const p of row) {
      p.renderInto(body, x, y);
      x += p.width;
      h = Math.max(h, p.height);
    }
    width = Math.max(width, x);
    y += h;
  }
  width = Math.max(width, 200);
  const head: string[] = [];
  if (options.title) {
    head.push(
      el(
        "text",
        {
          class: "ph-figure-title",
          x: width / 2,
          y: 18,
          "text-anchor": "middle",
          "font-size": FONT_SIZE + 3,
          "font-weight": "bold",
        },
        esc(options.title),
      ),
    );
  }
  if (legendH > 0 && options.legend) {
    let lx = 10;
    const ly = titleH + 12;
    for (const item of options.legend) {
      head.push(
        el("line", {
          x1: lx,
          x2: lx + 18,
          y1: ly,
          y2: ly,
          stroke: item.color,
          "stroke-width": 2,
          "stroke-dasharray": item.dash,
        }),
      );
      head.push(el("text", { x: lx + 22, y: ly + 4 }, esc(item.label)));
      lx += 30 + item.label.length * 6.5;
    }
  }
  const open = `<svg${attrs({
    xmlns: "http://www.w3.org/2000/svg",
    class: `phlox-plot phlox-${options.kind}`,
    width,
    height: y,
    viewBox: `0 0 ${width} ${y}`,
    "font-family": FONT,
    "font-size": FONT_SIZE,
  })}>`;
  return joinMarkup([open, el("rect", { width, height: y, fill: "#ffffff" }), ...head, ...body, "</svg>"]);
}
