#!/usr/bin/env node
// Fails when a workspace package depends on, or imports, a package in its own or a higher layer, when a source
// file imports a @phlox package that its package.json does not declare, or when the dependency graph has a cycle.
// The layers are the ones ARCHITECTURE.md draws; a new package must be given a layer here.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const LAYERS = {
  diagnostics: 0.5,
  optim: 0.5,
  tensor: 0,
  "backend-js": 1,
  "backend-tfjs": 1,
  "backend-wasm": 1.5,
  "backend-webgpu": 1.5,
  distributions: 2,
  handlers: 3,
  infer: 4,
  nn: 4,
  mcmc: 5,
  vi: 5,
  autoguide: 6,
  distributed: 6,
  "arviz-io": 7,
  plots: 8,
  serve: 8,
  cli: 9,
  phlox: 10,
};

// Private, test-only packages: allowed only as devDependencies (imported from tests), never as dependencies,
// and they must themselves be private and depend on no @phlox package (so any package's tests may use them).
export const TEST_ONLY = new Set(["test-utils"]);

const root = process.argv[2] ?? ".";
const pkgsDir = join(root, "packages");
const problems = [];
const graph = new Map();

function walk(dir, out) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (entry === "node_modules" || entry === "dist") continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|js|mjs)$/.test(entry)) out.push(p);
  }
  return out;
}

for (const name of readdirSync(pkgsDir)) {
  const pj = join(pkgsDir, name, "package.json");
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(pj, "utf8"));
  } catch {
    continue;
  }
  const short = manifest.name.replace(/^@phlox\//, "");
  if (TEST_ONLY.has(short)) {
    if (manifest.private !== true)
      problems.push(`${manifest.name}: a test-only package must be "private": true`);
    const own = Object.keys({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
      ...manifest.devDependencies,
    });
    for (const d of own.filter((x) => x.startsWith("@phlox/")))
      problems.push(`${manifest.name}: a test-only package must not depend on ${d}`);
    graph.set(short, []);
    continue;
  }
  if (!(short in LAYERS)) {
    problems.push(`${manifest.name}: no layer assigned; add it to LAYERS in scripts/check-deps.mjs`);
    continue;
  }
  const declared = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
    .filter((d) => d.startsWith("@phlox/"))
    .map((d) => d.replace(/^@phlox\//, ""));
  graph.set(short, declared);
  for (const dep of declared) {
    if (TEST_ONLY.has(dep))
      problems.push(
        `${manifest.name} lists @phlox/${dep} as a dependency; it is test-only: use devDependencies`,
      );
    else if (!(dep in LAYERS)) problems.push(`${manifest.name} depends on unknown @phlox/${dep}`);
    else if (LAYERS[dep] >= LAYERS[short] && dep !== short)
      problems.push(
        `${manifest.name} (layer ${LAYERS[short]}) depends on @phlox/${dep} (layer ${LAYERS[dep]}): dependencies must point down`,
      );
  }
  const devDeclared = Object.keys(manifest.devDependencies ?? {}).filter((d) => d.startsWith("@phlox/"));
  const srcDir = join(pkgsDir, name, "src");
  let files = [];
  try {
    files = walk(srcDir, []);
  } catch {}
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const isTest = /\.test(-d)?\.ts$/.test(file) || file.includes(`${join("src", "testing")}`);
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)["'](@phlox\/[a-z0-9-]+)/g)) {
      const dep = m[1].replace(/^@phlox\//, "");
      if (dep === short) {
        problems.push(`${file}: imports its own package ${m[1]}; use a relative import`);
        continue;
      }
      // src/testing/ is published (e.g. @phlox/tensor/testing), so only *.test.ts files may use test-only packages
      if (TEST_ONLY.has(dep) && !/\.test(-d)?\.ts$/.test(file)) {
        problems.push(`${file}: imports ${m[1]}, which is test-only; import it from *.test.ts files only`);
        continue;
      }
      const ok = declared.includes(dep) || (isTest && devDeclared.includes(m[1]));
      if (!ok) problems.push(`${file}: imports ${m[1]}, which ${manifest.name} does not declare`);
      else if (LAYERS[dep] >= LAYERS[short] && !isTest)
        problems.push(
          `${file}: imports ${m[1]} (layer ${LAYERS[dep]}) from layer ${LAYERS[short]}: upward import`,
        );
    }
  }
}

// Cycle check over declared dependencies (and devDependencies would be allowed to point anywhere but down-only
// production dependencies already exclude cycles; this catches cycles among same-layer packages too).
const state = new Map();
function visit(n, path) {
  if (state.get(n) === 1) {
    problems.push(`dependency cycle: ${[...path, n].join(" -> ")}`);
    return;
  }
  if (state.get(n) === 2) return;
  state.set(n, 1);
  for (const d of graph.get(n) ?? []) visit(d, [...path, n]);
  state.set(n, 2);
}
for (const n of graph.keys()) visit(n, []);

if (problems.length) {
  console.error(`check-deps: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`check-deps: ${graph.size} packages, dependencies point down, no cycles`);
