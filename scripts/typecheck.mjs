#!/usr/bin/env node
// `pnpm typecheck`: type-checks every workspace package that has a `typecheck` script, on sources, in ONE
// TypeScript program per distinct set of compiler options (today: one). Each package's own `tsc -p tsconfig.json
// --noEmit` re-checks the sources of every package it imports (the source condition resolves them to src/), so
// running them one by one checked tensor's sources twenty times; one program checks each file once (about a ninth
// of the CPU time). It reads each package's tsconfig.json, so what is checked is exactly the union of what the
// per-package scripts check, and `pnpm -F @phlox/<pkg> typecheck` stays the way to check one package.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Workspace folders from pnpm-workspace.yaml's `packages:` globs (`dir/*` or a plain folder). */
function workspaceDirs() {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const block = yaml.split(/^packages:\s*$/m)[1]?.split(/^\S/m)[0] ?? "";
  const globs = [...block.matchAll(/^\s*-\s*["']?([^"'\n]+?)["']?\s*$/gm)].map((m) => m[1]);
  return globs.flatMap((g) =>
    g.endsWith("/*")
      ? readdirSync(join(root, g.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(root, g.slice(0, -2), d.name))
      : [join(root, g)],
  );
}

const configs = workspaceDirs().filter((dir) => {
  const pkg = join(dir, "package.json");
  if (!existsSync(pkg) || !existsSync(join(dir, "tsconfig.json"))) return false;
  return Boolean(JSON.parse(readFileSync(pkg, "utf8")).scripts?.typecheck);
});

const host = {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  },
};
/** Programs keyed by their compiler options (less the config file's own path). */
const groups = new Map();
for (const dir of configs) {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(dir, "tsconfig.json"), {}, host);
  if (!parsed) throw new Error(`could not read ${relative(root, dir)}/tsconfig.json`);
  const { configFilePath, ...options } = parsed.options;
  const key = JSON.stringify(options);
  const group = groups.get(key) ?? { options: parsed.options, files: new Set(), errors: [], dirs: [] };
  for (const f of parsed.fileNames) group.files.add(f);
  group.errors.push(...parsed.errors);
  group.dirs.push(relative(root, dir));
  groups.set(key, group);
}

const formatHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => "\n",
};
let errors = 0;
for (const { options, files, errors: configErrors, dirs } of groups.values()) {
  const program = ts.createProgram({
    rootNames: [...files],
    options,
    configFileParsingDiagnostics: configErrors,
  });
  const diagnostics = ts.sortAndDeduplicateDiagnostics(ts.getPreEmitDiagnostics(program));
  errors += diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  const format = process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  if (diagnostics.length > 0) process.stderr.write(format(diagnostics, formatHost));
  console.log(`typecheck: ${dirs.length} packages, ${files.size} files, ${diagnostics.length} diagnostics`);
}
process.exit(errors > 0 ? 1 : 0);
