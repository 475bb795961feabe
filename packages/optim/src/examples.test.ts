import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";

// Runs every `@example` in the TSDoc of src/*.ts and checks each `expr; // → value` line.
const dir = new URL("./", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

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
  return { program: lines.join("\n"), checks };
}

describe("every @example in the TSDoc runs and prints what its // → comment says", () => {
  for (const f of files) {
    const blocks = examples(readFileSync(new URL(f, dir), "utf8"));
    blocks.forEach((code, k) => {
      it(`${f} example ${k + 1}`, () => {
        const { program, checks } = toProgram(code);
        expect(checks, `example without a // → check:\n${code}`).toBeGreaterThan(0);
        const names = Object.keys(api);
        const run = new Function("__check", ...names, program);
        let seen = 0;
        run(
          (actual: unknown, expected: unknown) => {
            seen++;
            expect(actual).toEqual(expected);
          },
          ...names.map((n) => (api as Record<string, unknown>)[n]),
        );
        expect(seen).toBe(checks);
      });
    });
  }
});
