import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import { interpretProgram } from "../jit/interpret.js";
import { jit } from "../jit/jit.js";
import { normal, uniform } from "./basic.js";
import { foldIn, key, split } from "./key.js";

const fx = JSON.parse(readFileSync(new URL("../../fixtures/threefry.json", import.meta.url), "utf8")) as {
  cases: { key: number[]; split3: number[][]; foldIn7: number[] }[];
};
const words = (t: Tensor): number[] => Array.from(t.dataSync() as Uint32Array);
const keys = [key(0), key(7), key(123456789), tensor(Uint32Array.of(0xffffffff, 0xffffffff))];

describe("split and foldIn on a traced key (jit / makeProgram)", () => {
  const derive = (k: Tensor): Tensor[] => {
    const [a, b, c] = split(k, 3) as [Tensor, Tensor, Tensor];
    return [a, b, c, foldIn(k, 7), foldIn(a, 4294967295), split(b, 1)[0] as Tensor];
  };

  test("jit(split/foldIn) gives bit-identical keys to the eager calls", () => {
    const staged = jit(derive);
    for (const k of keys) expect(staged(k).map(words)).toEqual(derive(k).map(words));
  });

  test("staged split(key, 3) and foldIn(key, 7) equal jax.random's (JAX 0.10.2 fixture)", () => {
    const staged = jit((k: Tensor) => [...split(k, 3), foldIn(k, 7)]);
    for (const c of fx.cases) {
      const out = staged(tensor(Uint32Array.from(c.key))).map(words);
      expect(out.slice(0, 3)).toEqual(c.split3);
      expect(out[3]).toEqual(c.foldIn7);
    }
  });

  test("makeProgram(split) stages without reading the key, and the IR interpreter reproduces it", () => {
    const { program } = makeProgram((k: Tensor) => split(k, 2), [key(0)]);
    const out = interpretProgram(program, [Uint32Array.of(0, 42)]);
    expect(out.map((o) => Array.from(o as Uint32Array))).toEqual(split(key(42), 2).map(words));
  });

  test("samplers fed by a traced split draw the same numbers as eagerly", () => {
    const draw = (k: Tensor): Tensor[] => {
      const [k1, k2] = split(k) as [Tensor, Tensor];
      return [normal(k1, [4]), uniform(foldIn(k2, 3), [2])];
    };
    const staged = jit(draw);
    for (const k of keys.slice(0, 2)) {
      const a = staged(k).map((t) => Array.from(t.dataSync() as Float64Array));
      const b = draw(k).map((t) => Array.from(t.dataSync() as Float64Array));
      expect(a).toEqual(b);
    }
  });

  test("a traced key still has its dtype and shape checked", () => {
    expect(() => jit((k: Tensor) => split(k))(tensor([1, 2]))).toThrow(/split: key must be a uint32/);
    expect(() => jit((k: Tensor) => foldIn(k, 1))(tensor(Uint32Array.of(1, 2, 3)))).toThrow(/shape \[2\]/);
  });
});
