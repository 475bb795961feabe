import { readFileSync } from "node:fs";
import { sourceFiles } from "./doc-examples.js";

/** A built-in error class constructed in library code (`new Error(`, `throw TypeError(`, ...). */
const BARE = /\b(?:new\s+|throw\s+)(Error|TypeError|RangeError|SyntaxError|ReferenceError)\s*\(/;

/**
 * The places in a package's sources (tests and `testing/` helpers left out) that construct a built-in error
 * instead of a `PhloxError` subclass, for the one-error-root tests: each as `"file:line: code"`. Comments
 * are not skipped, so write about such errors without the constructor call.
 * @param dir - the package's `src/` folder as a URL (e.g. `new URL(".", import.meta.url)`).
 * @returns the offending lines; empty when every error is a `PhloxError`.
 */
export function bareErrors(dir: URL): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(dir, true, ["testing", "node_modules"])) {
    const lines = readFileSync(new URL(file, dir), "utf8").split("\n");
    lines.forEach((line, i) => {
      if (BARE.test(line)) out.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  return out;
}
