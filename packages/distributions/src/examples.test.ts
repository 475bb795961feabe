import { readdirSync, readFileSync, statSync } from "node:fs";
import * as tensor from "@phlox/tensor";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";

// Runs every `@example` in the TSDoc of src/**/*.ts (tests excluded) and checks each `expr; // → value` line
// (numbers to 12 significant digits). Examples see every export of this package and of @phlox/tensor.
const root = new URL("./", import.meta.url);

function sources(dir: URL, prefix = ""): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const u = new URL(f, dir);
    if (statSync(u).isDirectory()) out.push(...sources(new URL(`${f}/`, dir), `${prefix}${f}/`));
    else if (f.endsWith(".ts") && !f.endsWith(".test.ts")) out.push(`${prefix}${f}`);
  }
  return out;
}

function examples(text: string): string[] {
  const out: string[] = [];
  const re = /@example\n([\s\S]*?)(?=\n\s*\*\s*@|\n\s*\*\/)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(
      m[1]!
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, ""))
        .join("\n"),
    );
  }
  return out;
}

function toProgram(code: string): { program: string; checks: number } {
  let checks = 0;
  const lines = code.split("\n").map((line) => {
    const m = /^(\s*)(.*?);?\s*\/\/ → (.*)$/.exec(line);
    if (m === null) return line;
    checks++;
    return `${m[1]}__check(${m[2]}, (${m[3]}));`;
  });
  const js = ts.transpileModule(lines.join("\n"), {
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return { program: js, checks };
}

const near = (a: unknown, b: unknown): boolean => {
  if (typeof a === "number" && typeof b === "number") {
    return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => near(v, b[i]));
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);
};

const scope: Record<string, unknown> = { ...tensor, ...api };
const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));

describe("every @example in the TSDoc runs and gives what its // → comment says", () => {
  for (const f of sources(root)) {
    examples(readFileSync(new URL(f, root), "utf8")).forEach((code, k) => {
      it(`${f} example ${k + 1}`, () => {
        const { program, checks } = toProgram(code);
        expect(checks, `example without a // → check:\n${code}`).toBeGreaterThan(0);
        let seen = 0;
        const run = new Function("__check", ...names, program);
        run(
          (actual: unknown, expected: unknown) => {
            seen++;
            expect(near(actual, expected), `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`).toBe(
              true,
            );
          },
          ...names.map((n) => scope[n]),
        );
        expect(seen).toBe(checks);
      });
    });
  }
});
