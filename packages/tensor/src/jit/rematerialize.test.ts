import { describe, expect, test, vi } from "vitest";
import { valueAndGrad } from "../autodiff/grad.js";
import { scan } from "../control/scan.js";
import type { Program } from "../core/ir.js";
import type { ScanParams } from "../core/primitive.js";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import * as T from "../index.js";
import { interpretProgram } from "./interpret.js";
import { simplify } from "./simplify.js";

vi.setConfig({ testTimeout: 120_000 });

const scans = (p: Program) => p.eqns.filter((e) => e.primitive === "scan");
const ysCount = (p: Program): number[] =>
  scans(p).map((e) => e.outputs.length - (e.params as ScanParams).numCarry);

describe("simplify recomputes cheap residuals of a scan in the scan that reads them", () => {
  test("GARCH: (y − μ), (y − μ)² and 2σ are recomputed in the reverse scan, not stored; results unchanged", () => {
    const y = tensor(Array.from({ length: 40 }, (_, i) => Math.sin(i * 0.7) * 2));
    const f = (z: Tensor): Tensor => {
      const mu = T.reshape(T.slice(z, [0], [1]), []);
      const a0 = T.exp(T.reshape(T.slice(z, [1], [2]), []));
      const a1 = T.logistic(T.reshape(T.slice(z, [2], [3]), []));
      const [, sig] = scan(
        (prev: Tensor, yPrev: Tensor) => {
          const e = yPrev.sub(mu);
          const s = T.sqrt(a0.add(a1.mul(e.square())).add(prev.square().mul(0.3)));
          return [s, s];
        },
        tensor(0.5),
        y,
      );
      return T.sum(T.log(sig as Tensor));
    };
    const { program } = makeProgram(valueAndGrad(f), [{ shape: [3], dtype: "float64" }]);
    const q = simplify(program);
    const [fwd, rev] = scans(q);
    expect(fwd).toBeDefined();
    expect(rev).toBeDefined();
    // forward stores σ_t and the carry σ_{t−1} only (both anchored: a sqrt and a carry)
    expect(ysCount(q)[0]).toBe(2);
    // the reverse scan reads the data y itself, to recompute e = y − μ
    expect(rev?.inputs.some((a) => "id" in a && fwd?.inputs.some((b) => "id" in b && b.id === a.id))).toBe(
      true,
    );
    const z = new Float64Array([0.3, -0.2, 0.4]);
    const a = interpretProgram(program, [z]);
    const b = interpretProgram(q, [z]);
    a.forEach((v, k) => {
      const w = b[k] as ArrayLike<number>;
      for (let i = 0; i < v.length; i++)
        expect(Math.abs((w[i] as number) - (v[i] as number))).toBeLessThan(
          1e-12 * Math.max(1, Math.abs(v[i] as number)),
        );
    });
  });
});
