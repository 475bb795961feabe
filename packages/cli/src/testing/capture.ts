import { fileURLToPath } from "node:url";
import { main } from "../program.js";

/** A fixture file's absolute path. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

/** What one in-process `phlox` invocation printed and returned. */
export interface Captured {
  code: number;
  out: string[];
  err: string[];
}

/**
 * Runs `main(argv)` in process, capturing its output lines.
 * @param argv - the arguments after `phlox`.
 * @returns the exit status and the lines.
 */
export async function runPhlox(argv: readonly string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (l) => out.push(...l.split("\n")),
    err: (l) => err.push(...l.split("\n")),
  });
  return { code, out, err };
}

/**
 * Parses the rows of a printed table (after its header line) into label → numeric cells by column name.
 * @param lines - the printed lines.
 * @param headerStart - a string the header line contains.
 * @returns the rows keyed by label.
 */
export function parseTable(
  lines: readonly string[],
  headerStart: string,
): Map<string, Record<string, string>> {
  const h = lines.findIndex((l) => l.includes(headerStart));
  if (h < 0) throw new Error(`no table with "${headerStart}" in:\n${lines.join("\n")}`);
  const cols = lines[h].trim().split(/\s+/);
  const rows = new Map<string, Record<string, string>>();
  for (let i = h + 1; i < lines.length && lines[i].trim() !== ""; i++) {
    const cells = lines[i].trim().split(/\s+/);
    const label = cells[0];
    const rec: Record<string, string> = {};
    cols.forEach((c, j) => {
      rec[c] = cells[j + 1];
    });
    rows.set(label, rec);
  }
  return rows;
}
