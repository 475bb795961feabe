#!/usr/bin/env node
// Bundle size of two browser apps built from the packages' dist/ (what npm users get; `pnpm build` first):
// `new Normal(0, 1).logProb(x)` (target ≤ 16 KB gzip) and the root README's NUTS example (target ≤ 60 KB
// gzip). Each is bundled by esbuild for the browser (ES module, minified; the default export condition, i.e.
// the module-preserving dist) and gzipped at level 9 (1 KB = 1000 bytes). The same apps bundled from src/ (the `@phlox/source`
// condition) are printed beside them for reference. Packages resolve from examples/, which depends on them.
// With code splitting on, the size is what loads at start (entry chunk and the chunks it imports statically);
// parts loaded on demand through dynamic import() are printed apart. esbuild assigns whole files to chunks, and
// a file that the app's packages reach by any static import (a package index re-exporting it, used or not)
// loads at start (esbuild issue #3704); so the dist apps are also bundled by Rollup (what Vite builds for
// production with), which splits by the bindings used, then minified by esbuild: the "rollup" columns.
// usage: node scripts/bundle-size.mjs [--analyze]   (root script: pnpm bench:size; --analyze also lists, per app,
// the dist modules that contribute most minified bytes, from esbuild's metafile)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { build, transform } from "esbuild";
import { rollup } from "rollup";

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
  // Code splitting, as an app bundler does: parts the libraries load on demand (dynamic `import()`, e.g.
  // enumeration) go to chunks of their own. The app's size is what loads at start: the entry chunk and the
  // chunks it imports statically; the on-demand chunks are summed apart ("lazy").
  const r = await build({
    metafile: true,
    stdin: { contents: code, resolveDir: join(root, "examples"), sourcefile: "app.js" },
    bundle: true,
    splitting: true,
    outdir: "out",
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    conditions,
    logLevel: "silent",
  });
  const outputs = r.metafile.outputs;
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint !== undefined);
  const initial = new Set([entry]);
  for (const f of initial)
    for (const im of outputs[f].imports) if (im.kind === "import-statement") initial.add(im.path);
  const byName = new Map(
    r.outputFiles.map((o) => [o.path.replace(/\\/g, "/").split("/out/").pop(), o.contents]),
  );
  const sum = (files) => {
    let min = 0;
    let gz = 0;
    for (const f of files) {
      const c = byName.get(f.replace(/^out\//, ""));
      min += c.length;
      gz += gzipSync(c, { level: 9 }).length;
    }
    return { min, gz };
  };
  const lazy = Object.keys(outputs).filter((k) => k.endsWith(".js") && !initial.has(k));
  const first = sum([...initial]);
  return {
    ...first,
    lazy: sum(lazy),
    warnings: r.warnings.length,
    // the modules of the chunks loaded at start, with their minified bytes there
    inputs: Object.fromEntries(
      Object.keys(r.metafile.inputs).map((f) => [
        f,
        { bytesInOutput: [...initial].reduce((n, o) => n + (outputs[o].inputs[f]?.bytesInOutput ?? 0), 0) },
      ]),
    ),
  };
}

/** The app bundled by Rollup from dist, each chunk minified by esbuild: at start, and on demand. */
async function rollupSize(code) {
  const bundle = await rollup({
    input: "\0app",
    onwarn() {},
    plugins: [
      {
        name: "app",
        resolveId(id, importer, options) {
          if (id === "\0app") return id;
          // the app's imports resolve from examples/, which depends on the packages
          if (importer === "\0app")
            return this.resolve(id, join(root, "examples", "app.js"), { ...options, skipSelf: true });
          return null;
        },
        load: (id) => (id === "\0app" ? code : null),
      },
      nodeResolve({ browser: true }),
    ],
  });
  const { output } = await bundle.generate({ format: "es" });
  await bundle.close();
  const chunks = new Map(output.filter((c) => c.type === "chunk").map((c) => [c.fileName, c]));
  const entry = [...chunks.values()].find((c) => c.isEntry);
  const initial = new Set([entry.fileName]);
  for (const f of initial) for (const im of chunks.get(f).imports) initial.add(im);
  const at = { start: { min: 0, gz: 0 }, lazy: { min: 0, gz: 0 } };
  for (const c of chunks.values()) {
    const js = (await transform(c.code, { minify: true, format: "esm" })).code;
    const t = initial.has(c.fileName) ? at.start : at.lazy;
    t.min += Buffer.byteLength(js);
    t.gz += gzipSync(js, { level: 9 }).length;
  }
  return at;
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log(
  "app                           | dist min  | dist gzip | target gzip | src min   | src gzip | rollup gzip | rollup on demand",
);
let failed = false;
for (const app of apps) {
  const dist = await size(app.code, []);
  const src = await size(app.code, ["@phlox/source"]);
  const rolled = await rollupSize(app.code);
  const ok = dist.gz <= app.target * 1000;
  failed ||= !ok;
  console.log(
    `${app.name.padEnd(29)} | ${kb(dist.min).padStart(9)} | ${kb(dist.gz).padStart(9)} | ${`≤ ${app.target} KB ${ok ? "ok" : "OVER"}`.padStart(11)} | ${kb(src.min).padStart(9)} | ${kb(src.gz).padStart(8)} | ${kb(rolled.start.gz).padStart(11)} | ${kb(rolled.lazy.gz).padStart(16)}`,
  );
  if (dist.lazy.min > 0)
    console.log(
      `  + on demand, not loaded at start: ${kb(dist.lazy.min)} min, ${kb(dist.lazy.gz)} gzip (dist)`,
    );
  if (dist.warnings > 0) console.log(`  (${dist.warnings} esbuild warnings)`);
  if (analyze) {
    const inputs = dist.inputs;
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
