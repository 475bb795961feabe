import { describe, expect, it } from "vitest";
import { pathVertices } from "../testing/svg-marks.js";
import { c1, esc, joinMarkup, n2, polylinePath, polylinePathBytes, writer } from "./svg.js";

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
  it("esc writes characters outside ASCII as numeric references (astral ones as one code point)", () => {
    expect(esc("−1.5")).toBe("&#8722;1.5");
    expect(esc("θ<0 & 𝜇")).toBe("&#952;&lt;0 &amp; &#120583;");
    expect(esc("plain")).toBe("plain");
  });
  it("the byte writer formats numbers exactly as n2 and String, and escapes text as esc", () => {
    const values: number[] = [0, -0, 1, -1, 0.005, -0.005, 0.015, 1.005, 12.345, -12.345, 99.999, 0.1 + 0.2];
    values.push(123456.789, -98765.4321, 21474836.47, 21474836.48, -21474836.49, 1e15, -1e21, 1e-7);
    values.push(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    for (let i = 0; i < 2000; i++) values.push((Math.sin(i * 12.9898) * 43758.5453) % 10 ** (i % 9));
    for (const v of values) {
      writer.reset();
      writer.n2(v);
      expect(new TextDecoder().decode(writer.bytes())).toBe(n2(v));
    }
    for (const v of [0, 7, 10, 99, 1000, 2147483646, 2147483647, 1e12, -3, 2.5, -0, Number.NaN]) {
      writer.reset();
      writer.int(v);
      expect(new TextDecoder().decode(writer.bytes())).toBe(String(v));
    }
    writer.reset();
    writer.text(`θ "a" & <b>`);
    expect(new TextDecoder().decode(writer.bytes())).toBe(esc(`θ "a" & <b>`));
  });
});

describe("path bytes and markup joining", () => {
  it("polylinePath gives exactly the 0.1 px rounded vertices, relative after the first, pen lifted at non-finite points", () => {
    const xs = [0, 1.26, -0.04, -0.06, 2, Number.NaN, 3, -1234.56, 1e12, 5, 5.04];
    const ys = [0.05, -0.95, 7, 1e-9, Number.POSITIVE_INFINITY, 1, 2, 3.35, 4, -5.55, -5.61];
    const X = (v: number) => v * 1.5;
    const Y = (v: number) => 100 - v;
    // the same maps as an affine map: X = 0 + (v − 0)·1.5, Y = 100 + (v − 0)·(−1)
    const m = { ox: 0, x0: 0, kx: 1.5, oy: 100, y0: 0, ky: -1 };
    const expected: { x: number; y: number; start: boolean }[] = [];
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) {
        pen = false;
        continue;
      }
      expected.push({ x: Number(c1(X(xs[i]!))), y: Number(c1(Y(ys[i]!))), start: !pen });
      pen = true;
    }
    const d = polylinePath(xs, ys, m);
    const got = pathVertices(d);
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < got.length; i++) {
      expect(got[i]!.start).toBe(expected[i]!.start);
      expect(got[i]!.x).toBeCloseTo(expected[i]!.x, 6);
      expect(got[i]!.y).toBeCloseTo(expected[i]!.y, 6);
    }
    // short relative offsets: the vertex after the far one is absolute again, then relative
    expect(d.startsWith("M0,100l1.9,1l-2-8l0,7M4.5,98l-1856.3-1.3L")).toBe(true);
    expect(d.endsWith(",96L7.5,105.6l.1,0")).toBe(true);
    expect(new TextDecoder().decode(polylinePathBytes(xs, ys, m))).toBe(d);
  });
  it("polylinePath offsets of every digit count (fast path and beyond) land on the rounded vertices", () => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 400; i++) {
      const scale = [0.3, 3, 30, 300, 3000][i % 5]!;
      xs.push(scale * Math.sin(i * 1.7) + i * 0.01);
      ys.push(scale * Math.cos(i * 2.3) - 0.05);
    }
    const got = pathVertices(polylinePath(xs, ys, { ox: 0, x0: 0, kx: 1, oy: 0, y0: 0, ky: 1 }));
    expect(got.length).toBe(xs.length);
    for (let i = 0; i < xs.length; i++) {
      expect(got[i]!.x).toBeCloseTo(Number(c1(xs[i]!)), 6);
      expect(got[i]!.y).toBeCloseTo(Number(c1(ys[i]!)), 6);
    }
  });
  it("joinMarkup keeps non-ASCII text and byte pieces in order", () => {
    const parts = ["<text>θ – µ</text>", new TextEncoder().encode("M1,2L3,4"), "<g>", "</g>"];
    expect(joinMarkup(parts)).toBe("<text>θ – µ</text>M1,2L3,4<g></g>");
    expect(joinMarkup(["a", new TextEncoder().encode("b"), "c"])).toBe("abc");
    expect(joinMarkup(["a", "b"])).toBe("ab");
  });
});
