#!/usr/bin/env node
// How much of the README NUTS app's bundle ever runs. The app is bundled from dist as `pnpm bench:size`
// bundles it (esbuild, browser, ES module, minified; one file, no splitting), run once in Node with V8's
// coverage on (NODE_V8_COVERAGE: per function and per block, how often it ran), and gzipped (level 9,
// 1 KB = 1000 bytes) three ways: the whole bundle; the bundle without the functions that were never called
// (what a perfect per-function tree-shaker could keep for this app); and without every block that never ran
// either. The last two are lower bounds for any packaging of the same code, not bundles that would run. With
// --by-module the app is bundled once more unminified, and the bytes of never-called functions are
// attributed to the dist modules they come from (esbuild's `// path` comments), largest first.
// usage: node scripts/bundle-size-executed.mjs [--by-module] [--top N]   (`pnpm build` first)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, transform } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, "README.md"), "utf8"))?.[1];
if (!readme) throw new Error("README.md has no ```ts example");
const code = (await transform(readme, { loader: "ts" })).code;
const byModule = process.argv.includes("--by-module");
const topAt = process.argv.indexOf("--top");
const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 25;

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const gz = (s) => gzipSync(s, { level: 9 }).length;

/** Bundles the app, runs it with coverage, returns the source and each character's innermost count. */
async function runWithCoverage(minify) {
  const r = await build({
    stdin: { contents: code, resolveDir: join(root, "examples"), sourcefile: "app.js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify,
    write: false,
    logLevel: "silent",
  });
  const dir = mkdtempSync(join(tmpdir(), "phlox-executed-"));
  try {
    const file = join(dir, "app.mjs");
    const src = r.outputFiles[0].text;
    writeFileSync(file, src);
    const run = spawnSync(process.execPath, [file], {
      env: { ...process.env, NODE_V8_COVERAGE: join(dir, "coverage") },
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`the app failed (exit ${run.status}):\n${run.stderr}`);
    const scripts = readdirSync(join(dir, "coverage")).flatMap(
      (f) => JSON.parse(readFileSync(join(dir, "coverage", f), "utf8")).result,
    );
    const script = scripts.find((s) => s.url.endsWith("/app.mjs"));
    if (!script) throw new Error("no coverage recorded for the app");
    // Innermost range wins: paint ranges from the largest to the smallest.
    const paint = (ranges) => {
      const count = new Float64Array(src.length).fill(1);
      for (const g of [...ranges].sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset)))
        count.fill(g.count, g.startOffset, g.endOffset);
      return count;
    };
    return {
      src,
      functions: paint(script.functions.map((f) => f.ranges[0])),
      blocks: paint(script.functions.flatMap((f) => f.ranges)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const keep = (src, count) => {
  let out = "";
  for (let i = 0; i < src.length; i++) if (count[i] !== 0) out += src[i];
  return out;
};

const min = await runWithCoverage(true);
const calledFunctions = keep(min.src, min.functions);
const ranBlocks = keep(min.src, min.blocks);
console.log("README NUTS app from dist (esbuild, browser, minified) | minified | gzip");
console.log(
  `whole bundle                                          | ${kb(min.src.length).padStart(8)} | ${kb(gz(min.src))}`,
);
console.log(
  `functions that were called                            | ${kb(calledFunctions.length).padStart(8)} | ${kb(gz(calledFunctions))}`,
);
console.log(
  `blocks that ran                                       | ${kb(ranBlocks.length).padStart(8)} | ${kb(gz(ranBlocks))}`,
);

if (byModule) {
  const un = await runWithCoverage(false);
  const marks = [...un.src.matchAll(/^\/\/ (\S+)$/gm)].map((m) => [m.index, m[1].replace(/^(\.\.\/)+/, "")]);
  const never = new Map();
  const called = new Map();
  let at = -1;
  for (let i = 0; i < un.src.length; i++) {
    while (at + 1 < marks.length && marks[at + 1][0] <= i) at++;
    const name = at < 0 ? "(prelude)" : marks[at][1];
    const m = un.functions[i] === 0 ? never : called;
    m.set(name, (m.get(name) ?? 0) + 1);
  }
  console.log(`\nunminified bytes by dist module, never called | called (top ${top} by never called)`);
  for (const [name, n] of [...never].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${kb(n).padStart(9)} | ${kb(called.get(name) ?? 0).padStart(9)}  ${name}`);
}
