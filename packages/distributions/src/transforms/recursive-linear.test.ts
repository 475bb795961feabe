import { key } from "@phlox/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Normal } from "../continuous/normal.js";
import { ShapeError, values } from "../internal/ops.js";
import { TransformedDistribution } from "../meta/transformed-distribution.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { loadParity3, numericLogDet } from "../testing/parity3.js";
import { RecursiveLinearTransform } from "./recursive-linear.js";

describe("RecursiveLinearTransform", () => {
  for (const c of loadParity3("transforms").filter((c) => c.name.startsWith("RecursiveLinear"))) {
    it(`${c.name}: forward, inverse and log|det J| match NumPyro 0.21 to 1e-10`, () => {
      const t = new RecursiveLinearTransform(
        c.transitionMatrix as number[][],
        (c.initialValue ?? undefined) as number[] | undefined,
      );
      const y = t.forward(c.x as number[][]);
      expect(maxRelErr(values(y), flat(c.y))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(t.inverse(c.y as number[][])), flat(c.inverse))).toBeLessThanOrEqual(1e-10);
      const ld = t.logAbsDetJacobian(c.x as number[][], y);
      expect(values(ld)).toEqual(flat(c.logDet));
    });
  }
  it("round trip and a unit Jacobian determinant (central differences, fast-check)", () => {
    const t = new RecursiveLinearTransform(
      [
        [0.9, 0.3],
        [-0.4, 0.7],
      ],
      [0.5, -1],
    );
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (raw) => {
          const x = [raw.slice(0, 2), raw.slice(2, 4), raw.slice(4, 6)];
          const y = t.forward(x);
          expect(maxRelErr(values(t.inverse(y)), raw)).toBeLessThan(1e-12);
          const numeric = numericLogDet(
            (v) => values(t.forward([v.slice(0, 2), v.slice(2, 4), v.slice(4, 6)])),
            raw,
          );
          expect(Math.abs(numeric)).toBeLessThan(1e-7);
        },
      ),
      { numRuns: 15, seed: 5 },
    );
  });
  it("inside a TransformedDistribution: a vector random walk whose density is that of its innovations", () => {
    const A = [
      [1, 1],
      [0, 1],
    ];
    const d = new TransformedDistribution(
      new Normal(0, [0.5, 2]).expand([6, 2]).toEvent(2),
      new RecursiveLinearTransform(A),
    );
    expect(d.eventShape).toEqual([6, 2]);
    const y = d.sample(key(1), [3]);
    expect(y.shape).toEqual([3, 6, 2]);
    const innovations = new RecursiveLinearTransform(A).inverse(y);
    const want = values(new Normal(0, [0.5, 2]).logProb(innovations).sum([-2, -1]));
    expect(maxRelErr(values(d.logProb(y)), want)).toBeLessThan(1e-12);
  });
  it("rejects a non-square transition matrix and values of the wrong width", () => {
    expect(() => new RecursiveLinearTransform([[1, 2]])).toThrow(ShapeError);
    expect(() => new RecursiveLinearTransform([[1]], [0, 0])).toThrow(ShapeError);
    expect(() => new RecursiveLinearTransform([[1]]).forward([[1, 2]])).toThrow(ShapeError);
  });
});
