import type { OutputOptions } from "./output.js";
import type { SelectOptions } from "./select.js";

/** Options every plot of posterior draws takes (ArviZ's names in camelCase). */
export interface BasePlotOptions extends SelectOptions, OutputOptions {
  /** Size of the whole figure in px, `[width, height]`; default from the number of panels. */
  figsize?: readonly [number, number];
  /** Panels per row; default as ArviZ's `default_grid` (up to 3 columns... 4 for many panels). */
  cols?: number;
  /** A title over the whole figure. */
  title?: string;
}
