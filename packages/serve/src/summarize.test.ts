import { hpdi, quantile } from "@phlox/diagnostics";
import { describe, expect, it } from "vitest";
import { hdiOfSorted, nest, quantileOfSorted, summarizeDraws } from "./summarize.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe("summarizeDraws", () => {
  it("quantiles and HDI equal @phlox/diagnostics' quantile and hpdi (NumPy linear, NumPyro hpdi)", () => {
    const r = lcg(3);
    for (const n of [2, 7, 100, 1000]) {
      const x = Float64Array.from({ length: n }, () => r() * 10 - 3 + (r() < 0.1 ? 20 : 0));
      const s = Float64Array.from(x).sort();
      for (const p of [0, 0.05, 0.25, 0.5, 0.975, 1]) expect(quantileOfSorted(s, p)).toBe(quantile(x, p));
      for (const prob of [0.5, 0.9, 0.94]) expect(hdiOfSorted(s, prob)).toEqual(Array.from(hpdi(x, prob)));
      // prob = 1: the whole range (NumPyro's hpdi has no interval to choose from there).
      expect(hdiOfSorted(s, 1)).toEqual([s[0], s[n - 1]]);
    }
  });

  it("mean, sd (ddof 1), quantiles and HDI per element, shaped like the site; draws on request", () => {
    // 3 draws of a [2]-shaped site: element 0 is 1, 2, 3; element 1 is 10, 20, 60.
    const d = new Float64Array([1, 10, 2, 20, 3, 60]);
    const s = summarizeDraws(d, 3, [2], { quantiles: [0.5], hdiProb: 0.5, returnDraws: true });
    expect(s.shape).toEqual([2]);
    expect(s.mean).toEqual([2, 30]);
    expect(s.sd).toEqual([1, Math.sqrt(((10 - 30) ** 2 + (20 - 30) ** 2 + (60 - 30) ** 2) / 2)]);
    expect(s.quantiles).toEqual({ "0.5": [2, 20] });
    expect(s.hdi).toEqual({ prob: 0.5, lower: [1, 10], upper: [2, 20] });
    expect(s.draws).toEqual([
      [1, 10],
      [2, 20],
      [3, 60],
    ]);
    expect(
      summarizeDraws(d, 3, [2], { quantiles: [], hdiProb: 1, returnDraws: false }).draws,
    ).toBeUndefined();
  });

  it("nest reshapes row-major, a scalar for shape []", () => {
    expect(nest([5], [])).toBe(5);
    expect(nest([1, 2, 3, 4, 5, 6], [2, 3])).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(nest([1, 2, 3, 4, 5, 6], [3, 2])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });
});
