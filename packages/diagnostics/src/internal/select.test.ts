import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hpdiSorted } from "../intervals.js";
import { medianHpdi, select } from "./select.js";

describe("selection-based order statistics equal those of a full sort", () => {
  it("medianHpdi takes the selection path for heavy tails and still equals the full sort", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }).map(Math.tan), {
          minLength: 64,
          maxLength: 2000,
        }),
        fc.double({ min: 0.8, max: 0.99, noNaN: true }),
        (vals, prob) => {
          const n = vals.length;
          const sorted = Float64Array.from(vals).sort();
          const out = new Float64Array(3);
          medianHpdi(Float64Array.from(vals), n, prob, out);
          const h = n >> 1;
          // −0 and +0 are equal values whose order a sort may not keep: compare them as numbers.
          const z = (v: number) => v + 0;
          expect(z(out[0])).toBe(z(n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2));
          expect([z(out[1]), z(out[2])]).toEqual(hpdiSorted(sorted, n, prob).map(z));
        },
      ),
      { numRuns: 200, seed: 9 },
    );
  });
  it("select(a, lo, hi, k) puts the k-th smallest at k with smaller values left and larger right", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 2000 }),
        fc.nat(),
        (vals, kk) => {
          const a = Float64Array.from(vals);
          const k = kk % a.length;
          select(a, 0, a.length - 1, k);
          const sorted = Float64Array.from(vals).sort();
          expect(a[k]).toBe(sorted[k]);
          for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(a[k]);
          for (let i = k + 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[k]);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
  it("medianHpdi gives the median and the HPDI of the fully sorted draws, ties included", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -500, max: 500 }).map((v) => v / 7),
          { minLength: 1, maxLength: 3000 },
        ),
        fc.double({ min: 0.5, max: 0.99, noNaN: true }),
        (vals, prob) => {
          const n = vals.length;
          const sorted = Float64Array.from(vals).sort();
          const out = new Float64Array(3);
          medianHpdi(Float64Array.from(vals), n, prob, out);
          const h = n >> 1;
          expect(out[0]).toBe(n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2);
          const [lo, hi] = hpdiSorted(sorted, n, prob);
          expect([out[1], out[2]]).toEqual([lo, hi]);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
