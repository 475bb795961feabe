import { readFileSync } from "node:fs";
import { Bernoulli, Beta, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initToMedian } from "@phlox/infer";
import { PhloxError, type Tensor, tensor } from "@phlox/tensor";
import { Adam, type Params, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoDAIS } from "./auto-dais.js";
import { AutoGuideList } from "./auto-guide-list.js";
import { gaussianPotential } from "./testing/potentials.js";

interface DaisCase {
  params: Record<string, { data: number[]; shape: number[] }>;
  xi: number[];
  zK: number[];
  logQ0: number;
  factor: number;
  U: number;
  loss: number;
  gradUnconstrained?: Record<string, number[]>;
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/dais.json", import.meta.url), "utf8")) as {
  data: number[][];
  K: number;
  diagonal: DaisCase;
  cholesky: DaisCase;
  fit: { trueCoefs: number[]; posteriorMean: number[] };
};

// NumPyro's test_beta_bernoulli model
const data = tensor(fx.data.flat(), { shape: [10, 2] });
function model(d: Tensor): void {
  const f = sample("beta", new Beta(tensor([1, 1]), tensor([1, 1])).toEvent(1));
  plate("N", 10, () => sample("obs", new Bernoulli(f).toEvent(1), { obs: d }));
}

const toParams = (p: DaisCase["params"]): Params =>
  Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }]),
  );

describe("AutoDAIS against NumPyro 0.21 (fixtures/dais.json)", () => {
  for (const base of ["diagonal", "cholesky"] as const) {
    it(`${base} base: the particle loss U(z_K) + log q₀(z₀) + factor at fixed parameters and noise (1e-9)`, () => {
      const c = fx[base];
      const guide = new AutoDAIS(model, { K: fx.K, baseDist: base });
      const setup = guide.setup(0, [data]);
      const p = setup.constrainParams(setup.initialParams());
      expect(Object.keys(p)).toEqual(Object.keys(c.params));
      const u = setup.unconstrainParams(toParams(c.params));
      const grad = new Float64Array(setup.numParams);
      expect(setup.noiseDim).toBe(2 * (fx.K + 1));
      const loss = setup.particle(u, Float64Array.from(c.xi), grad, "elbo", 0, 0);
      expect(loss).toBeCloseTo(c.loss, 9);
      if (c.gradUnconstrained) {
        // the gradient through the whole chain (second derivatives of the potential) equals jax.grad's
        let off = 0;
        for (const name of Object.keys(c.params)) {
          const g = c.gradUnconstrained[name];
          for (let i = 0; i < g.length; i++) expect(grad[off + i]).toBeCloseTo(g[i], 8);
          off += g.length;
        }
        expect(off).toBe(setup.numParams);
      }
    });
  }

  it("initial parameters are NumPyro's (eta0 0.01, gamma 0.9, ones, initScale)", () => {
    const setup = new AutoDAIS(model, { K: 3 }).setup(0, [data]);
    const p = setup.constrainParams(setup.initialParams());
    expect(p.auto_eta0.data[0]).toBeCloseTo(0.01, 12);
    expect(p.auto_eta_coeff.data[0]).toBe(0);
    expect(p.auto_gamma.data[0]).toBeCloseTo(0.9, 12);
    expect(Array.from(p.auto_beta_increments.data)).toEqual([1, 1, 1]);
    expect(Array.from(p.auto_mass_matrix.data)).toEqual([1, 1]);
    expect(Array.from(p.auto_z_0_scale.data).map((v) => +v.toFixed(12))).toEqual([0.1, 0.1]);
  });

  it("NumPyro's test_beta_bernoulli fit: posterior mean within 0.05 of the truth and of NumPyro's", () => {
    const guide = new AutoDAIS(model, { initLocFn: initToMedian({ numSamples: 2 }), baseDist: "cholesky" });
    const svi = new SVI(model, guide, new Adam(0.01), new TraceELBO());
    const { params } = svi.run(1, 3000, data);
    const beta = guide.samplePosterior(2, params, { sampleShape: [2000] }).beta;
    const d = beta.dataSync() as Float64Array;
    for (let j = 0; j < 2; j++) {
      let m = 0;
      for (let n = 0; n < 2000; n++) m += d[n * 2 + j] / 2000;
      expect(Math.abs(m - fx.fit.trueCoefs[j])).toBeLessThan(0.05);
      expect(Math.abs(m - fx.fit.posteriorMean[j])).toBeLessThan(0.05);
    }
  }, 120_000);

  it("refuses bad options, subsampling, PotentialModels and AutoGuideList, as NumPyro does", () => {
    expect(() => new AutoDAIS(model, { K: 0 })).toThrow(/K must be an integer ≥ 1/);
    expect(() => new AutoDAIS(model, { etaInit: 0.2 })).toThrow(/etaInit must be positive and below etaMax/);
    expect(() => new AutoDAIS(model, { gammaInit: 1 })).toThrow(/gammaInit/);
    expect(() => new AutoDAIS(model, { baseDist: "full" as "diagonal" })).toThrow(/baseDist/);
    // NumPyro's test_autodais_subsampling_error
    const sub = (d: Tensor): void => {
      const f = sample("beta", new Beta(1, 1));
      plate("plate", 20, () => sample("obs", new Bernoulli(f), { obs: d }), { subsampleSize: 10 });
    };
    let err: unknown;
    try {
      new AutoDAIS(sub).setup(1, [tensor([1, 1, 1, 1, 1, 1, 1, 1, 0, 0])]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PhloxError);
    expect((err as PhloxError).code).toBe("autoguide-dais-subsample");
    expect((err as Error).message).toMatch(/data subsampling/);
    expect(() => new AutoDAIS(gaussianPotential([0], [1])).setup(0, [])).toThrow(/needs the model function/);
    const list = new AutoGuideList((): void => {
      sample("x", new Normal(0, 1));
    });
    list.append(new AutoDAIS((): void => {}));
    expect(() => list.setup(0, [])).toThrow(
      /AutoDAIS, AutoSemiDAIS, and AutoSurrogateLikelihoodDAIS are not supported/,
    );
  });
});
