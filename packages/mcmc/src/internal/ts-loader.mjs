// Module hooks that let a worker thread import this package's TypeScript sources (used only when the
// package runs from src/, e.g. under vitest; built packages import dist/*.js and need no hooks).
// `.js` specifiers that do not exist resolve to the sibling `.ts`; `.ts` files are transpiled with the
// TypeScript compiler (types erased, no type checking).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

let ts;

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
    ts ??= (await import("typescript")).default;
    const fileName = fileURLToPath(url);
    const source = await readFile(fileName, "utf8");
    const out = ts.transpileModule(source, {
      fileName,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
    });
    return { format: "module", source: out.outputText, shortCircuit: true };
  }
  return next(url, context);
}
