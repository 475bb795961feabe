import { Normal } from "@phlox/distributions";
import { sample } from "@phlox/handlers";
import { Predictive } from "@phlox/infer";
import { PhloxError } from "@phlox/tensor";
import { Adam, exponentialDecay, type Params, SVI, TraceELBO, TraceMeanFieldELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoBNAFNormal } from "./auto-bnaf-normal.js";
import { BnafFamily } from "./internal/bnaf-family.js";
import { gaussianPotential } from "./testing/potentials.js";

/** A Float64Array copy of a tensor's elements. */
const f64 = (t: { dataSync(): ArrayLike<number> }): Float64Array => Float64Array.from(t.dataSync());

describe("AutoBNAFNormal", () => {
  it("the flow's log|det J| equals that of a finite-difference Jacobian", () => {
    const D = 3;
    const fam = new BnafFamily(D, 2, [2, 3]);
    const u = new Float64Array(fam.numParams);
    fam.init(new Float64Array(D), u);
    for (let i = 0; i < u.length; i++) u[i] += 0.2 * Math.sin(7 * i);
    const eps = Float64Array.of(0.3, -0.7, 1.1);
    const z = new Float64Array(D);
    const lq = fam.forward(u, eps, z, "elbo");
    const logN = -1.5 * Math.log(2 * Math.PI) - 0.5 * (0.09 + 0.49 + 1.21);
    const J = new Float64Array(D * D);
    const zp = new Float64Array(D);
    const zm = new Float64Array(D);
    for (let j = 0; j < D; j++) {
      const ep = Float64Array.from(eps);
      const em = Float64Array.from(eps);
      ep[j] += 1e-6;
      em[j] -= 1e-6;
      fam.forward(u, ep, zp, "elbo");
      fam.forward(u, em, zm, "elbo");
      for (let i = 0; i < D; i++) J[i * D + j] = (zp[i] - zm[i]) / 2e-6;
    }
    const det =
      J[0] * (J[4] * J[8] - J[5] * J[7]) -
      J[1] * (J[3] * J[8] - J[5] * J[6]) +
      J[2] * (J[3] * J[7] - J[4] * J[6]);
    expect(Math.abs(logN - lq - Math.log(Math.abs(det)))).toBeLessThan(1e-6);
  });

  it("its ELBO gradients match finite differences", () => {
    const model = gaussianPotential([0.5, -1, 2], [2, 0.5, 0, 0.5, 1, 0.2, 0, 0.2, 1.5]);
    const setup = new AutoBNAFNormal(model, { numFlows: 2, hiddenFactors: [2] }).setup(0, []);
    for (const loss of [new TraceELBO({ numParticles: 2 }), new TraceMeanFieldELBO()]) {
      const obj = loss.build(setup);
      const u = setup.initialParams().map((v, i) => v + 0.1 * Math.cos(i));
      const g = new Float64Array(u.length);
      const tmp = new Float64Array(u.length);
      obj(u, g, 8, 9);
      for (let i = 0; i < u.length; i += 5) {
        const up = Float64Array.from(u);
        const um = Float64Array.from(u);
        up[i] += 1e-6;
        um[i] -= 1e-6;
        const fd = (obj(up, tmp, 8, 9) - obj(um, tmp, 8, 9)) / 2e-6;
        expect(Math.abs(g[i] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it("refuses params with a flow's weights but not its _gate (fitted by an earlier version): refit them", () => {
    const model = gaussianPotential([0.5, -1], [1, 0, 0, 1]);
    const guide = new AutoBNAFNormal(model, { numFlows: 3, hiddenFactors: [2] });
    const setup = guide.setup(0, []);
    const full = setup.constrainParams(setup.initialParams());
    expect(Object.keys(full).filter((k) => k.endsWith("_gate"))).toEqual([
      "auto_arn__0_gate",
      "auto_arn__1_gate",
    ]);
    // what an earlier version saved: every network parameter, no gates
    const old: Params = Object.fromEntries(Object.entries(full).filter(([k]) => !k.endsWith("_gate")));
    const uses: [string, () => unknown][] = [
      ["samplePosterior", () => guide.samplePosterior(1, old, { sampleShape: [2] })],
      ["median", () => guide.median(old)],
      ["quantiles", () => guide.quantiles(old, [0.5])],
      ["getTransform", () => guide.getTransform(old)],
      ["SVI initParams", () => new SVI(model, guide, new Adam(0.01), new TraceELBO()).initWith(0, [], old)],
    ];
    for (const [what, use] of uses) {
      let err: unknown;
      try {
        use();
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(PhloxError);
      expect((err as PhloxError).code, what).toBe("autoguide-missing-param");
      expect((err as Error).message, what).toMatch(
        /parameter "auto_arn__0_gate" is missing, but auto_arn__0_W0/,
      );
      expect((err as Error).message, what).toMatch(/earlier version of AutoBNAFNormal .* refit them/);
    }
    // Predictive with guide.asFunction(): the missing gate would otherwise start at its initial value
    const sites = () => {
      sample("a", new Normal(0, 1));
      sample("b", new Normal(1, 2));
    };
    const g2 = new AutoBNAFNormal(sites, { numFlows: 2, hiddenFactors: [2] });
    const s2 = g2.setup(0, []);
    const full2 = s2.constrainParams(s2.initialParams());
    const { auto_arn__0_gate: _g, ...old2 } = full2;
    expect(() =>
      new Predictive(sites, { guide: g2.asFunction(), params: old2, numSamples: 2 }).run(1),
    ).toThrow(/AutoBNAFNormal.asFunction: parameter "auto_arn__0_gate" is missing/);
    expect(() =>
      new Predictive(sites, { guide: g2.asFunction(), params: full2, numSamples: 2 }).run(1),
    ).not.toThrow();
    // only the second gate missing: named
    const { auto_arn__1_gate: _, ...noSecond } = full;
    expect(() => guide.median(noSecond)).toThrow(/"auto_arn__1_gate" is missing/);
    // complete params, and params that leave a gated flow's weights out, are accepted
    expect(() => guide.median(full)).not.toThrow();
    expect(() => guide.median({ auto_arn__2_b0: full.auto_arn__2_b0 })).not.toThrow();
  });

  it("fits a correlated Gaussian posterior (mean within 0.15 sd, sd within 15%)", () => {
    const corr = gaussianPotential([0.7, -1.3], [2, 0.8, 0.8, 1]);
    const det = 2 - 0.64;
    const sd = [Math.sqrt(1 / det), Math.sqrt(2 / det)];
    const guide = new AutoBNAFNormal(corr, { hiddenFactors: [4] });
    const svi = new SVI(
      corr,
      guide,
      new Adam(exponentialDecay(0.02, 1500, 0.05)),
      new TraceELBO({ numParticles: 4 }),
    );
    const { params } = svi.run(0, 1500);
    const draws = f64(guide.samplePosterior(4, params, { sampleShape: [2000] }).theta);
    for (let i = 0; i < 2; i++) {
      const col = Float64Array.from({ length: 2000 }, (_, k) => draws[2 * k + i]);
      const m = col.reduce((a, v) => a + v, 0) / 2000;
      const s = Math.sqrt(col.reduce((a, v) => a + (v - m) ** 2, 0) / 1999);
      expect(Math.abs(m - [0.7, -1.3][i])).toBeLessThan(0.15 * sd[i]);
      expect(Math.abs(s / sd[i] - 1)).toBeLessThan(0.15);
    }
  }, 60_000);
});
