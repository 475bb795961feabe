// Module hooks that let a worker thread import TypeScript sources (used only when a package runs from src/,
// e.g. under vitest; built packages import dist/*.js and need no hooks): this package's thread pool and
// @phlox/mcmc's parallel chains (its internal/ts-loader.mjs re-exports these) register them.
// `.js` specifiers that do not exist resolve to the sibling `.ts`; `.ts` files are transpiled by esbuild, or
// the TypeScript compiler where esbuild is not installed (types erased, no type checking). Outputs are cached
// on disk under this package's node_modules/.cache, keyed by a hash of path and source, so later workers skip
// loading TypeScript.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** `(source, fileName) => JavaScript`: esbuild's transform where it resolves (the workspace has it), else TypeScript's. */
let ts;

/**
 * Types erased by esbuild (tens of times faster than TypeScript's `transpileModule`, which matters on a cold
 * cache: a worker loads some 400 TypeScript files), or by TypeScript where esbuild cannot be imported.
 * Also used by @phlox/mcmc's parallel chains to transpile their source mirror.
 * @returns `(source, fileName) => JavaScript`.
 */
export async function transpiler() {
  try {
    const esbuild = await import("esbuild");
    return (source, fileName) =>
      esbuild.transformSync(source, {
        loader: "ts",
        format: "esm",
        target: "es2022",
        sourcefile: fileName,
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
      }).code;
  } catch {
    const t = (await import("typescript")).default;
    return (source, fileName) =>
      t.transpileModule(source, {
        fileName,
        compilerOptions: { module: t.ModuleKind.ESNext, target: t.ScriptTarget.ES2022, sourceMap: false },
      }).outputText;
  }
}
const cacheDir = fileURLToPath(new URL("../../node_modules/.cache/phlox-ts-loader/", import.meta.url));

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      return next(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw err;
  }
}

export async function load(url, context, next) {
  if (url.startsWith("file:") && url.endsWith(".ts")) {
    const fileName = fileURLToPath(url);
    const source = await readFile(fileName, "utf8");
    const cached = `${cacheDir}${createHash("sha256").update(fileName).update("\0").update(source).digest("hex")}.js`;
    const hit = await readFile(cached, "utf8").catch(() => null);
    if (hit !== null) return { format: "module", source: hit, shortCircuit: true };
    ts ??= await transpiler();
    const outputText = ts(source, fileName);
    const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await mkdir(cacheDir, { recursive: true })
      .then(() => writeFile(tmp, outputText))
      .then(() => rename(tmp, cached))
      .catch(() => undefined);
    return { format: "module", source: outputText, shortCircuit: true };
  }
  return next(url, context);
}
