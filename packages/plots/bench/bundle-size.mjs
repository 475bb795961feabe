#!/usr/bin/env node
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// Minified + gzipped browser bundle size of single plots and of the whole package, built from source with
// esbuild (tree shaking on, every dependency bundled). Run from the repository root:
//   node packages/plots/bench/bundle-size.mjs
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const src = join(dirname(fileURLToPath(import.meta.url)), "../src/index.ts");
const cases = [
  ["plotRank", `export { plotRank } from ${JSON.stringify(src)};`],
  ["plotTrace", `export { plotTrace } from ${JSON.stringify(src)};`],
  ["plotPosterior", `export { plotPosterior } from ${JSON.stringify(src)};`],
  ["plotPair", `export { plotPair } from ${JSON.stringify(src)};`],
  ["kde (statistics only)", `export { kde } from ${JSON.stringify(src)};`],
  ["report", `export { report } from ${JSON.stringify(src)};`],
  ["whole package (index)", `export * from ${JSON.stringify(src)};`],
];
console.log("entry".padEnd(24), "min (kB)".padStart(9), "min+gzip (kB)".padStart(14));
for (const [name, contents] of cases) {
  const r = await build({
    stdin: { contents, resolveDir: dirname(src), loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@phlox/source"],
    write: false,
    treeShaking: true,
    // arviz-io loads node:fs lazily (dynamic import) for its file helpers; browsers never reach it
    external: ["node:*"],
    logLevel: "error",
  });
  const code = r.outputFiles[0].contents;
  console.log(
    name.padEnd(24),
    (code.length / 1024).toFixed(1).padStart(9),
    (gzipSync(code).length / 1024).toFixed(1).padStart(14),
  );
}
