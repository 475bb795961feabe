#!/usr/bin/env node
// Which modules the README NUTS app's browser bundle is made of. The app (the first ```ts block of README.md)
// is bundled by esbuild for the browser (ES module, minified), from src/ (the `@phlox/source` condition) or,
// with --dist, from the packages' dist/ (`pnpm build` first). esbuild's metafile gives each module's minified
// bytes in the output; its gzip share is estimated by gzipping the bundle once without that module's bytes
// (the module's output slice cut out, the rest kept as is): "gz saved" is what removing the module would save
// at most. Prints a table per package and per module, largest first (1 KB = 1000 bytes, gzip level 9).
// usage: node scripts/bundle-breakdown.mjs [--dist] [--app normal] [--top N] [--all]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, transform } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const fromDist = args.includes("--dist");
const top = args.includes("--all")
  ? Number.POSITIVE_INFINITY
  : Number(args[args.indexOf("--top") + 1] ?? 0) || 40;
const appName = args.includes("--app") ? args[args.indexOf("--app") + 1] : "readme";

let code;
if (appName === "normal") {
  code = `import { tensor } from "@phlox/tensor";
import { Normal } from "@phlox/distributions";
console.log(new Normal(0, 1).logProb(tensor([0.5, -1])).dataSync());
`;
} else {
  const readme = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, "README.md"), "utf8"))?.[1];
  if (!readme) throw new Error("README.md has no ```ts example");
  code = (await transform(readme, { loader: "ts" })).code;
}

// A source map gives, for each output position, the input module it came from: this is how each module's
// byte ranges in the minified output are found.
const r = await build({
  stdin: { contents: code, resolveDir: join(root, "examples"), sourcefile: "app.js" },
  bundle: true,
  platform: "browser",
  format: "esm",
  minify: true,
  write: false,
  metafile: true,
  sourcemap: "external",
  outfile: "app.js",
  conditions: fromDist ? [] : ["@phlox/source"],
  logLevel: "silent",
  // dist files carry source maps back to src/; the bytes are attributed to the dist files themselves
  plugins: [
    {
      name: "no-input-source-maps",
      setup(b) {
        b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (a) => ({
          contents: readFileSync(a.path, "utf8").replace(/\/\/# sourceMappingURL=.*$/m, ""),
          loader: "js",
        }));
      },
    },
  ],
});
const js = r.outputFiles.find((f) => f.path.endsWith(".js")).text;
const map = JSON.parse(r.outputFiles.find((f) => f.path.endsWith(".map")).text);
const total = { min: Buffer.byteLength(js), gz: gzipSync(js, { level: 9 }).length };

/** Per-source character ranges of the (single-line-per-chunk) output, from the VLQ mappings. */
function ranges() {
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lines = js.split("\n");
  const out = new Map(); // source index -> array of [lineStart offset, from, to)
  let src = 0;
  let offset = 0;
  const lineMaps = map.mappings.split(";");
  for (let li = 0; li < lines.length; li++) {
    const segs = (lineMaps[li] ?? "").split(",").filter(Boolean);
    let col = 0;
    const points = [];
    for (const seg of segs) {
      const vals = [];
      let v = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        v += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(v & 1 ? -(v >>> 1) : v >>> 1);
          v = 0;
          shift = 0;
        }
      }
      col += vals[0];
      if (vals.length > 1) src += vals[1];
      points.push([col, vals.length > 1 ? src : -1]);
      // the remaining fields (line, column, name) are not needed but their deltas are cumulative per file
    }
    for (let i = 0; i < points.length; i++) {
      const [c, s] = points[i];
      const end = i + 1 < points.length ? points[i + 1][0] : lines[li].length;
      if (s < 0) continue;
      if (!out.has(s)) out.set(s, []);
      out.get(s).push([offset + c, offset + end]);
    }
    offset += lines[li].length + 1;
  }
  return out;
}
const bySource = ranges();

function gzWithout(spans) {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let s = "";
  let at = 0;
  for (const [a, b] of sorted) {
    if (a > at) s += js.slice(at, a);
    at = Math.max(at, b);
  }
  s += js.slice(at);
  return total.gz - gzipSync(s, { level: 9 }).length;
}

const inputs = Object.entries(r.metafile.outputs).find(([k]) => k.endsWith(".js"))[1].inputs;
const short = (f) => f.replace(/^.*?packages\//, "").replace(/^.*node_modules\//, "node_modules/");
const rows = [];
const byPackage = new Map();
for (const [file, v] of Object.entries(inputs)) {
  if (v.bytesInOutput === 0) continue;
  const si = map.sources.findIndex((s) => s.endsWith(file.replace(/^(\.\.\/)+/, "")));
  const spans = bySource.get(si) ?? [];
  const name = short(file);
  rows.push({ name, min: v.bytesInOutput, spans });
  const pkg = name.split("/")[0];
  const p = byPackage.get(pkg) ?? { min: 0, spans: [] };
  p.min += v.bytesInOutput;
  p.spans.push(...spans);
  byPackage.set(pkg, p);
}
rows.sort((a, b) => b.min - a.min);
const kb = (n) => `${(n / 1000).toFixed(1)}`.padStart(6);
console.log(
  `${appName === "normal" ? "new Normal(0, 1).logProb(x)" : "README NUTS app"} from ${fromDist ? "dist" : "src"}: ${kb(total.min)} KB min, ${kb(total.gz)} KB gzip`,
);
console.log("\npackage          |  min KB | gz saved KB (if removed)");
for (const [pkg, p] of [...byPackage].sort((a, b) => b[1].min - a[1].min))
  console.log(`${pkg.padEnd(16)} | ${kb(p.min)}  | ${kb(gzWithout(p.spans))}`);
console.log(`\nmodule${" ".repeat(60)} |  min KB | gz saved KB`);
for (const row of rows.slice(0, top))
  console.log(`${row.name.padEnd(66)} | ${kb(row.min)}  | ${kb(gzWithout(row.spans))}`);
if (rows.length > top) console.log(`... ${rows.length - top} more modules (--all lists them)`);
