import { describe, expect, it } from "vitest";
import { percentileSelect, percentileSorted } from "./moments.js";
import { rankData, rankHistogram } from "./ranks.js";
import { selectInPlace, sortInPlace, sortRange } from "./sort.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe("sorting and selection", () => {
  const rand = lcg(7);
  const cases = [
    Float64Array.from({ length: 1000 }, () => rand() * 10 - 5),
    Float64Array.from({ length: 997 }, () => Math.round(rand() * 20) / 4), // many ties
    Float64Array.from({ length: 50 }, (_, i) => 50 - i),
    Float64Array.from({ length: 3 }, () => 1),
    new Float64Array(0),
  ];
  it("sortInPlace equals Float64Array.prototype.sort", () => {
    for (const x of cases) expect(Array.from(sortInPlace(x.slice()))).toEqual(Array.from(x.slice().sort()));
  });
  it("sortRange sorts only its range", () => {
    const x = cases[0]!.slice();
    sortRange(x, 100, 599);
    expect(Array.from(x.subarray(100, 600))).toEqual(Array.from(cases[0]!.slice(100, 600).sort()));
    expect(Array.from(x.subarray(0, 100))).toEqual(Array.from(cases[0]!.subarray(0, 100)));
  });
  it("selectInPlace and percentileSelect give the order statistics of the sorted values", () => {
    for (const x of cases.slice(0, 4)) {
      const s = x.slice().sort();
      for (const k of [0, 1, x.length >> 2, x.length >> 1, x.length - 1]) {
        expect(selectInPlace(x.slice(), k)).toBe(s[k]);
      }
      for (const q of [0, 0.25, 0.5, 0.75, 1])
        expect(percentileSelect(x.slice(), q)).toBe(percentileSorted(s, q));
    }
  });
  it("rankHistogram counts the average ranks of rankData", () => {
    const x = Float64Array.from({ length: 3 * 400 }, () => Math.round(rand() * 40) / 8);
    const r = rankData(x);
    const h = rankHistogram(x, 3, 7);
    for (let c = 0; c < 3; c++) {
      const want = new Array(7).fill(0);
      for (let i = c * 400; i < (c + 1) * 400; i++) {
        let b = 0;
        while (b + 1 < 7 && h.edges[b + 1]! <= r[i]!) b++;
        want[b]++;
      }
      expect(Array.from(h.counts[c]!)).toEqual(want);
    }
  });
});
