import { describe, expect, it } from "vitest";
import { choleskyInPlace, erfc, fma, ndtri, softplus, softplusInv, spdInverse } from "./math.js";

const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);
/** The number of doubles between a and b (both finite, of any signs). */
function ulpDistance(a: number, b: number): number {
  const ord = (x: number): bigint => {
    F64[0] = x;
    const i = I64[0];
    return i < 0n ? -(i & 0x7fffffffffffffffn) : i;
  };
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}

describe("internal math", () => {
  it("ndtri is within 2 ulp of scipy.special.ndtri from 5e-324 to 1 − 2⁻⁵³, near ½ included", () => {
    const cases: [number, number][] = [
      // scipy 1.17.1 special.ndtri (scripts/ndtri_reference.py)
      [0.5000000000000002, 5.565832849343534e-16],
      [0.5000000000000004, 1.1131665698687069e-15],
      [0.5000000000000007, 1.6697498548030603e-15],
      [0.5000000000000022, 5.565832849343535e-15],
      [0.500000000000222, 5.565832849343534e-13],
      [0.5000000002328306, 5.836198745833246e-10],
      [0.4999999999999998, -5.565832849343534e-16],
      [0.49999999999999956, -1.1131665698687069e-15],
      [0.49999999999999933, -1.6697498548030603e-15],
      [0.4999999999999978, -5.565832849343535e-15],
      [0.49999999999977796, -5.565832849343534e-13],
      [0.49999999976716936, -5.836198745833246e-10],
      [0.4999999999999, -2.506016240416926e-13],
      [0.5000000000001, 2.507407698629262e-13],
      [0.495, -0.012533469508069276],
      [0.505, 0.012533469508069276],
      [0.49, -0.02506890825871106],
      [0.45, -0.12566134685507402],
      [0.4, -0.2533471031357997],
      [0.3, -0.5244005127080409],
      [0.25, -0.6744897501960817],
      [0.24999999999999997, -0.6744897501960817],
      [0.2, -0.8416212335729142],
      [0.1, -1.2815515655446004],
      [0.05, -1.6448536269514729],
      [0.02425, -1.972961051311885],
      [0.024249999999999997, -1.972961051311885],
      [0.01, -2.3263478740408408],
      [1e-5, -4.264890793922825],
      [1e-10, -6.361340902404056],
      [1e-20, -9.262340089798409],
      [1e-100, -21.273453560965322],
      [1e-300, -37.0470962993612],
      [5e-324, -38.467405617144344],
      [0.6, 0.2533471031357997],
      [0.75, 0.6744897501960817],
      [0.9, 1.2815515655446004],
      [0.975, 1.959963984540054],
      [0.999, 3.090232306167813],
      [0.9999999999, 6.361340889697422],
      [0.999999999999999, 7.941444487415979],
      [0.9999999999999999, 8.209536151601387],
    ];
    const bad = cases
      .map(([p, x]) => [p, x, ndtri(p), ulpDistance(ndtri(p), x)] as const)
      .filter((r) => !(r[3] <= 2));
    expect(bad).toEqual([]);
    // the Halley residual Φ(x) − p cancelled near ½: ndtri(½ + 2⁻⁵²) was half of scipy's 5.57e-16, and
    // ndtri(0.4999999999999) 1e-9 relative off; the tail's exp(x²/2) overflowed to NaN for subnormal p
    expect(ndtri(0.5 + 2 ** -52)).toBe(5.565832849343534e-16);
    expect(Number.isFinite(ndtri(5e-324))).toBe(true);
  });
  it("ndtri is exactly 0 at 0.5 and as accurate near 1 as near 0 (odd about 0.5)", () => {
    expect(ndtri(0.5)).toBe(0);
    // scipy.special.ndtri: the upper tail used to lose 1 − p to cancellation (6.361340886788448, 5e-10 off)
    expect(Math.abs(ndtri(1 - 1e-10) / 6.361340889697422 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(ndtri(1 - 1e-15) / 7.941444487415979 - 1)).toBeLessThan(1e-14);
    for (const p of [0.6, 0.9, 0.975, 0.999999]) expect(ndtri(p)).toBe(-ndtri(1 - p));
  });
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
