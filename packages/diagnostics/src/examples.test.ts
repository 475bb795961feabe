import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";

// Runs every TSDoc @example of the public sources and checks its `// → value` comment (NumPyro's
// doctests). Examples are plain JavaScript apart from parameter type annotations, stripped here.
const dir = new URL("./", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

interface Example {
  file: string;
  code: string;
}
const examples: Example[] = [];
for (const file of files) {
  const text = readFileSync(new URL(file, dir), "utf8");
  const re = /@example\n((?:\s*\*(?! @|\/).*\n)+)/g;
  for (const m of text.matchAll(re)) {
    const code = m[1]
      .split("\n")
      .map((l) => l.replace(/^\s*\* ?/, ""))
      .join("\n")
      .trim();
    examples.push({ file, code });
  }
}

function run(code: string): { actual: unknown; expected: unknown } {
  const [before, after] = code.split("// →");
  const js = before
    .trim()
    .replace(/\((\w+): \w+\)/g, "($1)")
    .replace(/;$/, "");
  const cut = js.lastIndexOf(";\n");
  const body = cut < 0 ? `return (${js});` : `${js.slice(0, cut + 1)}\nreturn (${js.slice(cut + 2)});`;
  const names = Object.keys(api);
  const fn = new Function(...names, body);
  const actual = fn(...names.map((n) => (api as Record<string, unknown>)[n]));
  return { actual, expected: JSON.parse(after.trim()) };
}

describe("every @example in the sources runs and prints what its comment says", () => {
  it("finds the examples", () => {
    expect(examples.length).toBeGreaterThan(25);
  });
  for (const ex of examples) {
    it(`${ex.file}: ${ex.code.split("\n").pop()}`, () => {
      const { actual, expected } = run(ex.code);
      expect(actual).toEqual(expected);
    });
  }
});
