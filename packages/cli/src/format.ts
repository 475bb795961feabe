/**
 * Rounds as NumPy's `np.round` / pandas' `DataFrame.round` do: scale by 10^digits, round half to even, scale
 * back. The `phlox` tables print numbers rounded this way, so they read exactly as ArviZ's printed tables.
 * @param x - the value.
 * @param digits - decimals (≥ 0).
 * @returns the rounded value (NaN and ±Infinity unchanged).
 * @example
 * roundHalfEven(0.125, 2); // → 0.12
 */
export function roundHalfEven(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const p = 10 ** digits;
  const y = x * p;
  const f = Math.floor(y);
  const d = y - f;
  const r = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  return r / p;
}

/**
 * Formats a number with a fixed number of decimals after {@link roundHalfEven} (`nan`, `inf`, `-inf` as
 * NumPy prints them).
 * @param x - the value.
 * @param digits - decimals.
 * @returns the text.
 * @example
 * fixed(1.23456, 3); // → "1.235"
 */
export function fixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  const r = roundHalfEven(x, digits);
  return (Object.is(r, -0) ? 0 : r).toFixed(digits);
}

/**
 * Lays out a table as pandas prints a DataFrame: the index column left-aligned, the other columns
 * right-aligned under right-aligned headers, two spaces between columns.
 * @param header - column headers (the first is the index header, often empty).
 * @param rows - cells, one array per row, as many as headers.
 * @returns the lines of the table.
 * @example
 * table(["", "mean"], [["mu", "0.100"]]); // → ["     mean", "mu  0.100"]
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => (j === 0 ? c.padEnd(widths[0]) : c.padStart(widths[j])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
