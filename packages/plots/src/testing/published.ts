/**
 * The published form of @phlox/plots for the browser test: the package and every workspace package it imports
 * built by their own `build` scripts (whatever layout those write), and a page bundled by esbuild that imports
 * `@phlox/plots` by name, resolved through package.json `exports` with the default conditions (as an
 * application that installed the package would), never the `@phlox/source` condition.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

interface PackageJson {
  name: string;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readPkg = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;

/** The folder of workspace package `name` as seen from `fromDir` (its node_modules link, resolved). */
function packageDir(name: string, fromDir: string): string {
  return resolve(fromDir, "node_modules", name);
}

/**
 * Workspace packages (`workspace:` versions) that `root`'s runtime dependencies and `extra` reach, with their
 * folders, dependencies before dependants.
 */
export function workspaceClosure(
  root: string,
  extra: readonly string[] = [],
): { name: string; dir: string }[] {
  const out: { name: string; dir: string }[] = [];
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    const pkg = readPkg(dir);
    if (seen.has(pkg.name)) return;
    seen.add(pkg.name);
    for (const [dep, version] of Object.entries(pkg.dependencies ?? {}))
      if (version.startsWith("workspace:")) visit(packageDir(dep, dir));
    out.push({ name: pkg.name, dir });
  };
  for (const name of extra) visit(packageDir(name, root));
  visit(root);
  return out;
}

/** The files a package's `exports` hand out under the default conditions. */
function publishedFiles(dir: string): string[] {
  const files: string[] = [];
  for (const target of Object.values(readPkg(dir).exports ?? {})) {
    const file = typeof target === "string" ? target : target.default;
    if (typeof file === "string" && !file.includes("*")) files.push(join(dir, file));
  }
  return files;
}

function newestIn(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestIn(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Packages whose published files are missing or older than their source (src/ or package.json).
 * @param pkgs - from {@link workspaceClosure}.
 */
export function staleBuilds(pkgs: readonly { name: string; dir: string }[]): string[] {
  return pkgs
    .filter(({ dir }) => {
      const files = publishedFiles(dir);
      if (files.length === 0 || !files.every((f) => existsSync(f))) return true;
      const built = Math.min(...files.map((f) => statSync(f).mtimeMs));
      const source = Math.max(newestIn(join(dir, "src")), statSync(join(dir, "package.json")).mtimeMs);
      return built < source;
    })
    .map((p) => p.name);
}

/**
 * Runs the `build` script of each named package (pnpm orders them by their dependencies).
 * @throws Error with pnpm's output when a build fails.
 */
export function buildPackages(names: readonly string[], cwd: string): void {
  if (names.length === 0) return;
  const args = ["-r", "--workspace-concurrency=1"];
  for (const n of names) args.push("--filter", n);
  args.push("run", "build");
  const r = spawnSync("pnpm", args, { cwd, encoding: "utf8", timeout: 840_000 });
  if (r.status !== 0)
    throw new Error(`pnpm ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * Bundles `entry` for browsers into `outDir` (main.js and an index.html with a `#plots` element) with the
 * published package in place of the source: `@phlox/plots` is found through a node_modules folder that links
 * to the package, as an installed dependency would be, and resolved through its `exports` (default
 * conditions), like every other package the page imports.
 * @param pkgDir - the @phlox/plots folder.
 * @param entry - the page's module.
 * @param outDir - an empty folder (it also gets the node_modules link).
 * @returns the bundle's input files (to check what was bundled).
 */
export async function bundlePublishedPage(pkgDir: string, entry: string, outDir: string): Promise<string[]> {
  const name = readPkg(pkgDir).name;
  const modules = join(outDir, "node_modules");
  mkdirSync(join(modules, dirname(name)), { recursive: true });
  if (!existsSync(join(modules, name))) symlinkSync(pkgDir, join(modules, name), "dir");
  const r = await build({
    entryPoints: [entry],
    outfile: join(outDir, "main.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "esnext",
    // Node builtins appear only in dynamic imports of Node-only paths (file reading): left as they are
    external: ["node:*"],
    nodePaths: [modules],
    metafile: true,
    logLevel: "error",
  });
  writeFileSync(
    join(outDir, "index.html"),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Phlox plots (published bundles)</title></head>' +
      '<body><div id="plots"></div><script type="module" src="./main.js"></script></body></html>',
  );
  return Object.keys(r.metafile.inputs);
}
