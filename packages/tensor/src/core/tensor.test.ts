import { describe, expect, test } from "vitest";
import * as t from "../index.js";
import { tensor } from "../index.js";

describe("tensor creation and read-back", () => {
  test("tensor(nested) infers shape and defaults to float64; booleans give bool", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe("float64");
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor([true, false]).dtype).toBe("bool");
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
  });

  test("tensor(typedArray, { shape, dtype }) copies and keeps or converts the dtype", () => {
    const src = new Float32Array([1, 2, 3, 4]);
    const x = tensor(src, { shape: [2, 2] });
    expect(x.dtype).toBe("float32");
    src[0] = 9;
    expect(x.dataSync()[0]).toBe(1);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe("int32");
    expect(tensor([1.5, 2.5], { dtype: "int32" }).toArray()).toEqual([1, 2]);
  });

  test("scalar, zeros, ones, full, arange, linspace, eye build the expected values", () => {
    expect(t.scalar(3).item()).toBe(3);
    expect(t.zeros([2]).toArray()).toEqual([0, 0]);
    expect(t.ones([2], "int32").dtype).toBe("int32");
    expect(t.full([2], 7).toArray()).toEqual([7, 7]);
    expect(t.arange(2, 8, 2).toArray()).toEqual([2, 4, 6]);
    expect(t.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(t.eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  test("data() reads asynchronously and item() reads one element", async () => {
    const x = tensor([1, 2]);
    expect(Array.from(await x.data())).toEqual([1, 2]);
    expect(t.sum(x).item()).toBe(3);
    expect(+t.sum(x)).toBe(3);
    expect(`${x}`).toBe("Tensor(float64[2]) [1,2]");
    expect((t.sum(x) as unknown as number) > 2).toBe(true);
    expect(() => x.item()).toThrow(t.ShapeError);
  });
});

describe("broadcasting and type promotion", () => {
  test("add(a, b) broadcasts NumPy style and promotes JS numbers weakly", () => {
    expect(t.add([[1], [2]], [10, 20]).toArray()).toEqual([
      [11, 21],
      [12, 22],
    ]);
    const f = tensor([1, 2], { dtype: "float32" });
    expect(f.add(1.5).dtype).toBe("float32");
    const i = tensor([1, 2], { dtype: "int32" });
    expect(i.add(1).dtype).toBe("int32");
    expect(i.add(0.5).dtype).toBe("float64");
    expect(i.div(2).toArray()).toEqual([0.5, 1]);
    expect(i.add(f).dtype).toBe("float32");
    expect(f.add(tensor([1, 2])).dtype).toBe("float64");
  });

  test("methods chain like the functions", () => {
    const x = tensor([1, 2, 3]);
    expect(x.mul(2).add(1).square().sum().item()).toBe(9 + 25 + 49);
    expect(x.reshape([3, 1]).matmul([[1, 1]]).shape).toEqual([3, 2]);
    expect(x.gt(1).where(x, 0).toArray()).toEqual([0, 2, 3]);
  });
});

describe("ops compute the expected values", () => {
  test("reductions over axes, keepDims, argmax/argmin", () => {
    const x = tensor([
      [1, 5, 2],
      [7, 0, 3],
    ]);
    expect(t.sum(x, 1).toArray()).toEqual([8, 10]);
    expect(t.max(x, 0, true).toArray()).toEqual([[7, 5, 3]]);
    expect(t.min(x).item()).toBe(0);
    expect(t.prod(x, 1).toArray()).toEqual([10, 0]);
    expect(t.argmax(x, 1).toArray()).toEqual([1, 0]);
    expect(t.argmin(x).item()).toBe(4);
    expect(t.mean(x, 0).toArray()).toEqual([4, 2.5, 2.5]);
    expect(t.variance([1, 2, 3, 4], null, false, 1).item()).toBeCloseTo(5 / 3, 14);
  });

  test("shape ops: transpose, slice, pad, concatenate, stack, squeeze, expandDims, take, scatterAdd, cumsum", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.T.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(t.slice(x, [0, 1], [2, 3]).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(t.pad([1, 2], [1], [2]).toArray()).toEqual([0, 1, 2, 0, 0]);
    expect(t.concatenate([x, x], 1).shape).toEqual([2, 6]);
    expect(t.stack([x, x], 0).shape).toEqual([2, 2, 3]);
    expect(t.expandDims(x, -1).shape).toEqual([2, 3, 1]);
    expect(t.squeeze(t.expandDims(x, 0)).shape).toEqual([2, 3]);
    expect(x.take([1, -1], 1).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(x.take(1).toArray()).toEqual([4, 5, 6]);
    expect(t.scatterAdd(t.zeros([3]), [0, 0, 2], [1, 2, 3]).toArray()).toEqual([3, 0, 3]);
    expect(t.cumsum(x, 1, true).toArray()).toEqual([
      [6, 5, 3],
      [15, 11, 6],
    ]);
  });

  test("matmul broadcasts batch dims; cholesky, triangularSolve, logdet, choSolve agree", () => {
    const a = t.ones([4, 1, 2, 3]);
    const b = t.ones([5, 3, 2]);
    expect(t.matmul(a, b).shape).toEqual([4, 5, 2, 2]);
    const A = tensor([
      [4, 2, 0.4],
      [2, 3, 0.5],
      [0.4, 0.5, 2],
    ]);
    const L = t.cholesky(A);
    expect(t.matmul(L, L.T).sub(A).abs().max().item()).toBeLessThan(1e-14);
    const Ld = t.diagonal(L).dataSync();
    expect(t.logdet(A).item()).toBeCloseTo(2 * Math.log(Ld[0] * Ld[1] * Ld[2]), 13);
    const x = t.choSolve(L, [[1], [2], [3]]);
    expect(Array.from(t.matmul(A, x).dataSync())).toEqual([1, 2, 3].map((v) => expect.closeTo(v, 12)));
    expect(
      t
        .cholesky([
          [1, 2],
          [2, 1],
        ])
        .isnan()
        .toArray(),
    ).toEqual([
      [true, true],
      [true, true],
    ]);
  });

  test("einsum(spec, ...) contracts like matmul, traces and sums", () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(t.einsum("ij,jk->ik", a, b).toArray()).toEqual(t.matmul(a, b).toArray());
    expect(t.einsum("ij->ji", a).toArray()).toEqual(a.T.toArray());
    expect(t.einsum("ij->", a).item()).toBe(21);
    expect(t.einsum("i,i->", [1, 2], [3, 4]).item()).toBe(11);
    expect(() => t.einsum("ij,jk->ik", a, a)).toThrow(/index j has sizes 3 and 2/);
  });

  test("pow's Hessian is symmetric at an exponent of 0: ∂²/∂x∂y = 1/x there, as JAX's", () => {
    const h = t.hessian((v: t.Tensor) => t.pow(t.slice(v, [0], [1]), t.slice(v, [1], [2])).sum());
    // d/dx = y·x^(y−1) used to be replaced by 0 at y = 0, which lost its derivative in y
    expect(h(t.tensor([2, 0])).toArray()).toEqual([
      [0, 0.5],
      [0.5, expect.closeTo(Math.LN2 ** 2, 15)],
    ]);
    const g = t.grad((v: t.Tensor) => t.pow(t.slice(v, [0], [1]), t.slice(v, [1], [2])).sum());
    expect(g(t.tensor([0, 0])).toArray()).toEqual([0, 0]); // no 0·∞
    expect(g(t.tensor([0, 1])).toArray()).toEqual([1, 0]);
    expect(g(t.tensor([3, 2])).toArray()).toEqual([6, 9 * Math.log(3)]);
    // a subnormal x at y = 0: 0·x⁻¹ would be 0·∞
    const d0 = t.grad((a: t.Tensor) => t.pow(a, 0));
    expect(d0(t.scalar(1e-310)).item()).toBe(0);
    expect(d0(t.tensor(1e-40, { dtype: "float32" })).item()).toBe(0);
  });

  test("prod's gradient is the product of the other entries, also where entries are 0 (as JAX's)", () => {
    const g = t.grad((v: t.Tensor) => t.prod(v));
    // y / x gave NaN at the zero (and at both zeros)
    expect(g(t.tensor([0, 2, 3])).toArray()).toEqual([6, 0, 0]);
    expect(g(t.tensor([0, 0, 3])).toArray()).toEqual([0, 0, 0]);
    expect(g(t.tensor([1.5, 2, 3, 4, 5])).toArray()).toEqual([120, 90, 60, 45, 36]);
    expect(g(t.tensor([7])).toArray()).toEqual([1]);
    // an empty product (a reduced axis of length 0) has an empty gradient
    expect(t.grad((v: t.Tensor) => t.prod(v, 1).sum())(t.zeros([2, 0])).shape).toEqual([2, 0]);
    expect(t.grad((v: t.Tensor) => t.prod(v))(t.zeros([0, 3])).shape).toEqual([0, 3]);
    // staged, its ones are broadcast literals: no array is captured as a constant
    const staged = t.makeProgram((v: t.Tensor) => t.grad((u: t.Tensor) => t.prod(u, 1).sum())(v), [
      t.zeros([64, 64]),
    ] as never).program;
    expect(staged.constants).toEqual([]);
    expect(
      t
        .hessian((v: t.Tensor) => t.prod(v))(t.tensor([0, 2, 3]))
        .toArray(),
    ).toEqual([
      [0, 3, 2],
      [3, 0, 0],
      [2, 0, 0],
    ]);
    // several axes, not adjacent, and keepDims
    const x = t.tensor([
      [
        [1, 2],
        [3, 0],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    expect(
      t
        .grad((v: t.Tensor) => t.prod(v, [0, 2]).sum())(x)
        .toArray(),
    ).toEqual([
      [
        [60, 30],
        [0, 168],
      ],
      [
        [12, 10],
        [0, 0],
      ],
    ]);
    const w = t.tensor([[1], [2]]);
    expect(
      t
        .grad((v: t.Tensor) => t.prod(v, 1, true).mul(w).sum())(
          t.tensor([
            [1, 2, 3],
            [0, 5, 6],
          ]),
        )
        .toArray(),
    ).toEqual([
      [6, 3, 2],
      [60, 0, 0],
    ]);
  });

  test("xlogy and xlog1py: ∂/∂x is log y (log1p y) also at x = 0, as JAX's; values and edges as scipy's", () => {
    const dx = t.grad((x: t.Tensor) => t.xlogy(x, t.tensor([0.5, 3, 0.5])).sum());
    // The old select on x = 0 gave 0 for the first two (a Gamma or Beta shape of exactly 1 lost log y).
    expect(dx(t.tensor([0, -0, 2])).toArray()).toEqual([Math.log(0.5), Math.log(3), Math.log(0.5)]);
    const dx1 = t.grad((x: t.Tensor) => t.xlog1py(x, t.tensor([-0.5, 3])).sum());
    expect(dx1(t.tensor([0, 1])).toArray()).toEqual([Math.log1p(-0.5), Math.log1p(3)]);
    // ∂/∂y = x / y: 0 where x = 0, also at y = 0 (no NaN); ∂²/∂x∂y = 1 / y.
    const dy = t.grad((y: t.Tensor) => t.xlogy(t.tensor([0, 0, 2]), y).sum());
    expect(dy(t.tensor([0, 0.5, 4])).toArray()).toEqual([0, 0, 0.5]);
    const h = t.hessian((v: t.Tensor) => t.xlogy(t.slice(v, [0], [1]), t.slice(v, [1], [2])).sum());
    expect(h(t.tensor([0, 4])).toArray()).toEqual([
      [0, 0.25],
      [0.25, 0],
    ]);
    // At x = 0 and y where log is not finite, ∂/∂x is 0, not NaN (JAX: ±∞ or NaN).
    const edge = t.grad((x: t.Tensor) => t.xlogy(x, t.tensor([0, Infinity, -1, Number.NaN])).sum());
    expect(edge(t.tensor([0, 0, 0, 0])).toArray()).toEqual([0, 0, 0, 0]);
    // Values: +0 wherever x = 0 (never −0), −∞ for x > 0 at y = 0.
    const v = t.xlogy([0, 0, 0, 0, 2, 1], [0.5, 0, Infinity, Number.NaN, 0, 2]).toArray() as number[];
    expect(v.slice(0, 4).every((z) => Object.is(z, 0))).toBe(true);
    expect(v.slice(4)).toEqual([-Infinity, Math.LN2]);
    const v1 = t.xlog1py([0, 0, 0, 2], [-0.5, -1, -2, -1]).toArray() as number[];
    expect(v1.slice(0, 3).every((z) => Object.is(z, 0))).toBe(true);
    expect(v1[3]).toBe(-Infinity);
  });

  test("softplus, logSigmoid and logaddexp have exact derivatives at their switch point, as jax.nn's", () => {
    // softplus″(0) = σ′(0) = ¼ (the primitives' tie rules, max′(0) = ½ and sign(0) = 0, would give 0);
    // logaddexp's second derivatives at x = y are ±¼ (the softmax's Jacobian at equal weights).
    const d1 = t.grad((x: t.Tensor) => t.softplus(x));
    const d2 = t.grad((x: t.Tensor) => d1(x));
    const d3 = t.grad((x: t.Tensor) => d2(x));
    expect(d1(t.scalar(0)).item()).toBe(0.5);
    expect(d2(t.scalar(0)).item()).toBe(0.25);
    expect(d3(t.scalar(0)).item()).toBeCloseTo(0, 15); // σ″(0) = 0
    expect(
      t
        .hessian((x: t.Tensor) => t.logSigmoid(x).sum())(t.tensor([0, 1]))
        .toArray(),
    ).toEqual([
      [-0.25, expect.closeTo(0, 15)],
      [expect.closeTo(0, 15), expect.closeTo(-Math.exp(-1) / (1 + Math.exp(-1)) ** 2, 15)],
    ]);
    const h = t.hessian((v: t.Tensor) => t.logaddexp(t.slice(v, [0], [1]), t.slice(v, [1], [2])).sum())(
      t.tensor([0.3, 0.3]),
    );
    expect(h.toArray()).toEqual([
      [0.25, -0.25],
      [-0.25, 0.25],
    ]);
    // Values unchanged at the edges: ±0, ±∞, NaN, equal infinities.
    expect(t.softplus([0, -0, Infinity, -Infinity]).toArray()).toEqual([Math.LN2, Math.LN2, Infinity, 0]);
    expect(t.softplus([Number.NaN]).item()).toBeNaN();
    expect(t.logaddexp([Infinity, -Infinity, 2, -0], [Infinity, -Infinity, 2, 0]).toArray()).toEqual([
      Infinity,
      -Infinity,
      2 + Math.LN2,
      Math.LN2,
    ]);
    expect(t.logaddexp(Number.NaN, 0).item()).toBeNaN();
  });

  test("composites are stable at the extremes", () => {
    expect(t.softplus([1000, -1000]).toArray()).toEqual([1000, 0]);
    expect(t.logSumExp([-Infinity, -Infinity]).item()).toBe(-Infinity);
    expect(t.logSumExp([1000, 1000]).item()).toBeCloseTo(1000 + Math.LN2, 12);
    expect(t.logaddexp(-Infinity, -Infinity).item()).toBe(-Infinity);
    expect(t.log1mexp([-1e-20, -50]).toArray()).toEqual(
      [Math.log(1e-20), -Math.exp(-50)].map((v) => expect.closeTo(v, 12)),
    );
    // d/dx log(1 − eˣ) = −eˣ/(1 − eˣ) ≈ 1/x just below 0, where eˣ rounds to 1: the untaken log1p branch
    // must not turn it into NaN (eager and compiled)
    const dLog1mexp = (x: t.Tensor) => t.log1mexp(x).sum();
    for (const g of [t.grad(dLog1mexp), t.jit(t.grad(dLog1mexp))]) {
      const d = g(t.tensor([-1e-17, -1e-300, -50])).toArray() as number[];
      expect(d[0]).toBeCloseTo(-1e17, -3);
      expect(d[1] / -1e300).toBeCloseTo(1, 12);
      expect(d[2]).toBeCloseTo(-Math.exp(-50), 30);
    }
    expect(t.xlogy(0, 0).item()).toBe(0);
    expect(t.sigmoid([-800, 800]).toArray()).toEqual([0, 1]);
    expect(t.logSigmoid([-800]).item()).toBe(-800);
    expect(
      t
        .softmax([[1, 2, 3]])
        .sum()
        .item(),
    ).toBeCloseTo(1, 15);
    expect(t.clamp([-2, 0.5, 3], 0, null).toArray()).toEqual([0, 0.5, 3]);
    expect(t.trigamma(1).item()).toBeCloseTo((Math.PI * Math.PI) / 6, 15);
    expect(
      t
        .lbeta([
          [1, 1],
          [2, 3],
        ])
        .toArray(),
    ).toEqual([0, Math.log(1 / 12)].map((v) => expect.closeTo(v, 14)));
  });
});
