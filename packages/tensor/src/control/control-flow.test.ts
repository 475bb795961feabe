import { describe, expect, it } from "vitest";
import {
  cond,
  foriLoop,
  grad,
  hessian,
  interpretProgram,
  jit,
  makeProgram,
  printProgram,
  scan,
  simplify,
  switchCase,
  type Tensor,
  tensor,
  whileLoop,
} from "../index.js";

describe("control flow (eager, interpreter, jit, grad)", () => {
  it("eager", () => {
    const [c, ys] = scan((c: Tensor, x: Tensor) => [c.add(x), c.mul(x)], tensor(0), tensor([1, 2, 3]));
    expect(c.item()).toBe(6);
    expect((ys as Tensor).toArray()).toEqual([0, 2, 9]);
  });
  it("grad", () => {
    const f = (a: Tensor) => {
      const [c] = scan((c: Tensor, x: Tensor) => [c.mul(a).add(x), null], tensor(1), tensor([1, 2, 3]));
      return c;
    };
    expect((grad(f)(tensor(2)) as Tensor).item()).toBe(18);
    const { program } = makeProgram((a: Tensor) => grad(f)(a), [{ shape: [], dtype: "float64" }]);
    expect(printProgram(simplify(program))).toContain("reverse=true");
    expect(interpretProgram(program, [new Float64Array([2])])[0][0]).toBe(18);
    expect((jit(grad(f))(tensor(2)) as Tensor).item()).toBe(18);
    // 6a + 2
    expect((hessian(f)(tensor(2)) as Tensor).item()).toBe(14);
    expect((jit((a: Tensor) => hessian(f)(a))(tensor(2)) as Tensor).item()).toBe(14);
  });
  it("nested + cond + while", () => {
    const f = (a: Tensor) => {
      const [c] = scan(
        (c: Tensor, x: Tensor) => {
          const [ci] = scan((d: Tensor, y: Tensor) => [d.add(y.mul(a)), null], c, x);
          return [
            cond(
              ci.gt(3),
              (u: Tensor) => u.mul(0.5),
              (u: Tensor) => u.mul(a),
              ci,
            ),
            null,
          ];
        },
        tensor(1),
        tensor([
          [1, 2],
          [3, 4],
        ]),
      );
      return c;
    };
    const v = f(tensor(1.5)).item();
    const g = (grad(f)(tensor(1.5)) as Tensor).item();
    const h = 1e-6;
    const fd = (f(tensor(1.5 + h)).item() - f(tensor(1.5 - h)).item()) / (2 * h);
    expect(g).toBeCloseTo(fd, 6);
    expect((jit(f)(tensor(1.5)) as Tensor).item()).toBeCloseTo(v, 12);
    expect((jit(grad(f))(tensor(1.5)) as Tensor).item()).toBeCloseTo(g, 12);
    expect(
      whileLoop(
        (i: Tensor) => i.lt(10),
        (i: Tensor) => i.mul(2),
        tensor(1),
      ).item(),
    ).toBe(16);
    expect(
      jit((x: Tensor) =>
        whileLoop(
          (i: Tensor) => i.lt(10),
          (i: Tensor) => i.mul(x),
          tensor(1),
        ),
      )(tensor(3)).item(),
    ).toBe(27);
    expect(foriLoop(0, 4, (i: Tensor, acc: Tensor) => acc.add(i), tensor(0)).item()).toBe(6);
    expect(switchCase(1, [(x: Tensor) => x.neg(), (x: Tensor) => x.mul(10)], tensor(2)).item()).toBe(20);
  });
});
