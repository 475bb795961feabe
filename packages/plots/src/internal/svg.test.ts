import { describe, expect, it } from "vitest";
import { c1, esc, n2 } from "./svg.js";

describe("svg number formatting", () => {
  it("c1 rounds to 0.1 like Math.round(v*10)/10, sign included", () => {
    for (const v of [0, 1, -1, 0.04, 0.05, -0.04, -0.06, 12.345, -12.345, 299.99, -0.95, 1e-9]) {
      expect(Number(c1(v))).toBeCloseTo(Math.round(v * 10) / 10, 10);
    }
    expect(c1(-0.06)).toBe("-0.1");
    expect(c1(12.34)).toBe("12.3");
    expect(n2(1.005)).toBe(String(Math.round(1.005 * 100) / 100));
    expect(esc(`a<b & "c"`)).toBe("a&lt;b &amp; &quot;c&quot;");
  });
});
