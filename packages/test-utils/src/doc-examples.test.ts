import { describe, expect, it } from "vitest";
import { extractExamples, near, sourceFiles, toCheckedProgram } from "./doc-examples.js";

describe("doc-example helpers", () => {
  it("extractExamples finds each @example block and strips the comment stars", () => {
    const text =
      "/**\n * Adds.\n * @example\n * add(1, 2); // → 3\n * @returns x\n */\n/**\n * @example\n * f();\n */";
    expect(extractExamples(text)).toEqual(["add(1, 2); // → 3", "f();"]);
  });
  it("toCheckedProgram turns each // → line into a check and strips TypeScript", () => {
    const { program, checks } = toCheckedProgram("const f = (x: number) => x;\nf(2); // → 2\nf(3); // → …");
    expect(checks).toBe(1);
    expect(program).toContain("__check(f(2), (2));");
    expect(program).not.toContain(": number");
  });
  it("toCheckedProgram checks a statement that spans several lines as a whole", async () => {
    const { program, checks } = toCheckedProgram(
      "const a = [1, 2];\na\n  .map((x) => x * 2)\n  .length; // → 2\nif (a) {\n  a[0]; // → 1\n}",
    );
    expect(checks).toBe(2);
    const seen: unknown[][] = [];
    new Function("__check", program)((x: unknown, y: unknown) => seen.push([x, y]));
    expect(seen).toEqual([
      [2, 2],
      [1, 1],
    ]);
  });
  it("near compares numbers to 12 digits, NaN to NaN and typed arrays as arrays", () => {
    expect(near(0.1 + 0.2, 0.3)).toBe(true);
    expect(near(Number.NaN, Number.NaN)).toBe(true);
    expect(near(Float64Array.of(1, 2), [1, 2])).toBe(true);
    expect(near({ a: 1 }, { a: 1 })).toBe(true);
    expect(near(1, 1.001)).toBe(false);
  });
  it("sourceFiles lists the package's non-test sources", () => {
    const files = sourceFiles(new URL("./", import.meta.url));
    expect(files).toContain("doc-examples.ts");
    expect(files).not.toContain("doc-examples.test.ts");
  });
});
