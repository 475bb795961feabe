import { expect, test } from "vitest";
import { grad, type Tensor, tensor, valueAndGrad } from "../index.js";

// Type-level tests: `pnpm -F @phlox/tensor typecheck` (tsc over src, tests included) fails when one of the
// `@ts-expect-error` lines compiles, i.e. when grad/valueAndGrad stop typing arguments and gradients.
const f = (x: Tensor, p: { a: Tensor; b: Tensor }): Tensor => x.mul(p.a).add(p.b).sum();

test("grad and valueAndGrad are typed by the function: argument types, gradient structure", () => {
  const x = tensor([1, 2]);
  const p = { a: tensor([3, 4]), b: tensor(1) };
  const gx: Tensor = grad(f)(x, p);
  expect(gx.toArray()).toEqual([3, 4]);
  const gp = grad(f, 1)(x, p);
  expect(gp.a.toArray()).toEqual([1, 2]);
  expect(gp.b.item()).toBe(2);
  const [g0, g1] = grad(f, [0, 1])(x, p);
  expect(g0.toArray()).toEqual([3, 4]);
  expect(g1.b.item()).toBe(2);
  const [v, g] = valueAndGrad((t: Tensor) => t.square().sum())(3);
  expect([v.item(), g.item()]).toEqual([9, 6]);
  const wrong = [
    // @ts-expect-error: a string where f takes a Tensor
    () => grad(f)("x", p),
    // @ts-expect-error: a missing argument
    () => grad(f)(x),
    // @ts-expect-error: the gradient of p has no field c
    () => grad(f, 1)(x, p).c,
    // @ts-expect-error: the gradient of x is a Tensor, not an object of them
    () => grad(f)(x, p).a,
    // @ts-expect-error: valueAndGrad types its arguments too
    () => valueAndGrad(f)(x, { a: x }),
  ];
  expect(wrong).toHaveLength(5);
});
