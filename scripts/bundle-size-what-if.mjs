#!/usr/bin/env node
// What the README NUTS app would weigh without parts of the libraries: the app is bundled from src/ (the
// `@phlox/source` condition, as esbuild minified for the browser, gzip level 9, 1 KB = 1000 bytes), once as
// it is and then with groups of modules replaced by stubs that export the same names (so nothing else
// changes). Each group's own saving and the cumulative size are printed. An estimate of what making a part
// optional (reachable only from code that needs it) would buy, not a working build: the stubbed app does
// not run. The last groups are not optional parts but the core (the code generator, simplify, printSummary):
// what the app would weigh if an API change made them optional too.
// usage: node scripts/bundle-size-what-if.mjs
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, transform } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, "README.md"), "utf8"))?.[1];
if (!readme) throw new Error("README.md has no ```ts example");
const code = (await transform(readme, { loader: "ts" })).code;

/** Module groups, each reached by the README app through one path (named after the group). */
const groups = [
  [
    "enumeration (initializeModel's planEnumeration; handlers' scan)",
    [/infer\/src\/enum\//, /handlers\/src\/enum\//],
  ],
  ["vmap (CompiledPotential.batched)", [/tensor\/src\/vmap\//]],
  [
    "Predictive + compiled log-likelihood (HMCKernel.logLikelihood)",
    [/infer\/src\/predictive\.ts/, /infer\/src\/internal\/compiled-log-likelihood\.ts/],
  ],
  [
    "structured / l1-ball / zero-sum transforms (bijectTo)",
    [/distributions\/src\/transforms\/(structured|l1-ball|zero-sum)\.ts/],
  ],
  [
    "scan: tracing, simplification, code generation",
    [
      /tensor\/src\/control\/(scan|compile-eqn)/,
      /tensor\/src\/jit\/simplify-control\.ts/,
      /backend-js\/src\/internal\/(codegen-control|carry-chains)\.ts/,
    ],
  ],
  ["Gibbs site layout (initializeModel)", [/infer\/src\/internal\/gibbs-sites\.ts/]],
  ["matmul / Cholesky code generation", [/backend-js\/src\/internal\/(codegen-matmul|fuse-cholesky)\.ts/]],
  [
    "WebAssembly SIMD row kernels (codegen's simdFactory)",
    [/backend-js\/src\/internal\/(simd-[a-z]+|wasm-emit)\.ts/],
  ],
  [
    "thread runtime (compile's threadedLoops, share-loops)",
    [/backend-js\/src\/internal\/(threads|share-loops|browser-thread-pool|thread-[a-z]+)\.ts/],
  ],
  // Not optional today: what the README app would weigh if the core went too (the API decisions left).
  [
    "core: the JavaScript code generator (jit interprets instead)",
    [/backend-js\/src\/(internal\/|compile\.ts)/],
  ],
  ["core: jit's simplify passes", [/tensor\/src\/jit\/(simplify|linear-accumulate)\.ts/]],
  ["core: printSummary (diagnostics summary and internals)", [/diagnostics\/src\/(internal\/|summary\.ts)/]],
];

/** The value names a module exports (declarations and export lists; types left out). */
function exportedNames(file) {
  const src = readFileSync(file, "utf8");
  const out = new Set();
  const decl =
    /export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|abstract\s+class)\s+(\w+)/g;
  for (const m of src.matchAll(decl)) out.add(m[1]);
  for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const p = part.trim();
      if (p && !p.startsWith("type ")) out.add(p.split(/\s+as\s+/).pop());
    }
  }
  return [...out];
}

async function size(patterns) {
  const r = await build({
    stdin: { contents: code, resolveDir: join(root, "examples"), sourcefile: "app.js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    conditions: ["@phlox/source"],
    logLevel: "silent",
    metafile: true,
    plugins: [
      {
        name: "stub",
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            if (!patterns.some((p) => p.test(args.path.replace(/\\/g, "/")))) return undefined;
            const names = exportedNames(args.path);
            return { contents: names.map((n) => `export const ${n} = undefined;`).join("\n"), loader: "js" };
          });
        },
      },
    ],
  });
  const js = r.outputFiles[0].contents;
  return { min: js.length, gz: gzipSync(js, { level: 9 }).length, meta: r.metafile };
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const base = await size([]);
console.log(`README NUTS app from src: ${kb(base.min)} min, ${kb(base.gz)} gzip`);
console.log(
  "without                                                          | saves gzip | cumulative gzip",
);
let all = [];
let cumulative;
for (const [name, patterns] of groups) {
  const alone = await size(patterns);
  all = all.concat(patterns);
  cumulative = await size(all);
  console.log(
    `${name.padEnd(64)} | ${kb(base.gz - alone.gz).padStart(10)} | ${kb(cumulative.gz).padStart(15)}`,
  );
}
// What is left with every group stubbed, by package (minified bytes).
const byPackage = new Map();
for (const [file, v] of Object.entries(Object.values(cumulative.meta.outputs)[0].inputs)) {
  const pkg = file.replace(/^.*?packages\//, "").split("/")[0];
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + v.bytesInOutput);
}
console.log(
  `left (minified): ${[...byPackage]
    .sort((a, b) => b[1] - a[1])
    .map(([p, n]) => `${p} ${kb(n)}`)
    .join(", ")}`,
);
