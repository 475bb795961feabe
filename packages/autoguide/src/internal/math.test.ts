import { describe, expect, it } from "vitest";
import { choleskyInPlace, erfc, ndtri, softplus, softplusInv, spdInverse } from "./math.js";

describe("internal math", () => {
  it("ndtri matches scipy.special.ndtri to 1e-13", () => {
    // scipy.special.ndtri values
    const cases: [number, number][] = [
      [0.975, 1.959963984540054],
      [0.05, -1.6448536269514729],
      [0.5, 0],
      [1e-10, -6.361340902404056],
      [0.999, 3.090232306167813],
    ];
    for (const [p, x] of cases) expect(Math.abs(ndtri(p) - x)).toBeLessThan(1e-13 * Math.max(1, Math.abs(x)));
  });
  it("ndtri is exactly 0 at 0.5 and as accurate near 1 as near 0 (odd about 0.5)", () => {
    expect(ndtri(0.5)).toBe(0);
    // scipy.special.ndtri: the upper tail used to lose 1 − p to cancellation (6.361340886788448, 5e-10 off)
    expect(Math.abs(ndtri(1 - 1e-10) / 6.361340889697422 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(ndtri(1 - 1e-15) / 7.941444487415979 - 1)).toBeLessThan(1e-14);
    for (const p of [0.6, 0.9, 0.975, 0.999999]) expect(ndtri(p)).toBe(-ndtri(1 - p));
  });
  it("erfc matches scipy.special.erfc", () => {
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 14);
    expect(erfc(-1.2)).toBeCloseTo(1.9103139782296354, 14);
    expect(Math.abs(erfc(3) / 2.209049699858544e-5 - 1)).toBeLessThan(1e-13);
  });
  it("softplusInv inverts softplus", () => {
    for (const y of [1e-6, 0.1, 1, 30]) expect(softplus(softplusInv(y))).toBeCloseTo(y, 12);
  });
  it("spdInverse inverts and choleskyInPlace rejects an indefinite matrix", () => {
    const inv = spdInverse(Float64Array.of(4, 2, 2, 3), 2) as Float64Array;
    expect(Array.from(inv).map((v) => +v.toFixed(12))).toEqual([0.375, -0.25, -0.25, 0.5]);
    expect(choleskyInPlace(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
  });
});
