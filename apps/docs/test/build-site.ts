/** Builds the docs site (TypeDoc API pages, then VitePress) the way `pnpm docs:build` does, into `outDir`. */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The docs app's root folder. */
export const DOCS_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const require = createRequire(import.meta.url);

function bin(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

function node(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`node ${args.join(" ")} exited ${code}:\n${out}`)),
    );
  });
}

/** Runs TypeDoc (warnings are errors, see typedoc.json) and returns its output. */
export function buildApi(): Promise<string> {
  return node([bin("typedoc", "bin/typedoc")], DOCS_ROOT);
}

/** Runs `vitepress build` into `outDir` and returns its output. */
export function buildSite(outDir: string): Promise<string> {
  return node([bin("vitepress", "bin/vitepress.js"), "build", ".", "--outDir", outDir], DOCS_ROOT);
}
