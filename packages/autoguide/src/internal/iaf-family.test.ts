/**
 * AutoIAFNormal's MADE hidden degrees against NumPyro 0.21's `sample_mask_indices` over every D in 2..40 and
 * hidden width h in 1..120 (fixtures/made-degrees.json, written by scripts/made_degrees_fixture.py).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hiddenDegrees } from "./iaf-family.js";

interface MadeDegrees {
  numpyro: string;
  D: [number, number];
  h: [number, number];
  /** counts[D][h − 1][k − 1]: the number of units of degree k (NumPyro's degrees are non-decreasing). */
  counts: Record<string, number[][]>;
}
const fx = JSON.parse(
  readFileSync(new URL("../../fixtures/made-degrees.json", import.meta.url), "utf8"),
) as MadeDegrees;

describe("hiddenDegrees (NumPyro's MADE masks)", () => {
  it("equals NumPyro's sample_mask_indices(D − 1, h) for every D in 2..40 and h in 1..120: 0 mismatches", () => {
    const bad: string[] = [];
    let layers = 0;
    for (let D = fx.D[0]; D <= fx.D[1]; D++) {
      const rows = fx.counts[String(D)];
      expect(rows.length).toBe(fx.h[1] - fx.h[0] + 1);
      for (let h = fx.h[0]; h <= fx.h[1]; h++) {
        const want = rows[h - fx.h[0]].flatMap((n, k) => Array<number>(n).fill(k + 1));
        const got = hiddenDegrees(D, h);
        layers++;
        if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
          const i = got.findIndex((v, j) => v !== want[j]);
          bad.push(`D = ${D}, h = ${h}: at ${i} Phlox ${got[i]}, NumPyro ${want[i]}`);
        }
      }
    }
    expect(layers).toBe(39 * 120);
    expect(bad).toEqual([]);
  });

  it("rounds the float64 linspace as XLA computes it (values at k + ½ go by their last bit)", () => {
    // linspace(1, 3, 21)[15] is 2.5000000000000004 in NumPyro (not 2.5, which rounds to even 2)
    expect(hiddenDegrees(4, 21)[15]).toBe(3);
    expect(hiddenDegrees(4, 5)).toEqual([1, 2, 2, 2, 3]); // 1, 1.5, 2, 2.5, 3: halves to even
    expect(hiddenDegrees(4, 6)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(hiddenDegrees(2, 3)).toEqual([1, 1, 1]);
    expect(hiddenDegrees(5, 1)).toEqual([1]);
  });
});
