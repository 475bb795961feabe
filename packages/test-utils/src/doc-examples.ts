import { readdirSync, readFileSync, statSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/** Options of {@link runDocExamples}. */
export interface DocExampleOptions {
  /** The package's source folder, e.g. `new URL("./", import.meta.url)` from `src/examples.test.ts`. */
  readonly srcDir: URL;
  /**
   * Modules whose exports the examples see as free names, later ones winning (e.g. `[tensor, api]`).
   * Names that are not identifiers or that are reserved words (`do`) are left out.
   */
  readonly scope: readonly object[];
  /** Walk sub-folders of `srcDir` too (default true). */
  readonly recursive?: boolean;
  /** Sub-folder names not to walk (e.g. `["jit"]`). */
  readonly skipDirs?: readonly string[];
  /** Source files (paths relative to `srcDir`, `/`-separated) whose examples are not run. */
  readonly skipFiles?: readonly string[];
  /**
   * `"all"` (default): every example is a test and must have at least one `// →` check. `"checked"`: only
   * examples with a check are tests; the others are documentation.
   */
  readonly examples?: "all" | "checked";
  /**
   * How a value is compared with its `// →` comment: `"near"` (default; numbers to 12 significant digits,
   * typed arrays as arrays, else JSON equality) or `"equal"` (vitest's `toEqual`).
   */
  readonly compare?: "near" | "equal";
  /** Also add a test that at least this many examples were found. */
  readonly atLeast?: number;
  /** The `describe` title. */
  readonly title?: string;
}

/** One example: the file it is in, its index there (1-based) and its code with the comment stars removed. */
export interface DocExample {
  readonly file: string;
  readonly index: number;
  readonly code: string;
}

/**
 * Lists the `.ts` files under `dir` (tests excluded) as `/`-separated paths relative to it.
 * @param dir - the folder (a file URL ending in `/`).
 * @param recursive - walk sub-folders.
 * @param skipDirs - sub-folder names not to walk.
 * @returns the paths, in directory order.
 * @example
 * sourceFiles(new URL("./", import.meta.url), true, ["internal"]).includes("index.ts"); // → true
 */
export function sourceFiles(dir: URL, recursive = true, skipDirs: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (d: URL, prefix: string): void => {
    for (const f of readdirSync(d)) {
      if (statSync(new URL(f, d)).isDirectory()) {
        if (recursive && !skipDirs.includes(f)) walk(new URL(`${f}/`, d), `${prefix}${f}/`);
      } else if (f.endsWith(".ts") && !f.endsWith(".test.ts")) out.push(`${prefix}${f}`);
    }
  };
  walk(dir, "");
  return out;
}

/**
 * The code of every `@example` block in a TSDoc-commented source text, comment stars removed.
 * @param text - the source text.
 * @returns one string per example, in order.
 * @example
 * extractExamples("/**\n * @example\n * f(1); // → 2\n *\/").length; // → 1
 */
export function extractExamples(text: string): string[] {
  const out: string[] = [];
  const re = /@example\n([\s\S]*?)(?=\n\s*\*\s*@|\n\s*\*\/)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text))
    out.push(
      (m[1] as string)
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, ""))
        .join("\n"),
    );
  return out;
}

/**
 * Turns an example into a JavaScript async-function body: each statement `expr; // → value` (the expression
 * may span several lines; the arrow comment ends its last line) becomes `__check(expr, (value))`, a value
 * containing `…` is not checked, and TypeScript syntax is stripped.
 * @param code - the example.
 * @returns the body and how many checks it makes.
 * @example
 * toCheckedProgram("const x: number = 1;\nx + 1; // → 2").checks; // → 1
 */
export function toCheckedProgram(code: string): { program: string; checks: number } {
  const arrow = /^(.*?)\/\/ → (.*)$/;
  const lines = code.split("\n");
  // Top-level expression statements whose last line carries the arrow become checks of the whole statement.
  const sf = ts.createSourceFile("example.ts", code, ts.ScriptTarget.ES2022, true);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of sf.statements) {
    if (!ts.isExpressionStatement(st)) continue;
    const { line, character } = sf.getLineAndCharacterOfPosition(st.end);
    const m = arrow.exec(lines[line] as string);
    if (m === null || (m[1] as string).length < character || (m[2] as string).includes("…")) continue;
    if ((m[1] as string).slice(character).trim() !== "") continue;
    const lineEnd = sf.getPositionOfLineAndCharacter(line, 0) + (lines[line] as string).length;
    edits.push({
      start: st.getStart(sf),
      end: lineEnd,
      text: `__check(${st.expression.getText(sf)}, (${m[2]}));`,
    });
  }
  let checks = edits.length;
  let text = code;
  for (const e of edits.reverse()) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  // Any other `expr; // → value` line (e.g. inside a block) is checked line by line.
  const rest = text.split("\n").map((l) => {
    const m = /^(\s*)(.*?);?\s*\/\/ → (.*)$/.exec(l);
    if (m === null || (m[3] as string).includes("…")) return l;
    checks++;
    return `${m[1]}__check(${m[2]}, (${m[3]}));`;
  });
  const program = ts.transpileModule(rest.join("\n"), {
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return { program, checks };
}

/**
 * Equality for `// →` checks: numbers equal to 12 significant digits (NaN equals NaN), typed arrays compared
 * as arrays, arrays elementwise, anything else by `Object.is` or equal JSON.
 * @example
 * near([0.1 + 0.2], [0.3]); // → true
 */
export function near(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number")
    return Object.is(a, b) || a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  const x = ArrayBuffer.isView(a) ? Array.from(a as unknown as ArrayLike<number>) : a;
  if (Array.isArray(x) && Array.isArray(b)) return x.length === b.length && x.every((v, i) => near(v, b[i]));
  return Object.is(x, b) || JSON.stringify(x) === JSON.stringify(b);
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<unknown>;

/**
 * The doctest suite of a package: one vitest test per TSDoc `@example` in its sources, which runs the example
 * (as an async function, so `await` works) with the exports of `scope` as free names and checks each
 * `expr; // → value` line. Call it at the top level of `src/examples.test.ts`.
 * @param options - see {@link DocExampleOptions}.
 * @returns the examples that became tests.
 * @example
 * // src/examples.test.ts
 * import * as tensor from "@phlox/tensor";
 * import { runDocExamples } from "@phlox/test-utils";
 * import * as api from "./index.js";
 * runDocExamples({ srcDir: new URL("./", import.meta.url), scope: [tensor, api] });
 */
export function runDocExamples(options: DocExampleOptions): DocExample[] {
  const { srcDir, recursive = true, skipDirs = [], skipFiles = [], compare = "near" } = options;
  const onlyChecked = options.examples === "checked";
  const scope: Record<string, unknown> = Object.assign({}, ...options.scope);
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "do");
  const found: DocExample[] = [];
  for (const file of sourceFiles(srcDir, recursive, skipDirs)) {
    if (skipFiles.includes(file)) continue;
    extractExamples(readFileSync(new URL(file, srcDir), "utf8")).forEach((code, k) => {
      if (!onlyChecked || toCheckedProgram(code).checks > 0) found.push({ file, index: k + 1, code });
    });
  }
  describe(options.title ?? "every @example in the TSDoc runs and gives what its // → comment says", () => {
    if (options.atLeast !== undefined) {
      const atLeast = options.atLeast;
      it(`finds at least ${atLeast} examples`, () => {
        expect(found.length).toBeGreaterThanOrEqual(atLeast);
      });
    }
    for (const ex of found)
      it(`${ex.file} example ${ex.index}`, async () => {
        const { program, checks } = toCheckedProgram(ex.code);
        expect(checks, `example without a // → check:\n${ex.code}`).toBeGreaterThan(0);
        let seen = 0;
        const check = (actual: unknown, expected: unknown): void => {
          seen++;
          if (compare === "equal") expect(actual, ex.code).toEqual(expected);
          else
            expect(
              near(actual, expected),
              `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}\n${ex.code}`,
            ).toBe(true);
        };
        await new AsyncFunction("__check", ...names, program)(check, ...names.map((n) => scope[n]));
        expect(seen).toBe(checks);
      });
  });
  return found;
}
