import { describe, expect, test, vi } from "vitest";
import { scan } from "../control/scan.js";
import type { Program } from "../core/ir.js";
import { makeProgram } from "../core/staging.js";
import type { Tensor } from "../core/tensor.js";
import "../index.js";
import { interpretProgram } from "./interpret.js";
import { simplify } from "./simplify.js";

vi.setConfig({ testTimeout: 120_000 });

/** acc ← acc + select(mask, transpose(u_t) / w, 0): linear in u_t with loop-invariant w and mask. */
const f = (w: Tensor, us: Tensor): Tensor[] => {
  const mask = w.gt(0.5);
  const [acc] = scan(
    (a: Tensor, u: Tensor) => {
      const v = u.mul(u).transpose([1, 0]).div(w);
      return [a.add(mask.where(v, 0)), null] as [Tensor, null];
    },
    w.mul(0),
    us,
  );
  return [acc];
};

const bodyPrims = (p: Program): string[] =>
  (
    (p.eqns.find((e) => e.primitive === "scan")?.params as { body: Program } | undefined)?.body.eqns ?? []
  ).map((e) => e.primitive);

describe("a carry that accumulates a linear function of a per-step value", () => {
  test("accumulates the value and applies the function once after the loop, with the same result", () => {
    const { program } = makeProgram(f as never, [
      { shape: [2, 3], dtype: "float64" },
      { shape: [5, 3, 2], dtype: "float64" },
    ]);
    const s = simplify(program);
    expect(bodyPrims(s)).not.toContain("transpose");
    expect(bodyPrims(s)).not.toContain("div");
    expect(bodyPrims(s)).toContain("mul"); // u·u stays per step
    const w = Float64Array.from([0.3, 0.7, 1.2, 0.9, 0.2, 2]);
    const us = Float64Array.from({ length: 30 }, (_, i) => Math.sin(i));
    const a = interpretProgram(program, [w, us])[0] as Float64Array;
    const b = interpretProgram(s, [w, us])[0] as Float64Array;
    a.forEach((x, i) => {
      expect(b[i]).toBeCloseTo(x, 12);
    });
  });
});
