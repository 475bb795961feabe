import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";

// Runs every TSDoc @example of the public sources that ends in a `// → value` comment (NumPyro's doctests)
// and checks the value. Examples are plain JavaScript and may use `await`. Examples without an arrow
// (file-system ones such as writeNetCDF) are documentation only.
const dir = new URL("./", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

interface Example {
  file: string;
  code: string;
}
const examples: Example[] = [];
for (const file of files) {
  const text = readFileSync(new URL(file, dir), "utf8");
  for (const m of text.matchAll(/@example\n((?:\s*\*(?! @|\/).*\n)+)/g)) {
    const code = m[1]
      .split("\n")
      .map((l) => l.replace(/^\s*\* ?/, ""))
      .join("\n")
      .trim();
    if (code.includes("// →")) examples.push({ file, code });
  }
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<unknown>;

async function run(code: string): Promise<{ actual: unknown; expected: unknown }> {
  const [before, after] = code.split("// →");
  const js = before.trim().replace(/;$/, "");
  const cut = js.lastIndexOf(";\n");
  const body = cut < 0 ? `return (${js});` : `${js.slice(0, cut + 1)}\nreturn (${js.slice(cut + 2)});`;
  const names = Object.keys(api);
  const fn = new AsyncFunction(...names, body);
  const actual = await fn(...names.map((n) => (api as Record<string, unknown>)[n]));
  const expected = new Function(`return (${after.trim()});`)() as unknown;
  return { actual, expected };
}

describe("every @example in the sources runs and gives what its comment says", () => {
  it("finds the examples", () => {
    expect(examples.length).toBeGreaterThan(15);
  });
  for (const ex of examples) {
    it(`${ex.file}: ${ex.code.split("\n").pop()}`, async () => {
      const { actual, expected } = await run(ex.code);
      expect(actual).toEqual(expected);
    });
  }
});
