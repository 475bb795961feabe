/**
 * The TypeScript blocks of the docs' guide pages: each ```ts block is a module; one preceded by the line
 * `<!-- run -->` is also run by the tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** One code block of a page. */
export interface CodeBlock {
  /** Page path relative to the docs root. */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's source. */
  code: string;
  /** Whether the page marked it `<!-- run -->`. */
  run: boolean;
}

/** The guide pages: getting started, the NumPyro guide and every page under guides/. */
export function guidePages(docsRoot: string): string[] {
  const guides = readdirSync(join(docsRoot, "guides"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(docsRoot, "guides", f));
  return [join(docsRoot, "getting-started.md"), join(docsRoot, "numpyro.md"), ...guides.sort()];
}

/** Extracts the ```ts blocks of a markdown file. */
export function extractBlocks(file: string, docsRoot: string): CodeBlock[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as string).trim() !== "```ts") continue;
    let prev = i - 1;
    while (prev >= 0 && (lines[prev] as string).trim() === "") prev--;
    const run = prev >= 0 && (lines[prev] as string).trim() === "<!-- run -->";
    let end = i + 1;
    while (end < lines.length && (lines[end] as string).trim() !== "```") end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: unclosed code block`);
    blocks.push({
      page: relative(docsRoot, file),
      line: i + 1,
      code: lines.slice(i + 1, end).join("\n"),
      run,
    });
    i = end;
  }
  return blocks;
}
