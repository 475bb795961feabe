import { compileValueAndGrad } from "@phlox/backend-js";
import { foldIn, normal, split, sum, type Tensor, tensor, uniform, valueAndGrad } from "@phlox/tensor";
import { describe, expect, it } from "vitest";

// FunctionGuide compiles its loss with the PRNG key as a uint32 input; that needs split/foldIn on a traced key.
describe("a loss that derives subkeys from its key input compiles with @phlox/backend-js", () => {
  const P = 3;
  const loss = (u: Tensor, k: Tensor): Tensor => {
    const [kq, kp] = split(k, 2) as [Tensor, Tensor];
    const eps = normal(kq, [P]);
    const w = uniform(foldIn(kp, 5), [P]);
    return sum(u.add(eps).square().mul(w));
  };

  it("generates JavaScript whose value and gradient equal eager autodiff for several keys", () => {
    const compiled = compileValueAndGrad(loss, P, { extraInputs: [{ shape: [2], dtype: "uint32" }] });
    expect(compiled.compiled, "generated JavaScript, not the interpreter").not.toBeNull();
    const c = compiled.fn;
    const u = Float64Array.of(0.3, -1.2, 2);
    for (const key of [Uint32Array.of(0, 1), Uint32Array.of(7, 42), Uint32Array.of(0xffffffff, 123)]) {
      const g = new Float64Array(P);
      const v = c(u, g, key);
      const [ve, ge] = valueAndGrad(loss)(tensor(u), tensor(key)) as unknown as [Tensor, Tensor];
      expect(v).toBeCloseTo(ve.item(), 12);
      Array.from(ge.dataSync() as Float64Array).forEach((x, i) => {
        expect(g[i]).toBeCloseTo(x, 12);
      });
    }
  });
});
