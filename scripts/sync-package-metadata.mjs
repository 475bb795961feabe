#!/usr/bin/env node
// Brings every publishable package under packages/ to the package template (scripts/package-template.mjs):
// version 0.1.0 instead of 0.0.0, publish metadata (author, repository with directory, homepage, bugs,
// keywords, engines, publishConfig), the `node` export condition, singleton packages as peer dependencies,
// `workspace:^` ranges, and a copy of the root LICENSE. Idempotent; run after adding a package by hand, then
// `pnpm install` to update the lockfile.
// usage: node scripts/sync-package-metadata.mjs [package-dir ...]   (default: every packages/* folder)
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyTemplate } from "./package-template.mjs";

const dirs = process.argv.slice(2);
const targets = dirs.length > 0 ? dirs : readdirSync("packages").map((d) => join("packages", d));
for (const dir of targets) {
  const file = join(dir, "package.json");
  if (!existsSync(file)) continue;
  const before = readFileSync(file, "utf8");
  const pkg = JSON.parse(before);
  if (pkg.private) continue;
  const after = `${JSON.stringify(applyTemplate(pkg, dir.replace(/\\/g, "/").replace(/\/$/, "")), null, 2)}\n`;
  if (after !== before) writeFileSync(file, after);
  copyFileSync("LICENSE", join(dir, "LICENSE"));
  console.log(`${after === before ? "unchanged" : "updated  "} ${file}`);
}
