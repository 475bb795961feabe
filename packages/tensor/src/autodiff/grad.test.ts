import { describe, expect, test } from "vitest";
import * as t from "../index.js";
import { type Tensor, tensor } from "../index.js";

describe("grad, valueAndGrad, vjp, jvp, jacrev, hessian", () => {
  test("grad(f, argnums) works over pytrees of tensors", () => {
    const f = (p: { a: Tensor; b: Tensor[] }, c: Tensor) =>
      p.a.mul(p.b[0]).sum().add(p.b[1].square().sum()).mul(c);
    const p = { a: tensor([1, 2]), b: [tensor([3, 4]), tensor(5)] };
    const [v, [gp, gc]] = t.valueAndGrad(f, [0, 1])(p, tensor(2)) as [
      Tensor,
      [{ a: Tensor; b: Tensor[] }, Tensor],
    ];
    expect(v.item()).toBe(2 * (3 + 8 + 25));
    expect(gp.a.toArray()).toEqual([6, 8]);
    expect(gp.b[0].toArray()).toEqual([2, 4]);
    expect(gp.b[1].item()).toBe(20);
    expect(gc.item()).toBe(36);
  });

  test("eager grad lets user code branch on values", () => {
    const f = (x: Tensor) => (x.item() > 0 ? x.square() : x.neg());
    expect((t.grad(f)(3) as Tensor).item()).toBe(6);
    expect((t.grad(f)(-3) as Tensor).item()).toBe(-1);
  });

  test("higher-order derivatives nest: d³/dx³ exp(2x) = 8 exp(2x)", () => {
    const f = (x: Tensor) => x.mul(2).exp();
    const d3 = t.grad(t.grad(t.grad(f)) as (x: Tensor) => Tensor)(0.5) as Tensor;
    expect(d3.item()).toBeCloseTo(8 * Math.exp(1), 12);
  });

  test("stopGradient blocks the gradient but keeps the value", () => {
    const g = t.grad((x: Tensor) => x.mul(t.stopGradient(x)))(3) as Tensor;
    expect(g.item()).toBe(3);
  });

  test("vjp returns the value and a reusable pullback", () => {
    const [y, back] = t.vjp((x: Tensor) => x.square(), tensor([1, 2, 3]));
    expect((y as Tensor).toArray()).toEqual([1, 4, 9]);
    expect((back(tensor([1, 1, 1]))[0] as Tensor).toArray()).toEqual([2, 4, 6]);
    expect((back(tensor([0, 1, 0]))[0] as Tensor).toArray()).toEqual([0, 4, 0]);
  });

  test("jvp computes J·v and jacrev the full Jacobian", () => {
    const f = (x: Tensor) => t.stack([x.take(0).mul(x.take(1)), x.take(0).sin()]);
    const x = tensor([0.3, 2]);
    const [, jv] = t.jvp(f, [x], [tensor([1, 0])]);
    expect(jv.toArray()).toEqual([2, Math.cos(0.3)].map((v) => expect.closeTo(v, 14)));
    expect(t.jacrev(f)(x).toArray()).toEqual(
      [
        [2, 0.3],
        [Math.cos(0.3), 0],
      ].map((r) => r.map((v) => expect.closeTo(v, 14))),
    );
  });

  test("hessian(f)(x) of a log density is the expected matrix", () => {
    // f(x) = -½ xᵀAx → H = −A
    const A = tensor([
      [2, 0.5],
      [0.5, 1],
    ]);
    const H = t.hessian((x: Tensor) => t.matmul(x, t.matmul(A, x)).mul(-0.5))(tensor([0.3, -0.2]));
    expect(H.toArray()).toEqual(
      [
        [-2, -0.5],
        [-0.5, -1],
      ].map((r) => r.map((v) => expect.closeTo(v, 14))),
    );
  });

  test("a function that ignores an argument gives a zero gradient of the right shape", () => {
    const g = t.grad((_x: Tensor, y: Tensor) => y.sum(), [0, 1])(tensor([1, 2, 3]), tensor([1])) as Tensor[];
    expect(g[0].toArray()).toEqual([0, 0, 0]);
    expect(g[1].toArray()).toEqual([1]);
  });
});
