import { describe, expect, test, vi } from "vitest";
import { grad, jvp } from "../autodiff/grad.js";
import { cond, switchCase } from "../control/cond.js";
import { scan } from "../control/scan.js";
import { foriLoop, whileLoop } from "../control/while-loop.js";
import { type Tensor, tensor } from "../core/tensor.js";
import "../index.js";
import { jit } from "../jit/jit.js";
import { stack } from "../ops/shape-ops.js";
import { reshape } from "../primitives/reshape.js";
import { slice } from "../primitives/slice.js";
import { multiBatchingRuleNames } from "./rules.js";
import { batchingRuleNames, vmap } from "./vmap.js";

// Heavy on a busy 2-core machine: generous per-test timeout (never a timed test).
vi.setConfig({ testTimeout: 120_000 });

const close = (a: Tensor, e: Tensor, tol = 1e-12): void => {
  expect(a.shape).toEqual(e.shape);
  const x = a.dataSync();
  const y = e.dataSync();
  for (let i = 0; i < y.length; i++) {
    const d = Math.abs((x[i] as number) - (y[i] as number));
    if (!(d <= tol * Math.max(1, Math.abs(y[i] as number)))) expect.fail(`[${i}] ${x[i]} vs ${y[i]}`);
  }
};

const rows = (n: number, shape: number[], seed: number): Tensor[] =>
  Array.from({ length: n }, (_, b) =>
    tensor(
      Float64Array.from(
        { length: shape.reduce((p, q) => p * q, 1) },
        (_, i) => Math.sin(seed * 3.1 + b * 1.7 + i * 0.9) * 0.8,
      ),
      { shape },
    ),
  );

/** Checks vmap (eager and jit-interpreted) of `f` against the loop over slices of the mapped arguments. */
function againstLoop(
  f: (...a: Tensor[]) => Tensor[],
  slices: (Tensor[] | Tensor)[],
  inAxes: (number | null)[],
  tol = 1e-12,
): void {
  const n = (slices.find(Array.isArray) as Tensor[]).length;
  const args = slices.map((s, i) => (Array.isArray(s) ? stack(s, inAxes[i] as number) : s));
  const loop = Array.from({ length: n }, (_, b) =>
    f(...slices.map((s) => (Array.isArray(s) ? (s[b] as Tensor) : s))),
  );
  const want = (loop[0] as Tensor[]).map((_, k) => stack(loop.map((o) => o[k] as Tensor)));
  const got = vmap(f, { inAxes })(...args);
  want.forEach((w, k) => {
    close(got[k] as Tensor, w, tol);
  });
  const staged = jit(vmap(f, { inAxes }), { codegen: false })(...args);
  want.forEach((w, k) => {
    close(staged[k] as Tensor, w, tol);
  });
}

describe("vmap of control flow equals a loop of calls", () => {
  test("scan, cond and whileLoop have batching rules", () => {
    batchingRuleNames();
    expect(multiBatchingRuleNames().sort()).toEqual(["cond", "scan", "whileLoop"]);
  });

  test("scan: batched xs (in-axes 0 and 1), init, consts, reverse", () => {
    const f = (h0: Tensor, xs: Tensor, w: Tensor): Tensor[] => {
      const [h, ys] = scan(
        (h: Tensor, x: Tensor) => {
          const hn = h.mul(w).add(x).tanh();
          return [hn, hn.square().sum()] as [Tensor, Tensor];
        },
        h0,
        xs,
      );
      return [h, ys];
    };
    const h0 = rows(3, [2], 1);
    const xs = rows(3, [5, 2], 2);
    const w = rows(3, [2], 3);
    againstLoop(f, [h0, xs, w], [0, 0, 0]);
    againstLoop(f, [h0[0] as Tensor, xs, w[0] as Tensor], [null, 1, null]);
    // only the const is batched: the carry becomes batched through the body (fixed point)
    againstLoop(f, [h0[0] as Tensor, xs[0] as Tensor, w], [null, null, 0]);
    againstLoop(f, [h0, xs[0] as Tensor, w[0] as Tensor], [0, null, null]);
    const g = (h0: Tensor, xs: Tensor): Tensor[] => {
      const [h, ys] = scan((h: Tensor, x: Tensor) => [h.add(x), h.mul(x)] as [Tensor, Tensor], h0, xs, {
        reverse: true,
      });
      return [h, ys];
    };
    againstLoop(g, [h0, xs], [0, -1]);
  });

  test("scan with a pytree carry where one leaf stays unbatched, and grad through vmap of scan", () => {
    const f = (xs: Tensor): Tensor[] => {
      const [[count, acc], ys] = scan(
        ([c, a]: [Tensor, Tensor], x: Tensor) =>
          [[c.add(1), a.add(x.mul(c))], a.sin()] as [[Tensor, Tensor], Tensor],
        [tensor(0), tensor(0.5)] as [Tensor, Tensor],
        xs,
      );
      return [count, acc, ys];
    };
    const xs = rows(4, [6], 5);
    againstLoop(f, [xs], [0]);
    const loss = (x: Tensor): Tensor =>
      (f(x)[1] as Tensor)
        .mul(f(x)[2] as Tensor)
        .sum()
        .add((f(x)[1] as Tensor).square());
    const g = grad((X: Tensor) => vmap(loss)(X).sum())(stack(xs)) as Tensor;
    close(g, stack(xs.map((x) => grad(loss)(x) as Tensor)), 1e-11);
    close(vmap(grad(loss))(stack(xs)) as Tensor, stack(xs.map((x) => grad(loss)(x) as Tensor)), 1e-11);
  });

  test("cond and switchCase: unbatched index, batched index, branches batched differently", () => {
    const f = (p: Tensor, x: Tensor): Tensor[] => [
      cond(
        p.gt(0),
        (a: Tensor) => a.exp(),
        (_a: Tensor) => tensor([1, 2, 3]),
        x,
      ) as Tensor,
    ];
    const xs = rows(4, [3], 7);
    const ps = [tensor(1), tensor(-1), tensor(2), tensor(-3)];
    againstLoop(f, [ps, xs], [0, 0]); // batched predicate
    againstLoop(f, [tensor(1), xs], [null, 0]); // unbatched predicate, batched operand
    againstLoop(f, [tensor(-1), xs], [null, 0]); // the chosen branch's output is unbatched
    const s = (i: Tensor, x: Tensor): Tensor[] => [
      switchCase(
        i,
        [(a: Tensor) => a.mul(2), (a: Tensor) => a.sin(), (a: Tensor) => a.neg().exp()],
        x,
      ) as Tensor,
    ];
    const idx = [-1, 0, 1, 2, 5].map((v) => tensor(v, { dtype: "int32" }));
    againstLoop(s, [idx, rows(5, [2], 8)], [0, 0]);
    againstLoop(s, [tensor(1, { dtype: "int32" }), rows(5, [2], 8)], [null, 0]);
  });

  test("whileLoop: batched predicate (different trip counts), unbatched predicate, foriLoop", () => {
    const f = (x: Tensor): Tensor[] => {
      const [v, n] = whileLoop(
        ([v]: [Tensor, Tensor]) => v.lt(10),
        ([v, n]: [Tensor, Tensor]) => [v.mul(2).add(1), n.add(1)] as [Tensor, Tensor],
        [x, tensor(0)] as [Tensor, Tensor],
      );
      return [v, n];
    };
    againstLoop(f, [[0.1, 3, 20, 1].map((v) => tensor(v))], [0]);
    const g = (x: Tensor): Tensor[] => {
      const [i, acc] = whileLoop(
        ([i]: [Tensor, Tensor]) => i.lt(4),
        ([i, a]: [Tensor, Tensor]) => [i.add(1), a.mul(1.5).add(i)] as [Tensor, Tensor],
        [tensor(0, { dtype: "int32" }), x] as [Tensor, Tensor],
      );
      return [i, acc];
    };
    againstLoop(g, [rows(3, [2], 9)], [0]);
    const h = (x: Tensor, hi: Tensor): Tensor[] => [
      foriLoop(0, hi, (i: Tensor, v: Tensor) => v.add(i.cast("float64").mul(x)), x.mul(0)) as Tensor,
      foriLoop(0, 3, (i: Tensor, v: Tensor) => v.mul(x).add(i.cast("float64")), x) as Tensor,
    ];
    againstLoop(h, [rows(4, [2], 4), [2, 0, 5, 3].map((v) => tensor(v, { dtype: "int32" }))], [0, 0]);
  });

  test("forward mode: vmap of jvp and jvp of vmap through whileLoop and scan", () => {
    const f = (x: Tensor): Tensor => {
      const [v] = whileLoop(
        ([, i]: [Tensor, Tensor]) => i.lt(3),
        ([v, i]: [Tensor, Tensor]) => [v.sin().mul(v).add(1), i.add(1)] as [Tensor, Tensor],
        [x, tensor(0, { dtype: "int32" })] as [Tensor, Tensor],
      ) as [Tensor, Tensor];
      const [h] = scan(
        (h: Tensor, t: Tensor) => [h.mul(t).tanh(), h] as [Tensor, Tensor],
        v,
        tensor([0.5, 1.5]),
      );
      return h.sum();
    };
    const xs = rows(4, [2], 13);
    const ts = rows(4, [2], 14);
    const loop = xs.map((x, b) => jvp(f, [x], [ts[b] as Tensor])[1]);
    close(
      vmap((x: Tensor, t: Tensor) => jvp(f, [x], [t])[1])(stack(xs), stack(ts)) as Tensor,
      stack(loop),
      1e-11,
    );
    close(jvp((X: Tensor) => vmap(f)(X), [stack(xs)], [stack(ts)])[1], stack(loop), 1e-11);
  });

  test("nested: vmap of a scan whose body uses vmap, and vmap of vmap of scan", () => {
    const f = (xs: Tensor): Tensor[] => {
      const [h, ys] = scan(
        (h: Tensor, x: Tensor) => {
          const hn = vmap((a: Tensor, b: Tensor) => a.mul(b).add(b.cos()))(h, x);
          return [hn, hn.sum()] as [Tensor, Tensor];
        },
        tensor([0.1, 0.2]),
        xs,
      );
      return [h, ys];
    };
    againstLoop(f, [rows(3, [4, 2], 11)], [0]);
    const X = stack(rows(2, [3, 4, 2], 12));
    const nested = vmap(vmap(f)) as (x: Tensor) => Tensor[];
    const got = nested(X);
    const want = [0, 1].map((i) => vmap(f)(reshape(slice(X, [i, 0, 0, 0], [i + 1, 3, 4, 2]), [3, 4, 2])));
    close(got[0] as Tensor, stack(want.map((w) => w[0] as Tensor)));
    close(got[1] as Tensor, stack(want.map((w) => w[1] as Tensor)));
  });
});
