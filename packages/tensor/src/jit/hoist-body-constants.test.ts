import { describe, expect, test, vi } from "vitest";
import { cond } from "../control/cond.js";
import { scan } from "../control/scan.js";
import { whileLoop } from "../control/while-loop.js";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import "../index.js";
import { broadcastTo } from "../primitives/broadcast-to.js";
import { interpretProgram } from "./interpret.js";
import { simplify } from "./simplify.js";

// Heavy on a busy 2-core machine: generous per-test timeout (never a timed test).
vi.setConfig({ testTimeout: 120_000 });

/** A [1, 2] array made of literals only: simplification folds it into a constant inside the body. */
const folded = (): Tensor => broadcastTo(0.5, [2]).reshape([1, 2]);

describe("simplify moves constants folded inside control-flow bodies out to the program", () => {
  test("scan, cond and whileLoop bodies end up without constants, with the same results", () => {
    const f = (h0: Tensor, xs: Tensor, p: Tensor): Tensor[] => {
      const [h, ys] = scan(
        (h: Tensor, x: Tensor) => [h.mul(folded()).add(x), h.sum()] as [Tensor, Tensor],
        h0,
        xs,
      );
      const c = cond(
        p.gt(0),
        (a: Tensor) => a.add(folded()),
        (a: Tensor) => a.sub(folded().mul(3)),
        h,
      ) as Tensor;
      const [w] = whileLoop(
        ([v]: [Tensor]) => v.sum().lt(folded().sum().mul(20)),
        ([v]: [Tensor]) => [v.abs().add(folded())] as [Tensor],
        [c] as [Tensor],
      );
      return [h, ys, c, w];
    };
    const avals = [
      { shape: [1, 2], dtype: "float64" },
      { shape: [4, 1, 2], dtype: "float64" },
      { shape: [], dtype: "float64" },
    ];
    const { program } = makeProgram(f as never, avals);
    const s = simplify(program);
    for (const e of s.eqns) {
      const params = e.params as unknown as Record<string, unknown>;
      const bodies = [params.body, params.cond, ...((params.branches as unknown[]) ?? [])].filter(
        (b): b is { constants: unknown[] } => typeof b === "object" && b !== null && "constants" in b,
      );
      for (const b of bodies) expect(b.constants).toEqual([]);
    }
    expect(s.constants.length).toBeGreaterThan(0);
    const ins = [
      new Float64Array([0.1, -0.2]),
      Float64Array.from({ length: 8 }, (_, i) => i / 10),
      new Float64Array([1]),
    ];
    const a = interpretProgram(program, ins);
    const b = interpretProgram(s, ins);
    a.forEach((x, k) => {
      expect(Array.from(b[k] as Float64Array)).toEqual(Array.from(x as Float64Array));
    });
    const args = [
      tensor([[0.1, -0.2]]),
      tensor(
        Float64Array.from({ length: 8 }, (_, i) => i / 10),
        { shape: [4, 1, 2] },
      ),
      tensor(1),
    ];
    f(...(args as [Tensor, Tensor, Tensor])).forEach((t, k) => {
      expect(Array.from(t.dataSync())).toEqual(Array.from(a[k] as Float64Array));
    });
  });
});
