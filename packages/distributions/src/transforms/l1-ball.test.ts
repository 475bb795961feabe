import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bijectTo } from "../bijectTo.js";
import { l1Ball } from "../constraints/l1-ball.js";
import { values } from "../internal/ops.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { loadParity3, numericLogDet } from "../testing/parity3.js";
import { L1BallTransform } from "./l1-ball.js";

const vec = (n: number) =>
  fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n, maxLength: n });

describe("L1BallTransform and the l1Ball constraint", () => {
  const t = new L1BallTransform();
  for (const c of loadParity3("transforms").filter((c) => c.name.startsWith("L1Ball"))) {
    it(`${c.name}: forward, inverse and log|det J| match NumPyro 0.21 to 1e-10`, () => {
      const y = t.forward(c.x as number[]);
      expect(maxRelErr(values(y), flat(c.y))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(t.inverse(c.y as number[])), flat(c.inverse))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(t.logAbsDetJacobian(c.x as number[], y)), flat(c.logDet))).toBeLessThanOrEqual(
        1e-10,
      );
    });
  }
  it("round trip, image inside the ball, log|det J| against central differences (fast-check)", () => {
    fc.assert(
      fc.property(vec(4), (x) => {
        const y = t.forward(x);
        expect(values(l1Ball.check(y))).toEqual([1]);
        expect(maxRelErr(values(t.inverse(y)), x)).toBeLessThan(1e-8);
        const numeric = numericLogDet((v) => values(t.forward(v)), x);
        const ld = values(t.logAbsDetJacobian(x, y))[0]!;
        expect(Math.abs(ld - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
      }),
      { numRuns: 25, seed: 3 },
    );
  });
  it("bijectTo(l1Ball) is the L1BallTransform; the constraint checks Σ|x| < 1 (+10ε, as NumPyro) per vector", () => {
    expect(bijectTo(l1Ball)).toBeInstanceOf(L1BallTransform);
    expect(
      values(
        l1Ball.check([
          [0.5, -0.49],
          [0.6, -0.5],
          [0, 0],
        ]),
      ),
    ).toEqual([1, 0, 1]);
    expect(l1Ball.eventDim).toBe(1);
  });
});
