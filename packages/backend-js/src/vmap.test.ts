import type { Tensor } from "@phlox/tensor";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { expectAgree, expectClose, threeWays, threeWaysGrad } from "./testing/check.js";
import { makeRandomProgram } from "./testing/random-programs.js";

const slices = (x: Tensor): Tensor[] => [x, T.add(T.mul(x, 0.9), 0.05), T.sub(T.mul(x, 1.1), 0.03)];

describe("jit of vmap: the batched program compiles, and compiled = interpreter = eager = a loop of calls", () => {
  it("on 40 random programs, with in-axes [0, 0], [0, null] and [-1, 0], values and gradients", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { f, x, y } = makeRandomProgram(seed * 7919);
      const xs = slices(x);
      const ys = slices(y);
      for (const [ax, ay] of [
        [0, 0],
        [0, null],
        [-1, 0],
      ] as const) {
        const X = ax === null ? x : T.stack(xs, ax < 0 ? x.shape.length : ax);
        const Y = ay === null ? y : T.stack(ys, ay);
        const g = T.vmap(f, { inAxes: [ax, ay] });
        const r = threeWays(g as (...a: Tensor[]) => unknown, [X, Y]);
        expectAgree(r, 1e-12);
        const loop = xs.map((xb, b) => f(xb, ay === null ? y : (ys[b] as Tensor)));
        for (let k = 0; k < (loop[0]?.length ?? 0); k++)
          expectClose(
            r.eager[k] as Float64Array,
            T.stack(loop.map((o) => o[k] as Tensor)).dataSync() as Float64Array,
            1e-12,
            `seed ${seed} output ${k} vs loop`,
          );
        const total = (a: Tensor, b: Tensor): Tensor =>
          g(a, b).reduce((acc, t) => T.add(acc, T.sum(T.tanh(t))), T.mul(T.sum(a), 0));
        expectAgree(threeWaysGrad(total, [X, Y]), 1e-12);
      }
    }
  }, 120_000);

  it("vmapped samplers over a batch of keys compile and draw what the loop draws", () => {
    const keys = T.split(T.key(3), 6);
    const draw = (k: Tensor): Tensor[] => [T.normal(k, [4]), T.gamma(k, T.tensor([0.7, 3]))];
    const r = threeWays(T.vmap(draw) as (...a: Tensor[]) => unknown, [T.stack(keys)]);
    expectAgree(r, 1e-15);
    const loop = keys.map(draw);
    expect(Array.from(r.compiled[0] as Float64Array)).toEqual(
      Array.from(T.stack(loop.map((o) => o[0] as Tensor)).dataSync()),
    );
    expect(Array.from(r.compiled[1] as Float64Array)).toEqual(
      Array.from(T.stack(loop.map((o) => o[1] as Tensor)).dataSync()),
    );
  }, 120_000);

  it("vmap of scan, cond and whileLoop compiles to real loops and agrees three ways", () => {
    const f = (h0: Tensor, xs: Tensor, p: Tensor): Tensor[] => {
      const [h, ys] = T.scan(
        (h: Tensor, x: Tensor) => {
          const hn = T.tanh(T.add(T.mul(h, 0.9), x));
          return [hn, T.sum(T.square(hn))] as [Tensor, Tensor];
        },
        h0,
        xs,
      );
      const c = T.cond(
        T.gt(p, 0),
        (a: Tensor) => T.exp(a),
        (a: Tensor) => T.neg(a),
        h,
      ) as Tensor;
      const [v] = T.whileLoop(
        ([v]: [Tensor]) => T.lt(T.sum(v), 10),
        ([v]: [Tensor]) => [T.add(T.mul(v, 2), 1)] as [Tensor],
        [T.abs(c)] as [Tensor],
      );
      return [h, ys, c, v];
    };
    const h0 = [T.tensor([0.1, 0.2]), T.tensor([-0.3, 0.5]), T.tensor([1, -1])];
    const xs = [0, 1, 2].map((b) => T.mul(T.reshape(T.arange(10), [5, 2]), 0.1 * (b + 1)));
    const ps = [T.tensor(1), T.tensor(-1), T.tensor(0.5)];
    const args = [T.stack(h0), T.stack(xs), T.stack(ps)];
    const r = threeWays(T.vmap(f) as (...a: Tensor[]) => unknown, args);
    expectAgree(r, 1e-12);
    const loop = h0.map((h, b) => f(h, xs[b] as Tensor, ps[b] as Tensor));
    for (let k = 0; k < 4; k++)
      expectClose(
        r.compiled[k] as Float64Array,
        T.stack(loop.map((o) => o[k] as Tensor)).dataSync() as Float64Array,
        1e-12,
        `output ${k} vs loop`,
      );
    expect(r.source).toMatch(/for \(/);
  }, 120_000);
});
