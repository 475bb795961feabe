import { expect, test } from "vitest";
import { valueAndGrad } from "../autodiff/grad.js";
import { scan } from "../control/scan.js";
import type { ScanParams } from "../core/primitive.js";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import * as T from "../index.js";
import { interpretProgram } from "./interpret.js";
import { simplify } from "./simplify.js";

test("simplify carries w beside a carry fed back as sqrt(w) and read squared (GARCH), within 1e-14", () => {
  const y = tensor(Array.from({ length: 50 }, (_, i) => Math.sin(i * 0.7) * 2));
  const f = (z: Tensor): Tensor => {
    const mu = T.reshape(T.slice(z, [0], [1]), []);
    const a0 = T.exp(T.reshape(T.slice(z, [1], [2]), []));
    const [, sig] = scan(
      (prev: Tensor, yPrev: Tensor) => {
        const s = T.sqrt(a0.add(yPrev.sub(mu).square().mul(0.2)).add(prev.square().mul(0.7)));
        return [s, s];
      },
      tensor(0.5),
      y,
    );
    return T.sum(
      T.log(sig as Tensor).add(
        y
          .sub(mu)
          .div(sig as Tensor)
          .square(),
      ),
    );
  };
  const { program } = makeProgram(valueAndGrad(f), [{ shape: [2], dtype: "float64" }]);
  const q = simplify(program);
  const fwd = q.eqns.find((e) => e.primitive === "scan") as (typeof q.eqns)[number];
  const p = fwd.params as ScanParams;
  // the squared carry is gone from the body: the recursion reads w, and sqrt feeds only σ
  expect(p.numCarry).toBe(2);
  const body = p.body;
  const c = body.inputs[p.numConsts] as { id: number };
  expect(
    body.eqns.some((e) => e.primitive === "mul" && e.inputs.every((a) => "id" in a && a.id === c.id)),
  ).toBe(false);
  const z = Float64Array.of(0.3, -0.4);
  const [v0, g0] = interpretProgram(program, [z]);
  const [v1, g1] = interpretProgram(q, [z]);
  expect(Math.abs((v1?.[0] as number) - (v0?.[0] as number))).toBeLessThan(
    1e-14 * Math.abs(v0?.[0] as number),
  );
  for (let i = 0; i < 2; i++)
    expect(Math.abs((g1?.[i] as number) - (g0?.[i] as number))).toBeLessThan(
      1e-14 * (1 + Math.abs(g0?.[i] as number)),
    );
});

test("a stored ys turned into an accumulator is not read back by a later scan's recomputed residual", () => {
  // Σ σ_t makes σ's ys an accumulator; the reverse scan's residual 2σ_t must then stay stored.
  const f = (z: Tensor): Tensor =>
    T.sum(
      scan(
        (c: Tensor, x: Tensor) => {
          const s = T.sqrt(c.square().add(x.square()).add(T.exp(z.sum())));
          return [s, s];
        },
        tensor(0.5),
        tensor([1, 2, 3, 4]),
      )[1] as Tensor,
    );
  const { program } = makeProgram(valueAndGrad(f), [{ shape: [2], dtype: "float64" }]);
  const q = simplify(program);
  const defined = new Set<number>([...q.inputs, ...q.constants.map((c) => c.v)].map((v) => v.id));
  for (const e of q.eqns) {
    for (const a of e.inputs) if ("id" in a) expect(defined.has(a.id)).toBe(true);
    for (const v of e.outputs) defined.add(v.id);
  }
  const z = Float64Array.of(0.1, -0.3);
  const [v0, g0] = interpretProgram(program, [z]);
  const [v1, g1] = interpretProgram(q, [z]);
  expect(v1?.[0]).toBeCloseTo(v0?.[0] as number, 12);
  expect(g1?.[1]).toBeCloseTo(g0?.[1] as number, 12);
});
