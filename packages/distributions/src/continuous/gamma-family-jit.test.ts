import { jit, key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import type { Distribution } from "../distribution.js";
import { values } from "../internal/ops.js";
import { Dirichlet } from "../multivariate/dirichlet.js";
import { Beta } from "./beta.js";
import { Chi2 } from "./chi2.js";
import { Gamma } from "./gamma.js";
import { InverseGamma } from "./inverse-gamma.js";
import { StudentT } from "./student-t.js";

// Gamma draws are built from tensor primitives (@phlox/tensor's gamma), so every Gamma-based sampler stages.
const builders: [string, (a: Tensor) => Distribution][] = [
  ["Gamma", (a) => new Gamma(a, 2)],
  ["Beta", (a) => new Beta(a, 1.5)],
  ["InverseGamma", (a) => new InverseGamma(a, 1)],
  ["Chi2", (a) => new Chi2(a)],
  ["StudentT", (a) => new StudentT(a, 0, 1)],
  ["Dirichlet", (a) => new Dirichlet(a)],
];

describe("Gamma-based samplers run under jit with a traced key and parameters", () => {
  const alpha = tensor([0.3, 1, 4]);
  for (const [name, build] of builders) {
    it(`${name}.sample and rsample under jit draw the same numbers as eagerly`, () => {
      for (const m of ["sample", "rsample"] as const) {
        const draw = (k: Tensor, a: Tensor): Tensor => build(a)[m](k, [5]);
        const staged = jit(draw);
        const eager = values(draw(key(3), alpha));
        expect(eager.every(Number.isFinite)).toBe(true);
        expect(values(staged(key(3), alpha))).toEqual(eager);
      }
    });
  }
});
