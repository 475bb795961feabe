#!/usr/bin/env node
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
// Why @phlox/plots writes SVG itself on d3-scale instead of using Observable Plot or Vega-Lite: the same
// picture (a trace panel: 4 chains x 1000 draws as lines) drawn 100 times as an SVG string in Node, and the
// min+gzip browser bundle of one line chart, for each option. Those libraries are not dependencies: install
// them in a scratch folder and pass it as the first argument, e.g.
//   mkdir /tmp/libcmp && cd /tmp/libcmp && npm install @observablehq/plot@0.6.17 linkedom@0.18.15 vega@6.4.0 vega-lite@6.4.3
//   node --conditions=@phlox/source --import tsx packages/plots/bench/compare-libraries.mjs /tmp/libcmp
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const scratch = process.argv[2];
if (!scratch) {
  console.error(
    "usage: compare-libraries.mjs <folder with node_modules/{@observablehq/plot,linkedom,vega,vega-lite}>",
  );
  process.exit(2);
}
const mod = (p) => import(pathToFileURL(join(scratch, "node_modules", p)).href);
const here = dirname(fileURLToPath(import.meta.url));

const C = 4;
const D = 1000;
const rows = [];
const series = [];
for (let c = 0; c < C; c++) {
  const y = new Float64Array(D);
  let x = 0;
  for (let i = 0; i < D; i++) {
    x = 0.5 * x + Math.sin(i * 0.37 + c) + Math.cos(i * 0.11 * (c + 1));
    y[i] = x;
    rows.push({ i, y: x, chain: `chain ${c}` });
  }
  series.push(y);
}

function cpu(label, f, reps = 100) {
  f();
  const t0 = process.cpuUsage();
  let bytes = 0;
  for (let r = 0; r < reps; r++) bytes = f().length;
  const t = process.cpuUsage(t0);
  console.log(
    `${label.padEnd(34)} ${((t.user + t.system) / 1000).toFixed(0).padStart(6)} ms CPU for ${reps} panels  (${(bytes / 1024).toFixed(0)} kB SVG each)`,
  );
}

const { Panel } = await import(join(here, "../src/internal/panel.ts"));
const { renderFigure } = await import(join(here, "../src/internal/figure.ts"));
const it = Float64Array.from({ length: D }, (_, i) => i);
cpu("@phlox/plots (d3-scale + strings)", () => {
  const p = new Panel({ width: 300, height: 170, xDomain: [0, D - 1], yDomain: [-4, 4] });
  for (let c = 0; c < C; c++) p.line(it, series[c], { stroke: "#1f77b4" });
  return renderFigure([[p]], { kind: "trace" });
});

const Plot = await mod("@observablehq/plot/src/index.js");
const { parseHTML } = await mod("linkedom/esm/index.js");
cpu("Observable Plot + linkedom", () => {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const svg = Plot.plot({
    document,
    width: 300,
    height: 170,
    marks: [Plot.lineY(rows, { x: "i", y: "y", stroke: "chain" })],
  });
  return svg.outerHTML;
});

const vl = await mod("vega-lite/build/index.js");
const vega = await mod("vega/build/vega.module.js");
const spec = vl.compile({
  width: 300,
  height: 170,
  data: { values: rows },
  mark: "line",
  encoding: {
    x: { field: "i", type: "quantitative" },
    y: { field: "y", type: "quantitative" },
    color: { field: "chain" },
  },
}).spec;
{
  await new vega.View(vega.parse(spec), { renderer: "none" }).toSVG();
  const t0 = process.cpuUsage();
  let bytes = 0;
  const reps = 20;
  for (let r = 0; r < reps; r++)
    bytes = (await new vega.View(vega.parse(spec), { renderer: "none" }).toSVG()).length;
  const t = process.cpuUsage(t0);
  console.log(
    `${"Vega-Lite + Vega (view.toSVG)".padEnd(34)} ${(((t.user + t.system) / 1000) * (100 / reps)).toFixed(0).padStart(6)} ms CPU for 100 panels  (${(bytes / 1024).toFixed(0)} kB SVG each; ${reps} timed, scaled)`,
  );
}

async function size(label, contents, resolveDir) {
  const r = await build({
    stdin: { contents, resolveDir, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "error",
    conditions: ["@phlox/source"],
    external: ["node:*"],
  });
  const code = r.outputFiles[0].contents;
  console.log(`${label.padEnd(34)} ${(gzipSync(code).length / 1024).toFixed(1).padStart(6)} kB min+gzip`);
}
await size(
  "@phlox/plots plotTrace",
  `export { plotTrace } from ${JSON.stringify(join(here, "../src/index.ts"))};`,
  here,
);
await size("Observable Plot (lineY + plot)", `export { lineY, plot } from "@observablehq/plot";`, scratch);
await size(
  "Vega-Lite compile + Vega view",
  `export { compile } from "vega-lite"; export { View, parse } from "vega";`,
  scratch,
);
