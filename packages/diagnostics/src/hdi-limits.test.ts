import { describe, expect, it } from "vitest";
import fx from "../fixtures/hdi_limits.json" with { type: "json" };
import { hpdi, hpdiSorted } from "./index.js";

// ArviZ 0.23.4's az.hdi near and at hdi_prob = 1 (scripts/hdi_limits.py).
interface Case {
  x: number[];
  hdi: Record<string, number[] | string>;
  atOneArviz: string;
}

describe("hpdi at and near prob = 1 (ArviZ's az.hdi)", () => {
  it("equals ArviZ below 1 and gives ArviZ's limit [min, max] at 1, where ArviZ raises", () => {
    expect(fx.arviz).toBe("0.23.4");
    for (const c of fx.cases as unknown as Case[]) {
      const n = c.x.length;
      for (const [p, want] of Object.entries(c.hdi)) {
        expect(typeof want, `n=${n} prob=${p}: ${String(want)}`).not.toBe("string");
        expect(Array.from(hpdi(c.x, Number(p)))).toEqual(want);
      }
      // ArviZ (and NumPyro) raise at exactly 1; Phlox returns the interval holding every draw, which ArviZ
      // gives for every prob in [(n − 1)/n, 1): no NaN
      expect(c.atOneArviz).toBe("Too few elements for interval calculation.");
      const atOne = Array.from(hpdi(c.x, 1));
      expect(atOne).toEqual(c.hdi["0.999999999"]);
      expect(atOne).toEqual([Math.min(...c.x), Math.max(...c.x)]);
    }
  });

  it("hpdiSorted works on the sorted draws, prob = 1 included, over [n, ...] draws too", () => {
    const s = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(hpdiSorted(s, 10, 0.5)).toEqual([1, 6]);
    expect(hpdiSorted(s, 10, 1)).toEqual([1, 10]);
    expect(hpdiSorted(s, 1, 1)).toEqual([1, 1]);
    const two = hpdi({ data: Float64Array.from([3, 30, 1, 10, 2, 20]), shape: [3, 2] }, 1);
    expect(Array.from(two)).toEqual([1, 10, 3, 30]);
  });
});
