import { ConstraintError, key, PhloxError, ShapeError } from "@phlox/tensor";
import { Adam, RenyiELBO, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoBNAFNormal } from "./auto-bnaf-normal.js";
import { AutoGuideList } from "./auto-guide-list.js";
import { AutoIAFNormal } from "./auto-iaf-normal.js";
import { AutoLaplaceApproximation } from "./auto-laplace-approximation.js";
import { AutoLowRankMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoDiagonalNormal, AutoNormal } from "./auto-normal.js";
import { gaussianPotential } from "./testing/potentials.js";

// One error root: bad input to the public entries of @phlox/vi, @phlox/autoguide and the random-key parsing of
// @phlox/tensor throws a PhloxError subclass with a stable code (never a bare Error/RangeError/TypeError).
const model = gaussianPotential([0, 0], [1, 0, 0, 1]);
const model1 = gaussianPotential([0], [1]);
const svi = () => new SVI(model, new AutoNormal(model), new Adam(0.01), new TraceELBO());
const setUp = () => {
  const g = new AutoDiagonalNormal(model);
  g.setup(0, []);
  return g;
};

const cases: [string, () => unknown, typeof PhloxError, string][] = [
  ["new RenyiELBO({ alpha: 1 })", () => new RenyiELBO({ alpha: 1 }), ConstraintError, "renyi-alpha"],
  [
    "new RenyiELBO({ numParticles: 0 })",
    () => new RenyiELBO({ numParticles: 0 }),
    ConstraintError,
    "num-particles",
  ],
  [
    "new TraceELBO({ numParticles: 1.5 })",
    () => new TraceELBO({ numParticles: 1.5 }),
    ConstraintError,
    "num-particles",
  ],
  [
    "new SVI(model, {}, ...)",
    () => new SVI(model, {} as never, new Adam(0.01), new TraceELBO()),
    PhloxError,
    "svi-bad-guide",
  ],
  [
    "new SVI(..., optim: {})",
    () => new SVI(model, new AutoNormal(model), {} as never, new TraceELBO()),
    PhloxError,
    "svi-bad-optim",
  ],
  [
    "new SVI(..., loss: {})",
    () => new SVI(model, new AutoNormal(model), new Adam(0.01), {} as never),
    PhloxError,
    "svi-bad-loss",
  ],
  ["svi.run(k, -1)", () => svi().run(0, -1), ConstraintError, "svi-num-steps"],
  ["svi.getParams before init", () => svi().getParams({} as never), PhloxError, "svi-not-initialized"],
  ["svi.run with a seed of -1", () => svi().run(-1, 1), ConstraintError, "bad-seed"],
  ["key tensor of the wrong length", () => svi().run([1, 2, 3] as never, 1), ShapeError, "bad-key"],
  [
    "new AutoNormal(m, { initScale: 0 })",
    () => new AutoNormal(model, { initScale: 0 }),
    ConstraintError,
    "autoguide-init-scale",
  ],
  [
    "new AutoNormal(42).setup",
    () => new AutoNormal(42 as never).setup(0, []),
    PhloxError,
    "autoguide-bad-model",
  ],
  ["median before setup", () => new AutoNormal(model).median({}), PhloxError, "autoguide-not-setup"],
  [
    "median with an unknown param",
    () => setUp().median({ nope: { data: new Float64Array(2), shape: [2] } }),
    PhloxError,
    "unknown-param",
  ],
  ["quantiles([1.5])", () => setUp().quantiles({}, [1.5]), ConstraintError, "autoguide-quantile"],
  [
    "new AutoIAFNormal(m, { numFlows: 0 })",
    () => new AutoIAFNormal(model, { numFlows: 0 }),
    ConstraintError,
    "autoguide-num-flows",
  ],
  [
    "AutoIAFNormal on a 1-d model",
    () => new AutoIAFNormal(model1).setup(0, []),
    PhloxError,
    "autoguide-dim-too-small",
  ],
  [
    "new AutoBNAFNormal(m, { hiddenFactors: [0] })",
    () => new AutoBNAFNormal(model, { hiddenFactors: [0] }),
    ConstraintError,
    "autoguide-hidden-dims",
  ],
  [
    "AutoBNAFNormal (2 flows).median with flow 0's weights but no auto_arn__0_gate",
    () => {
      const g = new AutoBNAFNormal(model, { numFlows: 2, hiddenFactors: [1] });
      const s = g.setup(0, []);
      const { auto_arn__0_gate: _, ...old } = s.constrainParams(s.initialParams());
      return g.median(old);
    },
    PhloxError,
    "autoguide-missing-param",
  ],
  [
    "new AutoLowRankMultivariateNormal(m, { rank: 0 })",
    () => new AutoLowRankMultivariateNormal(model, { rank: 0 }),
    ConstraintError,
    "autoguide-rank",
  ],
  [
    "AutoGuideList.append(AutoLaplaceApproximation)",
    () => new AutoGuideList(model).append(new AutoLaplaceApproximation(model)),
    PhloxError,
    "guide-list-laplace",
  ],
  ["empty AutoGuideList.setup", () => new AutoGuideList(model).setup(0, []), PhloxError, "guide-list-empty"],
];

describe("bad input throws a PhloxError with a stable code", () => {
  it.each(cases)("%s", (_name, fn, cls, code) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(cls);
    expect((caught as PhloxError).code).toBe(code);
  });
  it("key() itself is still fine", () => {
    expect(() => key(0)).not.toThrow();
  });
});
