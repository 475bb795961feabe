#!/usr/bin/env node
// Bundle size of two browser apps built from the packages' dist/ (what npm users get; `pnpm build` first):
// `new Normal(0, 1).logProb(x)` (target ≤ 16 KB gzip) and the root README's NUTS example (target ≤ 60 KB
// gzip). Each is bundled by esbuild for the browser (ES module, minified; the default export condition, i.e.
// the module-preserving dist) and gzipped at level 9 (1 KB = 1000 bytes). The same apps bundled from src/ (the `@phlox/source`
// condition) are printed beside them for reference. Packages resolve from examples/, which depends on them.
// usage: node scripts/bundle-size.mjs [--analyze]   (root script: pnpm bench:size; --analyze also lists, per app,
// the dist modules that contribute most minified bytes, from esbuild's metafile)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, transform } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, "README.md"), "utf8"))?.[1];
if (!readme) throw new Error("README.md has no ```ts example");

const apps = [
  {
    name: "new Normal(0, 1).logProb(x)",
    target: 16,
    code: `import { tensor } from "@phlox/tensor";
import { Normal } from "@phlox/distributions";
console.log(new Normal(0, 1).logProb(tensor([0.5, -1])).dataSync());
`,
  },
  { name: "README NUTS example", target: 60, code: (await transform(readme, { loader: "ts" })).code },
];

const analyze = process.argv.includes("--analyze");

async function size(code, conditions) {
  const r = await build({
    metafile: analyze,
    stdin: { contents: code, resolveDir: join(root, "examples"), sourcefile: "app.js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    conditions,
    logLevel: "silent",
  });
  const js = r.outputFiles[0].contents;
  return {
    min: js.length,
    gz: gzipSync(js, { level: 9 }).length,
    warnings: r.warnings.length,
    meta: r.metafile,
  };
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log("app                           | dist min  | dist gzip | target gzip | src min   | src gzip");
let failed = false;
for (const app of apps) {
  const dist = await size(app.code, []);
  const src = await size(app.code, ["@phlox/source"]);
  const ok = dist.gz <= app.target * 1000;
  failed ||= !ok;
  console.log(
    `${app.name.padEnd(29)} | ${kb(dist.min).padStart(9)} | ${kb(dist.gz).padStart(9)} | ${`≤ ${app.target} KB ${ok ? "ok" : "OVER"}`.padStart(11)} | ${kb(src.min).padStart(9)} | ${kb(src.gz).padStart(8)}`,
  );
  if (dist.warnings > 0) console.log(`  (${dist.warnings} esbuild warnings)`);
  if (analyze) {
    const inputs = Object.values(dist.meta.outputs)[0].inputs;
    const rows = Object.entries(inputs)
      .map(([file, v]) => [file.replace(/^.*?packages\//, ""), v.bytesInOutput])
      .sort((a, b) => b[1] - a[1]);
    const byPackage = new Map();
    for (const [file, n] of rows)
      byPackage.set(file.split("/")[0], (byPackage.get(file.split("/")[0]) ?? 0) + n);
    console.log(
      `  by package (minified bytes): ${[...byPackage].map(([p, n]) => `${p} ${kb(n)}`).join(", ")}`,
    );
    for (const [file, n] of rows.slice(0, 15)) console.log(`  ${kb(n).padStart(9)}  ${file}`);
  }
}
process.exitCode = failed ? 1 : 0;
