#!/usr/bin/env node
// Bundles one package's JavaScript: each entry point of its `exports` map (the `@phlox/source` file) becomes
// one ES module in dist/ (shared code split into dist/chunks/), every bare import (other @phlox packages, npm
// dependencies, node: builtins) stays an import. tsc writes the declarations beforehand
// (`tsc -p tsconfig.build.json --emitDeclarationOnly`); this replaces what used to be one emitted file per
// source file, because Node's ES module loader pays about half a millisecond per file: importing @phlox/mcmc's
// graph from ~290 files took ~130 ms, from one file per package it takes a few.
// Run from a package directory: `node ../../scripts/bundle-package.mjs`. With `--keep-emitted` (@phlox/mcmc) the
// full tsc output stays beside the bundle, for modules that workers load by URL (its worker entry points).
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

// Emitted JavaScript of earlier builds (declarations stay): dist/ holds only what this build writes.
function removeJs(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeJs(path);
    else if (/\.js(\.map)?$/.test(name)) rmSync(path);
  }
}
const keepEmitted = process.argv.includes("--keep-emitted");
if (!keepEmitted) removeJs("dist");

await build({
  entryPoints,
  outdir: "dist",
  outbase: "src",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  packages: "external",
  external: ["node:*"],
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  logLevel: "warning",
});
