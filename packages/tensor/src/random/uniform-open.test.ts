import { describe, expect, test } from "vitest";
import { tensor } from "../core/tensor.js";
import { exponential, normal, openUnitFromBits, uniform, uniformOpen } from "./basic.js";
import { openUnit53 } from "./host.js";
import { key } from "./key.js";

const arr = (x: { dataSync(): ArrayLike<number> }): number[] => Array.from(x.dataSync());
const u32 = (xs: number[] | number[][]) => tensor(xs, { dtype: "uint32" });

/** Kolmogorov–Smirnov statistic of a sample against U(0, 1). */
function ksUniform(sample: number[]): number {
  const s = Float64Array.from(sample).sort();
  let d = 0;
  for (let i = 0; i < s.length; i++) d = Math.max(d, s[i]! - i / s.length, (i + 1) / s.length - s[i]!);
  return d;
}

// Words at the edges of the 23-bit buckets and of the float32 rounding of a uint32 (2³² − 128 … 2³² − 1 round up
// to 2³² when converted to float32).
const EDGE_WORDS = [
  0, 1, 511, 512, 0x7fffffff, 0x80000000, 0xfffffdff, 0xfffffe00, 0xffffff7f, 0xffffff80, 0xfffffffe,
  0xffffffff,
];

describe("uniformOpen draws strictly inside (0, 1) in its dtype", () => {
  test("uniformOpen(key, shape, 'float32') is float32, never 0 or 1 over 2²⁰ draws, and U(0, 1) by KS", () => {
    const n = 1 << 20;
    const u = uniformOpen(key(5), [n], "float32");
    expect(u.dtype).toBe("float32");
    const a = arr(u);
    expect(a.reduce((m, v) => Math.min(m, v), 1)).toBeGreaterThan(0);
    expect(a.reduce((m, v) => Math.max(m, v), 0)).toBeLessThan(1);
    // KS critical value at level 0.001; the draws are seeded, so the test is deterministic.
    expect(ksUniform(a)).toBeLessThan(1.95 / Math.sqrt(n));
  });

  test("the float32 path maps every word to (m + ½)/2²³ with m its top 23 bits, so the extremes are 2⁻²⁴ and 1 − 2⁻²⁴", () => {
    const got = arr(openUnitFromBits(u32(EDGE_WORDS), "float32"));
    const want = EDGE_WORDS.map((b) => (Math.floor(b / 512) + 0.5) / 2 ** 23);
    expect(got).toEqual(want);
    expect(Math.min(...got)).toBe(2 ** -24);
    expect(Math.max(...got)).toBe(1 - 2 ** -24);
  });

  test("the float32 path stays inside (0, 1) when its arithmetic is float32 (as on GPU backends)", () => {
    const got = arr(openUnitFromBits(u32(EDGE_WORDS), "float32", "float32"));
    for (const v of got) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
      expect(Math.fround(v)).toBe(v);
    }
  });

  test("the float64 path never returns 1, even for the all-ones words whose k + ½ rounds up to 2⁵³", () => {
    const pairs = [
      [0, 0],
      [0, 63],
      [0xffffffff, 0xffffffbf],
      [0xffffffff, 0xffffffff],
    ];
    const got = arr(openUnitFromBits(u32(pairs), "float64"));
    expect(got[0]).toBe(2 ** -54);
    expect(got[1]).toBe(2 ** -54);
    expect(got[2]).toBe((2 ** 53 - 2 + 0.5) / 2 ** 53);
    expect(got[3]).toBeLessThan(1);
    // computed in float32 (a backend that stores float64 as float32), every value is still inside (0, 1)
    for (const v of arr(openUnitFromBits(u32(pairs), "float64", "float32"))) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
  });

  test("the host samplers' stream uniform (permutation, choice) is below 1 for all-ones words", () => {
    expect(openUnit53(0xffffffff, 0xffffffff)).toBe(1 - 2 ** -53);
    expect(openUnit53(0xffffffff, 0xffffffbf)).toBe((2 ** 53 - 2 + 0.5) / 2 ** 53);
    expect(openUnit53(0, 0)).toBe(2 ** -54);
  });

  test("normal and exponential in float32 stay finite over 2¹⁸ draws", () => {
    for (const a of [
      arr(normal(key(6), [1 << 18], "float32")),
      arr(exponential(key(7), [1 << 18], "float32")),
    ])
      expect(a.every(Number.isFinite)).toBe(true);
  });
});

describe("uniform(key, shape, { minval, maxval, dtype }) is half-open in the output dtype", () => {
  test("a range one float32 ulp wide, [1, 1 + 2⁻²³), only ever returns 1 in float32", () => {
    const a = arr(uniform(key(8), [4096], { minval: 1, maxval: 1 + 2 ** -23, dtype: "float32" }));
    expect(new Set(a)).toEqual(new Set([1]));
  });

  test("a range one float64 ulp wide, [1, 1 + 2⁻⁵²), only ever returns 1", () => {
    const a = arr(uniform(key(9), [4096], { minval: 1, maxval: 1 + 2 ** -52 }));
    expect(new Set(a)).toEqual(new Set([1]));
  });

  test("negative and wide ranges stay inside [minval, maxval) in float32", () => {
    for (const [lo, hi] of [
      [-3, -1],
      [-1e6, 1e-3],
      [0.1, 0.3],
    ] as const) {
      const a = arr(uniform(key(10), [8192], { minval: lo, maxval: hi, dtype: "float32" }));
      expect(Math.min(...a)).toBeGreaterThanOrEqual(Math.fround(lo));
      expect(Math.max(...a)).toBeLessThan(hi);
    }
  });
});
