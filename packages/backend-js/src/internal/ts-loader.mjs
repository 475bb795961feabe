// Module hooks that let a worker thread import this package's TypeScript sources (used only when the
// package runs from src/, e.g. under vitest; built packages import dist/*.js and need no hooks).
// `.js` specifiers that do not exist resolve to the sibling `.ts`; `.ts` files are transpiled with the
// TypeScript compiler (types erased, no type checking). Outputs are cached on disk under this package's
// node_modules/.cache, keyed by a hash of path and source, so later workers skip loading TypeScript.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

let ts;
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
    ts ??= (await import("typescript")).default;
    const out = ts.transpileModule(source, {
      fileName,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
    });
    const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await mkdir(cacheDir, { recursive: true })
      .then(() => writeFile(tmp, out.outputText))
      .then(() => rename(tmp, cached))
      .catch(() => undefined);
    return { format: "module", source: out.outputText, shortCircuit: true };
  }
  return next(url, context);
}
