import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { key, split } from "./key.js";
import { ChainRandom, splitKey, threefry2x32, toKeyPair } from "./stream.js";

const keys = JSON.parse(readFileSync(new URL("../../fixtures/split-keys.json", import.meta.url), "utf8")) as {
  cases: { key: number[]; split4: number[][] }[];
};

describe("scalar threefry stream", () => {
  test("threefry2x32(key, counter) matches the Random123 known-answer vectors (20 rounds)", () => {
    const out = new Uint32Array(2);
    threefry2x32(0, 0, 0, 0, out);
    expect([out[0], out[1]]).toEqual([0x6b200159, 0x99ba4efe]);
    threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect([out[0], out[1]]).toEqual([0x1cb996fc, 0xbb002be7]);
    threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, out);
    expect([out[0], out[1]]).toEqual([0xc4923a9c, 0x483df7a0]);
  });

  test("toKeyPair(seed) and splitKey(key, n) are deterministic and give distinct children", () => {
    expect(toKeyPair(7)).toEqual([0, 7]);
    expect(splitKey([0, 7], 4)).toEqual(splitKey([0, 7], 4));
    expect(new Set(splitKey([0, 7], 4).map((k) => k.join(","))).size).toBe(4);
    expect(() => toKeyPair(-1)).toThrow(/seed/);
  });

  test("splitKey(key, n) equals jax.random.split (JAX 0.10.2, default threefry partitionable mode)", () => {
    for (const c of keys.cases) expect(splitKey(c.key as [number, number], 4)).toEqual(c.split4);
  });

  test("splitKey(key, n) equals split(key, n) on tensor keys", () => {
    for (const seed of [0, 7, 123456789])
      expect(splitKey(toKeyPair(seed), 3)).toEqual(
        split(key(seed), 3).map((k) => Array.from(k.dataSync() as Uint32Array)),
      );
  });

  test("toKeyPair(key(seed)) reads a tensor key and names the caller in errors", () => {
    expect(toKeyPair(key(2 ** 32 + 5))).toEqual([1, 5]);
    expect(() => toKeyPair([1, 2, 3], "SVI.init")).toThrow(/SVI\.init: .*two uint32 words/);
  });

  test("toKeyPair(key) reads a tensor-like key through dataSync()", () => {
    expect(toKeyPair({ dataSync: () => Uint32Array.of(3, 4) })).toEqual([3, 4]);
    expect(() => toKeyPair({ dataSync: () => Uint32Array.of(3) })).toThrow(/pair/);
  });

  test("ChainRandom.normal() has mean 0 and variance 1 (4 standard errors, n = 20000)", () => {
    const r = new ChainRandom([1, 2]);
    let m = 0;
    let m2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      m += x;
      m2 += x * x;
    }
    m /= n;
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  test("ChainRandom.getState()/setState() resume the stream bit for bit", () => {
    const a = new ChainRandom([3, 4]);
    a.normal();
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const next = [a.normal(), a.uniform(), a.normal()];
    const b = new ChainRandom([0, 0]);
    b.setState(saved);
    expect([b.normal(), b.uniform(), b.normal()]).toEqual(next);
  });
});
