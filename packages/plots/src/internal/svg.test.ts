import { describe, expect, it } from "vitest";
import { c1, esc, joinMarkup, n2, polylinePath, polylinePathBytes } from "./svg.js";

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

describe("path bytes and markup joining", () => {
  it("polylinePath writes the same characters as c1 pieces, pen lifted at non-finite points", () => {
    const xs = [0, 1.26, -0.04, -0.06, 2, Number.NaN, 3, -1234.56, 1e12, 5];
    const ys = [0.05, -0.95, 7, 1e-9, Number.POSITIVE_INFINITY, 1, 2, 3.35, 4, -5.55];
    const X = (v: number) => v * 1.5;
    const Y = (v: number) => 100 - v;
    let expected = "";
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) {
        pen = false;
        continue;
      }
      expected += `${pen ? "L" : "M"}${c1(X(xs[i]!))},${c1(Y(ys[i]!))}`;
      pen = true;
    }
    expect(polylinePath(xs, ys, X, Y)).toBe(expected);
    expect(new TextDecoder().decode(polylinePathBytes(xs, ys, X, Y))).toBe(expected);
  });
  it("joinMarkup keeps non-ASCII text and byte pieces in order", () => {
    const parts = ["<text>θ – µ</text>", new TextEncoder().encode("M1,2L3,4"), "<g>", "</g>"];
    expect(joinMarkup(parts)).toBe("<text>θ – µ</text>M1,2L3,4<g></g>");
    expect(joinMarkup(["a", new TextEncoder().encode("b"), "c"])).toBe("abc");
    expect(joinMarkup(["a", "b"])).toBe("ab");
  });
});
