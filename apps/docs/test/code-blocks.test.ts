/**
 * Every ```ts block on a guide page type-checks (strict, against the packages' sources), and the blocks
 * marked `<!-- run -->` run without throwing.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, test, vi } from "vitest";
import { type CodeBlock, extractBlocks, guidePages } from "./code-blocks.js";

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(docsRoot, ".blocks");
const blocks: (CodeBlock & { file: string })[] = [];
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const page of guidePages(docsRoot)) {
  for (const b of extractBlocks(page, docsRoot)) {
    const file = join(outDir, `${b.page.replace(/[/.]/g, "_")}_${b.line}.ts`);
    writeFileSync(file, `${b.code}\nexport {};\n`);
    blocks.push({ ...b, file });
  }
}
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("guide code blocks", () => {
  test("the guide pages have TypeScript blocks, some of them runnable", () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.filter((b) => b.run).length).toBeGreaterThan(5);
  });

  test("every block type-checks", () => {
    const cfg = ts.readConfigFile(join(docsRoot, "tsconfig.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, docsRoot);
    const program = ts.createProgram(
      blocks.map((b) => b.file),
      { ...parsed.options, noEmit: true },
    );
    for (const b of blocks) expect(program.getSourceFile(b.file), b.file).toBeDefined();
    expect(program.getOptionsDiagnostics()).toEqual([]);
    // only the blocks' own diagnostics: the packages they import are type-checked by their own typecheck
    const problems = blocks
      .flatMap((b) => {
        const sf = program.getSourceFile(b.file);
        return sf ? [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)] : [];
      })
      .map((d) => {
        const b = blocks.find((x) => x.file === d.file?.fileName);
        const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
        return `${b?.page}:${(b?.line ?? 0) + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    expect(problems).toEqual([]);
  });

  const runnable = blocks.filter((b) => b.run);
  test.each(runnable.map((b) => [`${b.page}:${b.line}`, b] as const))("%s runs", async (_name, b) => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(b.file).href);
      expect(log).toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});
