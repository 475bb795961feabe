#!/usr/bin/env node
// Creates packages/<name> following the Phlox package template (see ARCHITECTURE.md, "Package template").
// usage: node scripts/new-package.mjs <name> "<one-line description>" [dep ...]
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyTemplate } from "./package-template.mjs";

const [name, description = "", ...deps] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: node scripts/new-package.mjs <kebab-name> "<description>" [workspace-dep ...]');
  process.exit(2);
}
const dir = join("packages", name);
if (existsSync(dir)) {
  console.error(`${dir} already exists`);
  process.exit(2);
}
mkdirSync(join(dir, "src"), { recursive: true });
const json = (o) => `${JSON.stringify(o, null, 2)}\n`;
// Publishable from the start: version 0.1.0, publish metadata, the `node` export condition (the per-entry
// Node bundle), singleton packages (@phlox/tensor, ...) as peer dependencies (scripts/package-template.mjs).
const pkg = applyTemplate(
  {
    name: `@phlox/${name}`,
    version: "0.0.0",
    description,
    license: "MIT",
    type: "module",
    sideEffects: false,
    exports: {
      ".": {
        "@phlox/source": "./src/index.ts",
        types: "./dist/index.d.ts",
        default: "./dist/index.js",
      },
    },
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    files: ["dist", "src", "!src/**/*.test.ts"],
    scripts: {
      build: "tsc -p tsconfig.build.json --emitDeclarationOnly && node ../../scripts/bundle-package.mjs",
      typecheck: "tsc -p tsconfig.json --noEmit",
      test: "vitest run",
    },
    dependencies: Object.fromEntries(deps.map((d) => [`@phlox/${d}`, "workspace:^"])),
  },
  `packages/${name}`,
);
writeFileSync(join(dir, "package.json"), json(pkg));
copyFileSync("LICENSE", join(dir, "LICENSE"));
writeFileSync(
  join(dir, "tsconfig.json"),
  json({ extends: "../../tsconfig.base.json", compilerOptions: { noEmit: true }, include: ["src"] }),
);
writeFileSync(
  join(dir, "tsconfig.build.json"),
  json({
    extends: "../../tsconfig.base.json",
    compilerOptions: { outDir: "dist", rootDir: "src", noEmit: false, customConditions: [] },
    include: ["src"],
    exclude: ["src/**/*.test.ts", "src/testing/**"],
  }),
);
writeFileSync(
  join(dir, "vitest.config.ts"),
  `import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@phlox/source"] },
  ssr: { resolve: { conditions: ["@phlox/source"] } },
  // Explicit timeouts: tests must pass on a busy 2-core machine (vitest's 5 s default flaked there).
  test: { name: "${name}", testTimeout: 60_000, hookTimeout: 60_000, include: ["src/**/*.test.ts"] },
});
`,
);
console.log(`created ${dir}`);
