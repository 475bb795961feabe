import { describe, expect, it } from "vitest";
import { fillNormal, splitInPlace, toKeyPair } from "./random.js";

describe("random", () => {
  it("fillNormal draws standard normals (mean, variance, and a tail fraction)", () => {
    const x = new Float64Array(200000);
    fillNormal(1, 2, x);
    let m = 0;
    let v = 0;
    let tail = 0;
    for (const e of x) {
      m += e;
      v += e * e;
      if (e > 1.959963984540054) tail++;
    }
    m /= x.length;
    v = v / x.length - m * m;
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(x.length));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / x.length));
    expect(Math.abs(tail / x.length - 0.025)).toBeLessThan(4 * Math.sqrt(0.025 / x.length));
  });
  it("splitInPlace gives a new key and a sub key, deterministically", () => {
    const k = toKeyPair(7);
    const sub = new Uint32Array(2);
    splitInPlace(k, sub);
    const k2 = toKeyPair(7);
    const sub2 = new Uint32Array(2);
    splitInPlace(k2, sub2);
    expect(Array.from(k)).toEqual(Array.from(k2));
    expect(Array.from(sub)).toEqual(Array.from(sub2));
    expect(Array.from(k)).not.toEqual(Array.from(sub));
  });
  it("toKeyPair accepts a seed, a pair and a tensor-like key", () => {
    expect(Array.from(toKeyPair(3))).toEqual([0, 3]);
    expect(Array.from(toKeyPair([1, 2]))).toEqual([1, 2]);
    expect(Array.from(toKeyPair({ dataSync: () => Uint32Array.of(4, 5) }))).toEqual([4, 5]);
    expect(() => toKeyPair([1, 2, 3])).toThrow(/two uint32/);
  });
});
