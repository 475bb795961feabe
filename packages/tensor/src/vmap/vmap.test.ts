import { describe, expect, test, vi } from "vitest";
import { grad, jvp, valueAndGrad } from "../autodiff/grad.js";
import { MissingRuleError, ShapeError } from "../core/errors.js";
import { definePrimitive } from "../core/primitive.js";
import { type Tensor, tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import "../index.js";
import { jit } from "../jit/jit.js";
import { stack } from "../ops/shape-ops.js";
import { take } from "../primitives/gather.js";
import { reshape } from "../primitives/reshape.js";
import { slice } from "../primitives/slice.js";
import { bernoulli, categorical, normal, truncatedNormal, uniform } from "../random/basic.js";
import { beta, binomial, dirichlet, gamma, poisson } from "../random/host.js";
import { foldIn, key, split } from "../random/key.js";
import { checkGrads } from "../testing/check-grads.js";
import { randomProgram } from "./test-programs.js";
import { vmap } from "./vmap.js";

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

const seq = (n: number, shape: number[], seed: number): Tensor[] =>
  Array.from({ length: n }, (_, b) =>
    tensor(
      Float64Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) =>
        Math.sin(seed * 13.1 + b * 7.3 + i * 1.7),
      ),
      { shape },
    ),
  );

describe("vmap: pytrees, inAxes and outAxes", () => {
  test("pytree arguments with per-leaf axes given by a prefix spec", () => {
    const f = (p: { a: Tensor; b: [Tensor, Tensor] }, s: Tensor) => ({
      sum: p.a.sum().add(p.b[0].mul(p.b[1]).sum()).mul(s),
      first: p.b[0],
    });
    const as = seq(4, [3], 1);
    const b0 = seq(4, [2], 2);
    const b1 = tensor([0.5, -1]);
    const s = tensor(2);
    const out = vmap(f, { inAxes: [{ a: 0, b: [1, null] }, null] })(
      { a: stack(as), b: [stack(b0, 1), b1] },
      s,
    ) as { sum: Tensor; first: Tensor };
    const exp = as.map((a, i) => f({ a, b: [b0[i] as Tensor, b1] }, s));
    close(out.sum, stack(exp.map((e) => e.sum)));
    close(out.first, stack(exp.map((e) => e.first)));
    const out2 = vmap(f, { inAxes: [{ a: 0, b: [1, null] }, null], outAxes: { sum: 0, first: 1 } })(
      { a: stack(as), b: [stack(b0, 1), b1] },
      s,
    ) as { sum: Tensor; first: Tensor };
    close(
      out2.first,
      stack(
        exp.map((e) => e.first),
        1,
      ),
    );
  });

  test("unbatched outputs are broadcast, outAxes null returns them as they are", () => {
    const f = (x: Tensor, c: Tensor) => [x.mul(2), c.exp()];
    const [a, b] = vmap(f, { inAxes: [0, null] })(tensor([1, 2, 3]), tensor([0, 1])) as Tensor[];
    expect(a?.toArray()).toEqual([2, 4, 6]);
    expect(b?.shape).toEqual([3, 2]);
    const [, c] = vmap(f, { inAxes: [0, null], outAxes: [0, null] })(
      tensor([1, 2, 3]),
      tensor([0, 1]),
    ) as Tensor[];
    expect(c?.shape).toEqual([2]);
  });

  test("axisSize maps a function of no mapped input; JS-number outputs broadcast", () => {
    const out = vmap((c: Tensor) => c.add(1), { inAxes: null, axisSize: 3 })(tensor([1, 2])) as Tensor;
    expect(out.toArray()).toEqual([
      [2, 3],
      [2, 3],
      [2, 3],
    ]);
    expect((vmap(() => 7, { axisSize: 2 })() as unknown as Tensor).toArray()).toEqual([7, 7]);
  });

  test("negative axes, and in-axis 1 with outAxes -1", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect((vmap((r: Tensor) => r.sum(), { inAxes: -1 })(x) as Tensor).toArray()).toEqual([5, 7, 9]);
    expect((vmap((r: Tensor) => r.mul(10), { inAxes: 1, outAxes: -1 })(x) as Tensor).toArray()).toEqual([
      [10, 20, 30],
      [40, 50, 60],
    ]);
  });
});

describe("vmap: errors", () => {
  test("mismatched mapped axis sizes name each argument and its size", () => {
    const f = (a: Tensor, b: Tensor) => a.add(b);
    expect(() => vmap(f)(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => vmap(f)(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(
      /args\[0\] has size 3 along axis 0 \(shape \[3\]\); args\[1\] has size 2 along axis 0 \(shape \[2\]\)/,
    );
    expect(() => vmap(f, { axisSize: 4 })(tensor([1, 2, 3]), tensor([1, 2, 3]))).toThrow(/axisSize is 4/);
    try {
      vmap((p: { u: Tensor; v: Tensor }) => p.u)({ u: tensor([1]), v: tensor([[1, 2]]) });
    } catch (e) {
      expect((e as ShapeError).code).toBe("vmap-size-mismatch");
      expect((e as Error).message).toContain("args[0].v has size 1");
    }
  });

  test("out-of-range axes", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const e = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err as ShapeError;
      }
      throw new Error("no error");
    };
    const err = e(() => vmap((r: Tensor) => r, { inAxes: 2 })(x));
    expect(err.code).toBe("vmap-axis-out-of-range");
    expect(err.message).toContain(
      "inAxes 2 is out of range for args[0] of shape [2, 2]: use an integer in [-2, 2)",
    );
    expect(e(() => vmap((r: Tensor) => r, { inAxes: -3 })(x)).code).toBe("vmap-axis-out-of-range");
    expect(e(() => vmap((r: Tensor) => r, { outAxes: 2 })(x)).message).toContain(
      "outAxes 2 is out of range for output",
    );
    expect(e(() => vmap((r: Tensor) => r)(tensor(1))).code).toBe("vmap-axis-out-of-range");
    expect(e(() => vmap((r: number) => r)(3)).message).toContain("a JS number (rank 0)");
  });

  test("spec structure, missing size, outAxes null on a batched output", () => {
    const x = tensor([1, 2]);
    expect(() => vmap((a: Tensor) => a, { inAxes: [0, 0] })(x)).toThrow(/inAxes has 2 entries/);
    expect(() => vmap((p: { a: Tensor }) => p.a, { inAxes: [{ b: 0 }] })({ a: x })).toThrow(
      /prefix of the pytree/,
    );
    expect(() => vmap((a: Tensor) => a, { inAxes: null })(x)).toThrow(/pass axisSize/);
    expect(() => vmap((a: Tensor) => a, { outAxes: null })(x)).toThrow(/outAxes is null for output/);
  });

  test("a primitive without a batching rule gives MissingRuleError naming it", () => {
    const p = definePrimitive("vmapTestNoRule" as never, {
      shape: (i) => i[0]!.shape,
      dtype: (i) => i[0]!.dtype,
      kernel: (i) => (i[0]!.buf as Float64Array).slice(),
    });
    const f = (x: Tensor) => bind(p, [x], {} as never);
    expect(f(tensor([1, 2])).toArray()).toEqual([1, 2]);
    expect(() => vmap(f)(tensor([[1, 2]]))).toThrow(MissingRuleError);
    expect(() => vmap(f)(tensor([[1, 2]]))).toThrow(/primitive "vmapTestNoRule" has no batching rule/);
  });

  test("an out-of-range index of one slice still fails (batched gather)", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const idx = tensor([[0], [2]], { dtype: "int32" });
    expect(() => vmap((a: Tensor, i: Tensor) => take(a, i))(x, idx)).toThrow(/out of range/);
  });

  test("reading a batched value throws ConcretizationError", () => {
    expect(() => vmap((a: Tensor) => tensor(a.item()))(tensor([1, 2]))).toThrow(/cannot read a traced value/);
  });
});

describe("vmap on random programs equals a loop of calls", () => {
  test.each(Array.from({ length: 24 }, (_, i) => i))(
    "program %i: eager, jit, inAxes [0,null] and [1,0]",
    (seed) => {
      const f = randomProgram(seed);
      const xs = seq(3, [2, 3], seed);
      const ys = seq(3, [2, 3], seed + 100);
      const loop = (ax: number | null, ay: number | null) => {
        const outs = xs.map((x, b) =>
          f(ax === null ? (xs[0] as Tensor) : x, ay === null ? (ys[0] as Tensor) : (ys[b] as Tensor)),
        );
        return { value: stack(outs.map((o) => o.value)), out: stack(outs.map((o) => o.out)) };
      };
      for (const [ax, ay] of [
        [0, 0],
        [0, null],
        [1, 0],
        [null, -1],
      ] as const) {
        const bx = ax === null ? (xs[0] as Tensor) : stack(xs, ax);
        const by = ay === null ? (ys[0] as Tensor) : stack(ys, ay < 0 ? 2 : ay);
        const exp = loop(ax, ay);
        const got = vmap(f, { inAxes: [ax, ay] })(bx, by);
        close(got.value, exp.value);
        close(got.out, exp.out);
        const staged = jit(vmap(f, { inAxes: [ax, ay] }), { codegen: false })(bx, by);
        close(staged.value, exp.value);
        close(staged.out, exp.out);
      }
    },
  );
});

describe("vmap composes with grad, jvp and itself", () => {
  test.each([0, 3, 7, 11])(
    "grad of a vmapped random program equals the loop of grads (program %i)",
    (seed) => {
      const f = randomProgram(seed);
      const xs = seq(3, [2, 3], seed);
      const y = seq(1, [2, 3], seed + 50)[0] as Tensor;
      const bx = stack(xs);
      const g = grad((v: Tensor) => vmap((x: Tensor) => f(x, y).value)(v).sum())(bx) as Tensor;
      const loop = stack(xs.map((x) => grad((v: Tensor) => f(v, y).value)(x) as Tensor));
      close(g, loop, 1e-11);
      const vg = vmap(grad((v: Tensor) => f(v, y).value))(bx) as Tensor;
      close(vg, loop, 1e-11);
      const [vals, g2] = vmap(
        valueAndGrad((v: Tensor, w: Tensor) => f(v, w).value, [0, 1]),
        { inAxes: [0, null] },
      )(bx, y) as [Tensor, Tensor[]];
      close(vals, stack(xs.map((x) => f(x, y).value)));
      close(g2[0] as Tensor, loop, 1e-11);
    },
  );

  test("finite differences, first and second order, through vmap (in-axes 0 and 1)", () => {
    const f = (x: Tensor, w: Tensor) => x.mul(w).sin().sum(0).add(x.square().sum(0).log1p());
    const w = tensor([
      [0.3, -0.4],
      [1.2, 0.7],
      [-0.5, 0.2],
    ]);
    checkGrads(
      (x: Tensor) => vmap((r: Tensor) => f(r, w), { inAxes: 0 })(x),
      [
        tensor([
          [
            [0.1, 0.2],
            [0.3, 0.4],
            [0.5, -0.6],
          ],
          [
            [0.7, -0.8],
            [0.9, 1.0],
            [-1.1, 1.2],
          ],
        ]),
      ],
      { order: 2 },
    );
    checkGrads(
      (x: Tensor, ww: Tensor) => vmap(f, { inAxes: [1, null] })(x, ww),
      [
        tensor([
          [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
          [
            [0.5, -0.6],
            [0.7, -0.8],
          ],
          [
            [0.9, 1.0],
            [-1.1, 1.2],
          ],
        ]),
        w,
      ],
      { order: 2 },
    );
  });

  test("jvp through vmap equals the loop of jvps", () => {
    const f = (x: Tensor) => x.exp().mul(x.sin()).sum();
    const xs = seq(4, [3], 9);
    const ts = seq(4, [3], 10);
    const [y, t] = jvp((v: Tensor) => vmap(f)(v), [stack(xs)], [stack(ts)]);
    close(y, stack(xs.map(f)));
    close(t, stack(xs.map((x, i) => jvp(f, [x], [ts[i] as Tensor])[1])), 1e-11);
  });

  test("nested vmap equals the double loop (axes 0 and 1, with an unbatched operand)", () => {
    const f = (x: Tensor, y: Tensor) => x.mul(y).sum().add(x.max());
    const x = tensor(
      Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.cos(i)),
      { shape: [2, 3, 4] },
    );
    const y = tensor(
      Float64Array.from({ length: 3 * 4 }, (_, i) => Math.sin(i)),
      { shape: [3, 4] },
    );
    // outer over axis 0 of x, inner over axis 0 of the [3, 4] slice with y's rows
    const nested = vmap(vmap(f, { inAxes: [0, 0] }), { inAxes: [0, null] })(x, y) as Tensor;
    const at = (t: Tensor, start: number[], end: number[], shape: number[]) =>
      reshape(slice(t, start, end), shape);
    const rows: Tensor[] = [];
    for (let i = 0; i < 2; i++) {
      const r: Tensor[] = [];
      for (let j = 0; j < 3; j++)
        r.push(f(at(x, [i, j, 0], [i + 1, j + 1, 4], [4]), at(y, [j, 0], [j + 1, 4], [4])));
      rows.push(stack(r));
    }
    close(nested, stack(rows));
    // inner over axis 1 of each [3, 4] slice (columns) paired with the rows of y2 [4, 3]; outer result on axis 1
    const y2 = tensor(
      Float64Array.from({ length: 12 }, (_, i) => Math.sin(3 * i)),
      { shape: [4, 3] },
    );
    const swapped = vmap(vmap(f, { inAxes: [1, 0] }), { inAxes: [0, null], outAxes: 1 })(x, y2) as Tensor;
    const cols: Tensor[] = [];
    for (let j = 0; j < 4; j++) {
      const r: Tensor[] = [];
      for (let i = 0; i < 2; i++)
        r.push(f(at(x, [i, 0, j], [i + 1, 3, j + 1], [3]), at(y2, [j, 0], [j + 1, 3], [3])));
      cols.push(stack(r));
    }
    close(swapped, stack(cols));
    expect(() => vmap(vmap(f, { inAxes: [1, 0] }), { inAxes: [0, null] })(x, y)).toThrow(/different sizes/);
  });

  test("vmap of a jitted function inlines it (same values as the loop)", () => {
    const f = jit((x: Tensor) => x.exp().mul(x.sin()).sum());
    const xs = seq(3, [4], 21);
    close(vmap(f)(stack(xs)) as Tensor, stack(xs.map((x) => f(x) as Tensor)));
  });

  test("nested vmap inside grad and jit", () => {
    const f = (x: Tensor) => x.square().sum();
    const x = tensor(
      Float64Array.from({ length: 12 }, (_, i) => i / 10),
      { shape: [2, 3, 2] },
    );
    const g = grad((v: Tensor) => vmap(vmap(f))(v).sum())(x) as Tensor;
    close(g, x.mul(2));
    close(jit(vmap(vmap(f)), { codegen: false })(x) as Tensor, vmap(vmap(f))(x) as Tensor);
  });
});

describe("vmap over PRNG keys draws exactly what a loop over the keys draws", () => {
  const keys = split(key(42), 5);
  const K = stack(keys);
  const draws: [string, (k: Tensor) => Tensor][] = [
    ["normal", (k) => normal(k, [3])],
    ["uniform", (k) => uniform(k, [2, 2], { minval: -1, maxval: 3 })],
    ["bernoulli", (k) => bernoulli(k, 0.3, [4]).cast("float64")],
    ["categorical", (k) => categorical(k, tensor([0.1, 1, -0.5]), [3]).cast("float64")],
    ["truncatedNormal", (k) => truncatedNormal(k, -1, 2, [3])],
    ["gamma", (k) => gamma(k, tensor([0.5, 2, 7]))],
    ["beta", (k) => beta(k, 2, 3, [2])],
    ["dirichlet", (k) => dirichlet(k, tensor([1, 2, 0.5]))],
    ["poisson", (k) => poisson(k, tensor([0.5, 30])).cast("float64")],
    ["binomial", (k) => binomial(k, 10, 0.3, [2]).cast("float64")],
    ["split", (k) => split(k, 3)[2]!.cast("float64")],
    ["foldIn", (k) => foldIn(k, 7).cast("float64")],
  ];
  test("nested vmap over a [2, 3] grid of keys (key axis last in the outer map)", () => {
    const grid = stack(
      [0, 1].map((i) => stack(split(key(i), 3))),
      0,
    ); // [2, 3, 2]
    const f = (k: Tensor) => normal(k, [2]);
    const out = vmap(vmap(f), { inAxes: 1, outAxes: 1 })(grid) as Tensor; // outer over the axis of 3
    const want = stack([0, 1].map((i) => stack(split(key(i), 3).map(f))));
    close(out, want, 0);
    close(jit(vmap(vmap(f)), { codegen: false })(grid) as Tensor, want, 0);
  });

  test.each(draws)(
    "%s (eager and under jit)",
    (_n, f) => {
      const loop = stack(keys.map(f));
      close(vmap(f)(K), loop, 0);
      close(jit(vmap(f), { codegen: false })(K), loop, 1e-15);
    },
    60_000,
  );
});
