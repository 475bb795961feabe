/** Colours and sizes shared by every plot (matplotlib's default cycle, as ArviZ draws with it). */
export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
] as const;

/** Colour of series `i`. */
export function color(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

/** Font stack (DejaVu Sans first: present on Debian, so Chromium and resvg draw the same glyphs). */
export const FONT = "DejaVu Sans, Arial, Helvetica, sans-serif";
/** Default label size in px. */
export const FONT_SIZE = 11;
/** Divergence marker colour. */
export const DIVERGENCE = "#000000";
