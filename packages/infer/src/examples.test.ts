import { readdirSync, readFileSync, statSync } from "node:fs";
import * as distributions from "@phlox/distributions";
import * as handlers from "@phlox/handlers";
import * as tensor from "@phlox/tensor";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";

// Runs every `@example` in the TSDoc of src/**/*.ts (tests excluded) and checks each `expr; // → value` line.
// Examples see every export of this package, @phlox/tensor, @phlox/distributions and @phlox/handlers.
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
      m[1]
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

const scope: Record<string, unknown> = { ...tensor, ...distributions, ...handlers, ...api };
const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "do");

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
            expect(actual).toEqual(expected);
          },
          ...names.map((n) => scope[n]),
        );
        expect(seen).toBe(checks);
      });
    });
  }
});
