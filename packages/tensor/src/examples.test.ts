import { readdirSync, readFileSync, statSync } from "node:fs";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import * as api from "./index.js";
import * as testing from "./testing/index.js";

// Runs every `@example` of the TSDoc in src/**/*.ts (tests and src/jit excluded) that has `expr; // → value`
// lines, and checks each value (numbers to 12 significant digits). Examples see every export of the package
// and of @phlox/tensor/testing.
const root = new URL("./", import.meta.url);

function sources(dir: URL, prefix = ""): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const u = new URL(f, dir);
    if (statSync(u).isDirectory()) {
      if (f !== "jit") out.push(...sources(new URL(`${f}/`, dir), `${prefix}${f}/`));
    } else if (f.endsWith(".ts") && !f.endsWith(".test.ts")) out.push(`${prefix}${f}`);
  }
  return out;
}

function examples(text: string): string[] {
  const out: string[] = [];
  const re = /@example\n([\s\S]*?)(?=\n\s*\*\s*@|\n\s*\*\/)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text))
    out.push(
      m[1]
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, ""))
        .join("\n"),
    );
  return out;
}

function toProgram(code: string): { program: string; checks: number } {
  let checks = 0;
  const lines = code.split("\n").map((line) => {
    const m = /^(\s*)(.*?);?\s*\/\/ → (.*)$/.exec(line);
    if (m === null || m[3].includes("…")) return line;
    checks++;
    return `${m[1]}__check(${m[2]}, (${m[3]}));`;
  });
  const js = ts.transpileModule(lines.join("\n"), {
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return { program: js, checks };
}

const near = (a: unknown, b: unknown): boolean => {
  if (typeof a === "number" && typeof b === "number")
    return Object.is(a, b) || a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  if (ArrayBuffer.isView(a)) a = Array.from(a as unknown as ArrayLike<number>);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => near(v, b[i]));
  return JSON.stringify(a) === JSON.stringify(b);
};

const scope: Record<string, unknown> = { ...api, ...testing };
const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));

describe("every @example with a // → comment runs and gives that value", () => {
  const cases: [string, string][] = [];
  for (const f of sources(root))
    examples(readFileSync(new URL(f, root), "utf8")).forEach((code, k) => {
      if (toProgram(code).checks > 0) cases.push([`${f} example ${k + 1}`, code]);
    });
  test("there are many checked examples", () => {
    expect(cases.length).toBeGreaterThan(100);
  });
  for (const [name, code] of cases)
    test(name, () => {
      const { program, checks } = toProgram(code);
      let seen = 0;
      const run = new Function("__check", ...names, program);
      run(
        (actual: unknown, expected: unknown) => {
          seen++;
          expect(
            near(actual, expected),
            `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}\n${code}`,
          ).toBe(true);
        },
        ...names.map((n) => scope[n]),
      );
      expect(seen).toBe(checks);
    });
});
