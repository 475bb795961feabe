import { Resvg } from "@resvg/resvg-js";
import { PlotsError } from "./errors.js";
import { type SvgOutput, svgString } from "./output.js";

/** Options of {@link toPNG}. */
export interface ToPngOptions {
  /** Output width in px (height follows the aspect ratio); default the SVG's own width. */
  width?: number;
  /** Scale factor instead of a width (e.g. 2 for high-DPI). Default 1. */
  scale?: number;
  /** Background colour. Default white. */
  background?: string;
}

/**
 * Rasterises a plot to PNG in Node with resvg (Rust, shipped as a prebuilt binary inside its npm package; no
 * browser, no canvas). Fonts come from the system (DejaVu Sans first, as the SVG asks).
 * @param svg - a plot result or SVG markup.
 * @param options - width or scale, background.
 * @returns the PNG bytes.
 * @throws PlotsError `invalid-input` when the markup is not SVG.
 * @example
 * const png = toPNG(plotRank({ mu: [[1, 2, 3, 4], [4, 3, 2, 1]] }, { output: "string" }));
 * png[1]; // → 80
 */
export function toPNG(svg: SvgOutput, options: ToPngOptions = {}): Uint8Array {
  const markup = svgString(svg);
  if (!markup.trimStart().startsWith("<svg")) {
    throw new PlotsError(
      "invalid-input",
      `toPNG: expected SVG markup starting with "<svg", got "${markup.slice(0, 20)}…".`,
    );
  }
  const fitTo =
    options.width !== undefined
      ? ({ mode: "width", value: Math.round(options.width) } as const)
      : options.scale !== undefined
        ? ({ mode: "zoom", value: options.scale } as const)
        : ({ mode: "original" } as const);
  const r = new Resvg(markup, {
    fitTo,
    background: options.background ?? "#ffffff",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return r.render().asPng();
}
