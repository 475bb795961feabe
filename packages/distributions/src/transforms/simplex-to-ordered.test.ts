import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { orderedVector, simplex } from "../constraints/constraint.js";
import { asTensor, PhloxError, values } from "../internal/ops.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { AbsTransform } from "./abs.js";
import { SimplexToOrderedTransform } from "./simplex-to-ordered.js";

interface Case {
  name: string;
  anchorPoint?: unknown;
  x: number[];
  y: number[];
  inverse?: number[];
  logDet?: number[];
}
const here = dirname(fileURLToPath(import.meta.url));
const cases = (
  JSON.parse(readFileSync(join(here, "..", "..", "fixtures", "transforms2.json"), "utf8")) as {
    cases: Case[];
  }
).cases;

describe("SimplexToOrderedTransform matches NumPyro 0.21 (fixtures/transforms2.json)", () => {
  for (const c of cases.filter((c) => c.name.startsWith("SimplexToOrdered"))) {
    it(`${c.name}: forward, inverse and log|det J| to 1e-12; lands in orderedVector`, () => {
      const t = new SimplexToOrderedTransform(c.anchorPoint as number);
      const y = t.forward(c.x);
      expect(y.shape).toEqual(t.forwardShape(asTensor(c.x).shape));
      expect(maxRelErr(values(y), flat(c.y))).toBeLessThanOrEqual(1e-12);
      expect(maxRelErr(values(t.inverse(y)), flat(c.inverse))).toBeLessThanOrEqual(1e-12);
      expect(maxRelErr(values(t.inverse(y)), flat(c.x))).toBeLessThanOrEqual(1e-12);
      expect(maxRelErr(values(t.logAbsDetJacobian(c.x, y)), flat(c.logDet))).toBeLessThanOrEqual(1e-12);
      expect(values(orderedVector.check(y)).every((v) => v !== 0)).toBe(true);
      expect(values(simplex.check(t.inverse(y))).every((v) => v !== 0)).toBe(true);
    });
  }
  it("log|det J| is log of the Jacobian of the inverse's free coordinates, −log|det ∂x₁..ₖ₋₁/∂y| (central differences)", () => {
    // with anchor 0: NumPyro (and so Phlox) evaluates the softplus terms at y itself, not at y − anchor
    const t = new SimplexToOrderedTransform(0);
    const y0 = [-1.2, 0.1, 0.9];
    const h = 1e-6;
    const J: number[][] = [];
    for (let j = 0; j < 3; j++) {
      const p = [...y0];
      const q = [...y0];
      p[j]! += h;
      q[j]! -= h;
      const xp = values(t.inverse(p)).slice(0, 3);
      const xq = values(t.inverse(q)).slice(0, 3);
      J.push(xp.map((v, i) => (v - xq[i]!) / (2 * h)));
    }
    const det =
      J[0]![0]! * (J[1]![1]! * J[2]![2]! - J[1]![2]! * J[2]![1]!) -
      J[0]![1]! * (J[1]![0]! * J[2]![2]! - J[1]![2]! * J[2]![0]!) +
      J[0]![2]! * (J[1]![0]! * J[2]![1]! - J[1]![1]! * J[2]![0]!);
    const x = t.inverse(y0);
    expect(Math.abs(values(t.logAbsDetJacobian(x, y0))[0]! + Math.log(Math.abs(det)))).toBeLessThan(1e-7);
  });
});

describe("AbsTransform matches NumPyro 0.21", () => {
  const c = cases.find((c) => c.name.startsWith("Abs"))!;
  it("forward is |x|, inverse is the identity, and log|det J| throws (not a bijection)", () => {
    const t = new AbsTransform();
    expect(values(t.forward(c.x))).toEqual(flat(c.y));
    expect(values(t.inverse(c.y))).toEqual(flat(c.y));
    expect(() => t.logAbsDetJacobian(c.x, c.y)).toThrow(PhloxError);
    expect(t.codomain.name).toBe("greaterThan(0)");
  });
});
