import { readFileSync } from "node:fs";
import { PhloxError } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import type { Guide, GuideSetup, PotentialModel } from "./guide.js";
import { importanceLogWeights, paretoKHat, psisDiagnostic } from "./psis-diagnostic.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/psis-diagnostic.json", import.meta.url), "utf8")) as {
  khat: Record<string, { logWeights: number[]; khat: number }>;
  autoNormal: { loc: number; y: number; cases: { scale: number; meanKhat: number; sdKhat: number }[] };
};

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const y = fx.autoNormal.y;
// x ~ Normal(0, 1), y ~ Normal(x, 1): U(x) = −log p(y, x)
const model: PotentialModel = {
  dim: 1,
  initialZ: new Float64Array(1),
  potentialFn(z, g) {
    g[0] = z[0] - (y - z[0]);
    return 0.5 * z[0] ** 2 + 0.5 * (y - z[0]) ** 2 + 2 * HALF_LOG_2PI;
  },
};

/** q = Normal(m, s) with parameters x_auto_loc, x_auto_scale (as NumPyro's AutoNormal names them). */
class NormalGuide implements Guide {
  setup(): GuideSetup {
    const z = new Float64Array(1);
    const g = new Float64Array(1);
    return {
      numParams: 2,
      noiseDim: 1,
      initialParams: () => Float64Array.of(0, 0),
      constrainParams: (u) => ({
        x_auto_loc: { data: u.slice(0, 1), shape: [] },
        x_auto_scale: { data: Float64Array.of(Math.exp(u[1])), shape: [] },
      }),
      unconstrainParams: (p) => Float64Array.of(p.x_auto_loc.data[0], Math.log(p.x_auto_scale.data[0])),
      particle(u, eps, grad) {
        const s = Math.exp(u[1]);
        z[0] = u[0] + s * eps[0];
        grad.fill(0);
        return model.potentialFn(z, g) - u[1] - 0.5 * eps[0] ** 2 - HALF_LOG_2PI;
      },
    };
  }
}

describe("psisDiagnostic against NumPyro 0.21 (fixtures/psis-diagnostic.json)", () => {
  for (const [name, c] of Object.entries(fx.khat)) {
    it(`k̂ of fixed log weights (${name}) equals NumPyro's _psis_khat (1e-10)`, () => {
      expect(paretoKHat(Float64Array.from(c.logWeights))).toBeCloseTo(c.khat, 10);
    });
  }

  for (const c of fx.autoNormal.cases) {
    it(`Normal guide of scale ${c.scale} (posterior sd 0.707): mean k̂ over 20 keys as NumPyro's`, () => {
      const params = {
        x_auto_loc: { data: Float64Array.of(fx.autoNormal.loc), shape: [] },
        x_auto_scale: { data: Float64Array.of(c.scale), shape: [] },
      };
      let mean = 0;
      for (let i = 0; i < 20; i++) mean += psisDiagnostic(i, params, model, new NormalGuide()) / 20;
      // the mean of 20 k̂ has a standard error of about sd/√20 ≤ 0.03 on each side
      expect(Math.abs(mean - c.meanKhat)).toBeLessThan(4 * c.sdKhat * Math.sqrt(2 / 20) + 0.02);
    });
  }

  it("weights are log p − log q of the guide's draws; bad input gets a clear error", () => {
    const params = {
      x_auto_loc: { data: Float64Array.of(0.5), shape: [] },
      x_auto_scale: { data: Float64Array.of(Math.SQRT1_2), shape: [] },
    };
    // at the exact posterior every weight is log p(y) = log N(1; 0, √2)
    const lw = importanceLogWeights(3, params, model, new NormalGuide(), [], { numParticles: 50 });
    const logEvidence = -0.25 - 0.5 * Math.log(4 * Math.PI);
    for (const v of lw) expect(v).toBeCloseTo(logEvidence, 10);
    expect(() => psisDiagnostic(0, params, model, new NormalGuide(), [], { numParticles: 1 })).toThrow(
      PhloxError,
    );
    expect(() => psisDiagnostic(0, params, model, new NormalGuide(), [], { numParticles: 1 })).toThrow(
      /numParticles must be an integer of at least 2/,
    );
    expect(paretoKHat(Float64Array.of(0, 1, Number.POSITIVE_INFINITY))).toBe(Number.POSITIVE_INFINITY);
  });
});
