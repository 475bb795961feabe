import { describe, expect, it } from "vitest";
import { choleskyInPlace, fma, softplus, softplusInv, spdInverse } from "./math.js";

describe("internal math", () => {
  it("fma rounds a·b + c once", () => {
    // 0.1·10 is 1 + 2⁻⁵⁴ exactly before rounding; a separate product rounds it to 1
    expect(fma(0.1, 10, -1)).toBe(2 ** -54);
    expect(0.1 * 10 - 1).toBe(0);
    expect(fma(1 + 2 ** -52, 1 - 2 ** -52, -1)).toBe(-(2 ** -104));
    // ties to even: 1 + 2.5 ulp → 1 + 2 ulp, 1 + 3.5 ulp → 1 + 4 ulp (ulp = 2⁻⁵² on [1, 2))
    expect(fma(1, 1 + 2 ** -51, 2 ** -53)).toBe(1 + 2 ** -51);
    expect(fma(1, 1 + 3 * 2 ** -52, 2 ** -53)).toBe(1 + 2 ** -50);
    // (1 + 2⁻⁵²)² + 2⁻⁵³ = 1 + 2.5 ulp + 2⁻¹⁰⁴: just above the tie, so 3 ulp (rounding the product first: 2)
    expect(fma(1 + 2 ** -52, 1 + 2 ** -52, 2 ** -53)).toBe(1 + 3 * 2 ** -52);
    expect((1 + 2 ** -52) * (1 + 2 ** -52) + 2 ** -53).toBe(1 + 2 ** -51);
    expect(fma(3, 5, 0)).toBe(15);
    expect(fma(-2.5, 4, 10)).toBe(0);
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
