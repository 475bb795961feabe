#!/usr/bin/env node
// Builds one package's JavaScript into dist/, in two forms (tsc writes the declarations beforehand:
// `tsc -p tsconfig.build.json --emitDeclarationOnly`):
//
// 1. Module-preserving ES modules, one per source file (dist/<path>.js beside dist/<path>.d.ts): what the
//    `default` export condition names, so bundlers (esbuild, Vite, Rollup, webpack) see the module graph and,
//    with `"sideEffects": false`, drop every module an app does not use.
// 2. One ES module per `exports` entry (dist/<entry>.node.js; code shared by several entries in
//    dist/node-chunks/): what the `node` export condition names. Node's ES module loader costs about half a
//    millisecond per file, and ~290 files sit behind @phlox/mcmc: importing them one by one took ~130 ms,
//    a bundle per entry a few. The bundle sits beside the module-preserving files, so a module found by a
//    URL relative to `import.meta.url` (@phlox/mcmc's worker entries) resolves in both forms.
//
// Modules that import each other in a cycle (one strongly connected component of the import graph, e.g.
// @phlox/tensor's Tensor class and the ops its methods call) are written as one shared module under
// dist/chunks/, each member's dist/<path>.js re-exporting its part: bundlers then see an acyclic graph
// (Rollup warns on every cycle), and nothing is lost to tree-shaking, since every member of a cycle is
// reachable from every other.
// Every bare import (other @phlox packages, npm dependencies, node: builtins) stays an import in both forms.
// A package's `#` subpath imports (package.json "imports") are resolved per form: Node-only code sits behind
// a `node` condition there, so the module-preserving form that browsers bundle never reaches it.
// Run from a package directory: `node ../../scripts/bundle-package.mjs`.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const entryPoints = Object.entries(pkg.exports ?? {}).map(([subpath, target]) => {
  const source = typeof target === "object" ? target["@phlox/source"] : undefined;
  if (typeof source !== "string") {
    throw new Error(`${pkg.name}: exports["${subpath}"] has no "@phlox/source" entry to bundle from.`);
  }
  return source;
});
if (entryPoints.length === 0) throw new Error(`${pkg.name}: package.json has no exports to bundle.`);

/** Every file under `dir` (recursively), as paths joined to `dir`. */
function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// Emitted JavaScript of earlier builds (declarations stay): dist/ holds only what this build writes.
for (const file of walk("dist")) if (/\.js(\.map)?$/.test(file)) rmSync(file);

const common = { format: "esm", target: "es2022", sourcemap: true, logLevel: "warning" };

const sources = walk("src").filter((f) => /\.ts$/.test(f) && !/\.(test|d)\.ts$/.test(f));

/** Static imports between this package's own source files (from esbuild's metafile). */
async function importGraph() {
  const r = await build({
    entryPoints: sources,
    bundle: true,
    write: false,
    metafile: true,
    outdir: "graph",
    platform: "neutral",
    packages: "external",
    conditions: ["@phlox/source"],
    logLevel: "silent",
  });
  const graph = new Map(sources.map((f) => [f, []]));
  for (const [file, input] of Object.entries(r.metafile.inputs)) {
    if (!graph.has(file)) continue;
    for (const imp of input.imports) {
      if (imp.kind === "import-statement" && !imp.external && graph.has(imp.path))
        graph.get(file).push(imp.path);
    }
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan's algorithm). */
function cycles(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

const sccs = cycles(await importGraph());
const inCycle = new Set(sccs.flat());

// 1. One module per source file (tests excluded), imports untouched; modules on a cycle come next.
await build({
  ...common,
  entryPoints: sources.filter((f) => !inCycle.has(f)),
  outdir: "dist",
  outbase: "src",
  bundle: false,
  platform: "neutral",
});

// 1b. Each cycle: its members as entry points of one split build, so their code lands in one shared chunk
// and each member's file re-exports from it; imports that leave the cycle stay imports, rewritten relative
// to the file they end up in.
const MARK = "phlox-dist-module:";
for (const scc of sccs) {
  const members = new Set(scc.map((f) => resolve(f)));
  const r = await build({
    ...common,
    entryPoints: scc,
    outdir: "dist",
    outbase: "src",
    bundle: true,
    splitting: true,
    write: false,
    platform: "neutral",
    packages: "external",
    conditions: ["@phlox/source"],
    chunkNames: "chunks/[name]-[hash]",
    plugins: [
      {
        name: "outside-the-cycle",
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            const target = resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
            if (members.has(target)) return undefined;
            return {
              path: `${MARK}${relative(resolve("src"), target).replace(/\.ts$/, ".js")}`,
              external: true,
            };
          });
        },
      },
    ],
  });
  for (const file of r.outputFiles) {
    let text = file.text;
    if (file.path.endsWith(".js")) {
      text = text.replaceAll(new RegExp(`"${MARK}([^"]+)"`, "g"), (_, rel) => {
        const path = relative(dirname(file.path), resolve("dist", rel)).replace(/\\/g, "/");
        return JSON.stringify(path.startsWith(".") ? path : `./${path}`);
      });
    }
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, text);
  }
}

// 2. One module per exports entry for Node; `#` imports resolve through their `node` condition.
await build({
  ...common,
  entryPoints,
  outdir: "dist",
  outbase: "src",
  entryNames: "[dir]/[name].node",
  chunkNames: "node-chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  conditions: ["@phlox/source"],
  packages: "external",
});
