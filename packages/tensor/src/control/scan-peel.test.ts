import { describe, expect, test, vi } from "vitest";
import { grad } from "../autodiff/grad.js";
import type { Program } from "../core/ir.js";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import "../index.js";
import { interpretProgram } from "../jit/interpret.js";
import { simplify } from "../jit/simplify.js";
import { reshape } from "../primitives/reshape.js";
import { slice } from "../primitives/slice.js";
import { scan } from "./scan.js";

vi.setConfig({ testTimeout: 120_000 });

/** A carry `k` whose next value depends on the consts only (as an enumerated scan's carried support). */
const body =
  (w: Tensor) =>
  ([a, k]: [Tensor, Tensor], x: Tensor): [[Tensor, Tensor], Tensor] => {
    const g = w.mul(k).exp().log(); // depends on the carry k: loop-invariant from the second step on
    const a2 = a.add(g.mul(x));
    return [[a2, w.mul(2)], a2.sum()];
  };
const run = (w: Tensor, xs: Tensor): Tensor => {
  const [[a], ys] = scan(body(w), [tensor([0, 0]), tensor([1, 1])] as [Tensor, Tensor], xs);
  return a.sum().add(ys.sum());
};
/** The same recursion unrolled in JavaScript (the reference). */
const unrolled = (w: Tensor, xs: Tensor): Tensor => {
  let c: [Tensor, Tensor] = [tensor([0, 0]), tensor([1, 1])];
  let total: Tensor = tensor(0);
  for (let t = 0; t < (xs.shape[0] as number); t++) {
    const [n, y] = body(w)(c, reshape(slice(xs, [t, 0], [t + 1, 2]), [2]));
    c = n;
    total = total.add(y);
  }
  return c[0].sum().add(total);
};

const scans = (p: Program): { numCarry: number; eqns: number }[] =>
  p.eqns
    .filter((e) => e.primitive === "scan")
    .map((e) => {
      const q = e.params as { numCarry: number; body: Program };
      return { numCarry: q.numCarry, eqns: q.body.eqns.length };
    });

describe("scan peels its first step when a carry is loop-invariant after it", () => {
  const w = tensor([0.3, -0.7]);
  const xs = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
  ]);
  test("value and gradient equal the unrolled loop's", () => {
    expect(run(w, xs).item()).toBeCloseTo(unrolled(w, xs).item(), 12);
    const g1 = grad((v: Tensor) => run(v, xs))(w).toArray() as number[];
    const g2 = grad((v: Tensor) => unrolled(v, xs))(w).toArray() as number[];
    g1.forEach((g, i) => {
      expect(g).toBeCloseTo(g2[i] as number, 10);
    });
  });
  test("the invariant carry becomes a const and its work leaves the loop", () => {
    const { program } = makeProgram(run as never, [
      { shape: [2], dtype: "float64" },
      { shape: [4, 2], dtype: "float64" },
    ]);
    const s = simplify(program);
    const [loop] = scans(s);
    expect(loop?.numCarry).toBe(1); // only `a` is carried
    // exp/log of w·k run once, outside: the body keeps the multiply-add of the recursion and the sum
    const eq = s.eqns.find((e) => e.primitive === "scan");
    const bodyPrims = (eq?.params as { body: Program } | undefined)?.body.eqns.map((e) => e.primitive) ?? [];
    expect(bodyPrims.length).toBeGreaterThan(0);
    expect(bodyPrims).not.toContain("exp");
    const ins = [new Float64Array([0.3, -0.7]), Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8])];
    expect(interpretProgram(s, ins)[0]?.[0]).toBeCloseTo(unrolled(w, xs).item(), 12);
  });
});
