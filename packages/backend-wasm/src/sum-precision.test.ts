import { full, registerBackend, setBackend, silenceWarnings, sum } from "@phlox/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wasm } from "./wasm.js";

silenceWarnings(true);

// tfjs's wasm kernel sums sequentially in float32: past 2²⁴ adding 1 no longer changes the sum, and 10⁶ × 0.1
// came out as 100,958. backend-tfjs sums float32 in blocks (pairwise with wide leaves).
describe("float32 sums on the wasm backend are blocked (pairwise)", () => {
  beforeAll(async () => {
    registerBackend(await wasm({ fallbacks: "js", name: "wasm-sum" }));
    setBackend("wasm-sum");
  });
  afterAll(() => setBackend("js"));

  it("a float32 sum of 2²⁴ + 1000 ones is exact", { timeout: 120_000 }, () => {
    const n = 2 ** 24 + 1000;
    expect(sum(full([n], 1, "float32")).item()).toBe(n);
  });

  it("10⁶ × 0.1 (float32) is within 1e-5 relative, over all axes and along one axis with keepDims", {
    timeout: 120_000,
  }, () => {
    const exact = Math.fround(0.1) * 1e6;
    expect(Math.abs(sum(full([1_000_000], 0.1, "float32")).item() - exact) / exact).toBeLessThan(1e-5);
    const rows = sum(full([2, 500_000], 0.1, "float32"), 1, true);
    expect(rows.shape).toEqual([2, 1]);
    for (const v of rows.dataSync()) expect(Math.abs(v - exact / 2) / (exact / 2)).toBeLessThan(1e-5);
    const cols = sum(full([3000, 2], 0.1, "float32"), 0);
    expect(cols.shape).toEqual([2]);
    for (const v of cols.dataSync()) expect(Math.abs(v - 300) / 300).toBeLessThan(1e-5);
  });
});
