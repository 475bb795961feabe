import { interpretProgram, simplify, stageValueAndGrad } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileProgram } from "./compile.js";
import { BLOCK_ABOVE, blockLongLoops } from "./internal/blocks.js";
import { expectClose } from "./testing/check.js";
import { logisticRegression } from "./testing/densities.js";

/** Runs body lines (with factory lines before `run`) as a function of `a0` returning `ret`. */
function runLines(
  factory: readonly string[],
  body: readonly string[],
  ret: string,
  a0: Float64Array,
): number {
  const src = [...factory, "return function run(a0) {", ...body, `return ${ret};`, "};"].join("\n");
  return (new Function(src) as () => (a: Float64Array) => number)()(a0);
}

describe("blockLongLoops cuts long top-level loops into block functions", () => {
  const data = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3 + 1 / (i + 1));
  const body = [
    "const s1 = a0[0] * 0.5;",
    "let s2 = 0;",
    "let v3_0 = 0, v3_1 = 1;",
    "for (let i = 0; i < 1001; i++) {",
    "const t4 = a0[i] * s1;",
    "s2 += t4 * t4;",
    "if (t4 > 0) { v3_0 += t4; } else { v3_1 *= 1.0001; }",
    "}",
    "const s5 = s2 + v3_0 + v3_1;",
  ];

  it("gives bit-identical sums, whatever the block size and the last partial block", () => {
    const ref = runLines([], body, "s5", data);
    for (const rows of [1, 7, 100, 1000, 4096]) {
      const b = blockLongLoops(body, "a0", 10, rows);
      expect(b.factory.join("\n")).toContain("function block0(lo, hi, a0)");
      expect(b.body.join("\n")).not.toContain("s2 += t4");
      expect(runLines(b.factory, b.body, "s5", data)).toBe(ref);
    }
  });

  it("leaves short loops, loops with break or return, and loops reading non-scalar locals as they are", () => {
    expect(blockLongLoops(body, "a0").factory).toEqual([]);
    expect(blockLongLoops(body, "a0", 1001).factory.join("\n")).toContain("function block0(");
    expect(blockLongLoops(body, "a0", 1002).body).toEqual(body);
    const withBreak = body.map((l) => (l.startsWith("s2 +=") ? "s2 += t4; if (s2 > 1e300) break;" : l));
    expect(blockLongLoops(withBreak, "a0", 10).body).toEqual(withBreak);
    const view = [
      "const x9 = a0.subarray(1);",
      "let s2 = 0;",
      "for (let i = 0; i < 1000; i++) {",
      "s2 += x9[i];",
      "}",
    ];
    expect(blockLongLoops(view, "a0", 10).body).toEqual(view);
  });

  it("a compiled logistic potential over more rows than BLOCK_ABOVE runs in blocks and matches the interpreter to 1e-12", () => {
    for (const n of [BLOCK_ABOVE + 1, 3 * BLOCK_ABOVE + 17]) {
      const c = logisticRegression(n, 6, true);
      const program = simplify(stageValueAndGrad(c.logp, c.dim, []));
      for (const chunkLines of [undefined, 5]) {
        const compiled = compileProgram(program, {
          returnFirstScalar: true,
          argOrder: "potential",
          ...(chunkLines === undefined ? {} : { chunkLines }),
        });
        expect(compiled.source).toMatch(/function block0(_js)?\(/); // block0_js: the fallback of the SIMD kernel
        const g = new Float64Array(c.dim);
        const v = compiled.raw(c.z, g) as number;
        const [vi, gi] = interpretProgram(program, [c.z]);
        expectClose([v], [(vi as Float64Array)[0] as number], 1e-12, `value n=${n}`);
        expectClose(g, gi as Float64Array, 1e-12, `gradient n=${n}`);
        const gh = new Float64Array(c.dim);
        expectClose([v], [c.hand(c.z, gh)], 1e-10, `value vs hand-written n=${n}`);
        expectClose(g, gh, 1e-10, `gradient vs hand-written n=${n}`);
      }
    }
  }, 120_000);
});
