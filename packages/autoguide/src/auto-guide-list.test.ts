import { PhloxError } from "@phlox/tensor";
import { Adam, exponentialDecay, type PotentialModel, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoDelta } from "./auto-delta.js";
import { AutoGuideList } from "./auto-guide-list.js";
import { AutoLaplaceApproximation } from "./auto-laplace-approximation.js";
import { AutoMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoNormal } from "./auto-normal.js";

/** A Float64Array copy of a tensor's elements. */
const f64 = (t: { dataSync(): ArrayLike<number> }): Float64Array => Float64Array.from(t.dataSync());

// z = [a (1), b (2)], posterior N(m, Λ⁻¹) with a independent of b and b correlated: Λ = diag(4) ⊕ [[2, .8], [.8, 1]]
const m = [1, 0.7, -1.3];
const Lam = [4, 0, 0, 0, 2, 0.8, 0, 0.8, 1];
const model: PotentialModel = {
  dim: 3,
  initialZ: new Float64Array(3),
  layout: [
    { name: "a", shape: [], offset: 0, size: 1 },
    { name: "b", shape: [2], offset: 1, size: 2 },
  ],
  potentialFn(z, g) {
    let u = 0;
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += Lam[i * 3 + j] * (z[j] - m[j]);
      g[i] = s;
      u += 0.5 * (z[i] - m[i]) * s;
    }
    return u;
  },
};

describe("AutoGuideList", () => {
  it("a Delta part and an MVN part recover the mode of a and the exact posterior of b", () => {
    const guide = new AutoGuideList(model)
      .append(new AutoDelta(model), { sites: ["a"] })
      .append(new AutoMultivariateNormal(model));
    const svi = new SVI(
      model,
      guide,
      new Adam(exponentialDecay(0.02, 4000, 0.02)),
      new TraceELBO({ numParticles: 32 }),
    );
    const { params } = svi.run(0, 4000);
    expect(Object.keys(params).sort()).toEqual(["a_auto_loc", "auto_loc", "auto_scale_tril"]);
    expect(params.a_auto_loc.dataSync()[0]).toBeCloseTo(1, 2);
    expect(params.auto_loc.shape).toEqual([2]);
    const det = 2 - 0.64;
    const sd = [Math.sqrt(1 / det), Math.sqrt(2 / det)];
    const L = params.auto_scale_tril.dataSync();
    const s0 = Math.abs(L[0]);
    const s1 = Math.sqrt(L[2] ** 2 + L[3] ** 2);
    expect(Math.abs(s0 / sd[0] - 1)).toBeLessThan(0.03);
    expect(Math.abs(s1 / sd[1] - 1)).toBeLessThan(0.03);
    const draws = guide.samplePosterior(1, params, { sampleShape: [4] });
    expect(draws.a.shape).toEqual([4]);
    expect(draws.b.shape).toEqual([4, 2]);
    expect(Array.from(f64(draws.a)).every((v) => v === params.a_auto_loc.dataSync()[0])).toBe(true);
    expect(f64(guide.median(params).b)[1]).toBeCloseTo(params.auto_loc.dataSync()[1], 12);
  });

  it("its gradient matches finite differences (the composite family's chain rule)", () => {
    const guide = new AutoGuideList(model)
      .append(new AutoNormal(model), { sites: ["b"] })
      .append(new AutoMultivariateNormal(model));
    const setup = guide.setup(0, []);
    const obj = new TraceELBO({ numParticles: 2 }).build(setup);
    const u = setup.initialParams().map((v, i) => v + 0.1 * Math.sin(i + 1));
    const g = new Float64Array(u.length);
    const tmp = new Float64Array(u.length);
    obj(u, g, 5, 6);
    for (let i = 0; i < u.length; i++) {
      const up = Float64Array.from(u);
      const um = Float64Array.from(u);
      up[i] += 1e-6;
      um[i] -= 1e-6;
      const fd = (obj(up, tmp, 5, 6) - obj(um, tmp, 5, 6)) / 2e-6;
      expect(Math.abs(g[i] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
    const p = setup.constrainParams(u);
    const back = setup.unconstrainParams(p);
    for (let i = 0; i < u.length; i++) expect(back[i]).toBeCloseTo(u[i], 10);
  });

  it("configuration errors name the problem", () => {
    expect(() => new AutoGuideList(model).setup(0, [])).toThrow(/append at least one/);
    expect(() => new AutoGuideList(model).append(new AutoLaplaceApproximation(model))).toThrow(PhloxError);
    expect(() =>
      new AutoGuideList(model)
        .append(new AutoNormal(model), { sites: ["nope"] })
        .append(new AutoNormal(model))
        .setup(0, []),
    ).toThrow(/"nope" is not a latent site/);
    expect(() =>
      new AutoGuideList(model)
        .append(new AutoMultivariateNormal(model), { sites: ["a"] })
        .append(new AutoMultivariateNormal(model))
        .setup(0, []),
    ).toThrow(/distinct prefixes/);
    expect(() =>
      new AutoGuideList(model).append(new AutoNormal(model), { sites: ["a"] }).setup(0, []),
    ).toThrow(/"?b"? ?|no part covers/);
  });
});
