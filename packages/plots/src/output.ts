import { PlotsError } from "./errors.js";

/** What a plot returns: an SVG string (Node, or `output: "string"`) or an `<svg>` element (browsers). */
export type SvgOutput = string | SVGSVGElement;

/** The output choice every plot takes. */
export interface OutputOptions {
  /**
   * `"auto"` (default): an `SVGSVGElement` where a DOM exists (`DOMParser` and `document`), else a string.
   * `"string"`: always the SVG markup. `"element"`: always an element (throws without a DOM).
   */
  output?: "auto" | "string" | "element";
}

/** The return type for given options: `string` for `output: "string"`, an element for `"element"`. */
export type PlotResult<O> = O extends { output: "string" }
  ? string
  : O extends { output: "element" }
    ? SVGSVGElement
    : SvgOutput;

/**
 * Converts finished SVG markup to what the caller asked for.
 * @param svg - the markup.
 * @param output - see {@link OutputOptions}.
 * @returns the string, or a parsed element in a DOM.
 * @throws PlotsError `node-only` for `output: "element"` where there is no DOM.
 */
export function finish<O extends OutputOptions>(svg: string, options: O | undefined): PlotResult<O> {
  const mode = options?.output ?? "auto";
  const hasDom = typeof DOMParser !== "undefined" && typeof document !== "undefined";
  if (mode === "string" || (mode === "auto" && !hasDom)) return svg as PlotResult<O>;
  if (!hasDom) {
    throw new PlotsError(
      "node-only",
      'output: "element" needs a DOM (a browser); in Node use output: "string" (the default there).',
    );
  }
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  return document.importNode(doc.documentElement, true) as unknown as PlotResult<O>;
}

/** The SVG markup of a plot result (the element's `outerHTML` in a browser). */
export function svgString(x: SvgOutput): string {
  return typeof x === "string" ? x : x.outerHTML;
}
