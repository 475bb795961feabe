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
// Every bare import (other @phlox packages, npm dependencies, node: builtins) stays an import in both forms.
// A package's `#` subpath imports (package.json "imports") are resolved per form: Node-only code sits behind
// a `node` condition there, so the module-preserving form that browsers bundle never reaches it.
// Run from a package directory: `node ../../scripts/bundle-package.mjs`.
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
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

// 1. One module per source file (tests excluded), imports untouched.
await build({
  ...common,
  entryPoints: walk("src").filter((f) => /\.ts$/.test(f) && !/\.(test|d)\.ts$/.test(f)),
  outdir: "dist",
  outbase: "src",
  bundle: false,
  platform: "neutral",
});

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
