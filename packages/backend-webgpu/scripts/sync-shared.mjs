#!/usr/bin/env node
// Copies the tfjs adapter shared with @phlox/backend-wasm into src/shared/ (both backends are layer 1, so neither
// may depend on the other). Edit the files in packages/backend-wasm/src and run `node scripts/sync-shared.mjs`;
// src/shared.test.ts fails when the copies drift.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const SHARED = ["handles.ts", "kernels.ts", "composites.ts", "tfjs-backend.ts", "program.ts"];
export const header = (f) =>
  `// Copied from packages/backend-wasm/src/${f} by scripts/sync-shared.mjs: edit it there, then re-run the script.\n`;

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of SHARED) {
    const src = readFileSync(join(here, "../../backend-wasm/src", f), "utf8");
    writeFileSync(join(here, "../src/shared", f), header(f) + src);
  }
  console.log(`synced ${SHARED.length} files into src/shared/`);
}
