import type { PotentialModel } from "@phlox/vi";
import { RenyiELBO, TraceELBO, TraceGraphELBO, TraceMeanFieldELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoDelta } from "./auto-delta.js";
import { AutoIAFNormal } from "./auto-iaf-normal.js";
import { AutoLaplaceApproximation } from "./auto-laplace-approximation.js";
import { AutoLowRankMultivariateNormal, AutoMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoDiagonalNormal, AutoNormal } from "./auto-normal.js";

/** A tiny non-Gaussian potential on R³ with an exact gradient (and a Jacobian term for AutoDelta). */
const tiny: PotentialModel = {
  dim: 3,
  initialZ: Float64Array.of(0.3, -0.2, 0.5),
  layout: [
    { name: "a", shape: [], offset: 0, size: 1 },
    { name: "b", shape: [2], offset: 1, size: 2 },
  ],
  potentialFn(z, g) {
    const [x, y, w] = z;
    // U = ½x² + 2(y − x²)² + log cosh(w) + 0.3 x w
    g[0] = x - 8 * x * (y - x * x) + 0.3 * w;
    g[1] = 4 * (y - x * x);
    g[2] = Math.tanh(w) + 0.3 * x;
    return 0.5 * x * x + 2 * (y - x * x) ** 2 + Math.log(Math.cosh(w)) + 0.3 * x * w;
  },
  logJacobianFn(z, g) {
    g[0] = 0;
    g[1] = 0;
    g[2] = 1;
    return z[2];
  },
};

const guides = {
  AutoNormal: () => new AutoNormal(tiny),
  AutoDiagonalNormal: () => new AutoDiagonalNormal(tiny),
  AutoMultivariateNormal: () => new AutoMultivariateNormal(tiny),
  AutoLowRankMultivariateNormal: () => new AutoLowRankMultivariateNormal(tiny, { rank: 2 }),
  AutoDelta: () => new AutoDelta(tiny),
  AutoLaplaceApproximation: () => new AutoLaplaceApproximation(tiny),
  AutoIAFNormal: () => new AutoIAFNormal(tiny, { numFlows: 2, hiddenDims: [4, 5] }),
};
const losses = {
  TraceELBO: () => new TraceELBO({ numParticles: 3 }),
  TraceMeanFieldELBO: () => new TraceMeanFieldELBO({ numParticles: 2 }),
  TraceGraphELBO: () => new TraceGraphELBO(),
  RenyiELBO: () => new RenyiELBO({ alpha: 0.3, numParticles: 4 }),
  "RenyiELBO(alpha=0)": () => new RenyiELBO({ numParticles: 3 }),
};

describe("every ELBO's gradient matches central finite differences of its value (fixed noise key)", () => {
  for (const [gname, makeGuide] of Object.entries(guides)) {
    for (const [lname, makeLoss] of Object.entries(losses)) {
      it(`${lname} with ${gname}`, () => {
        const setup = makeGuide().setup(1, []);
        const obj = makeLoss().build(setup);
        const u = setup.initialParams();
        // move away from the symmetric initial point so every term is exercised
        for (let i = 0; i < u.length; i++) u[i] += 0.1 * Math.sin(3 * i + 1);
        const g = new Float64Array(u.length);
        const gTmp = new Float64Array(u.length);
        const v0 = obj(u, g, 17, 42);
        expect(Number.isFinite(v0)).toBe(true);
        for (let i = 0; i < u.length; i++) {
          const h = 1e-6;
          const up = Float64Array.from(u);
          const um = Float64Array.from(u);
          up[i] += h;
          um[i] -= h;
          const fd = (obj(up, gTmp, 17, 42) - obj(um, gTmp, 17, 42)) / (2 * h);
          expect(Math.abs(g[i] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
        }
      });
    }
  }
});
