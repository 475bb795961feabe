import { readFileSync } from "node:fs";
import { Categorical, Dirichlet, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initializeModel, potentialEnergy } from "@phlox/infer";
import { PhloxError, type Tensor, tensor } from "@phlox/tensor";
import type { Params } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoBNAFNormal } from "./auto-bnaf-normal.js";
import type { AutoContinuous } from "./auto-continuous.js";
import { AutoDelta } from "./auto-delta.js";
import { AutoIAFNormal } from "./auto-iaf-normal.js";
import { AutoLowRankMultivariateNormal, AutoMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoDiagonalNormal } from "./auto-normal.js";
import { NeuTraReparam } from "./neutra-reparam.js";

interface Case {
  params: Record<string, { data: number[]; shape: number[] }>;
  rows: { z: number[]; potential: number; sites: Record<string, number[]> }[];
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/neutra.json", import.meta.url), "utf8")) as Record<
  string,
  Case
>;

// NumPyro's test_reparam.py models
function nealsFunnel(dim: number): void {
  const y = sample("y", new Normal(0, 3));
  plate("D", dim, () => sample("x", new Normal(0, y.div(2).exp())));
}
function dirichletCategorical(data: Tensor): void {
  const p = sample("p", new Dirichlet(tensor([1, 1, 1])));
  plate("N", data.shape[0], () => sample("obs", new Categorical(p), { obs: data }));
}
const models: Record<string, [(...a: never[]) => void, unknown[]]> = {
  funnel: [nealsFunnel as (...a: never[]) => void, [4]],
  dirichletCategorical: [
    dirichletCategorical as (...a: never[]) => void,
    [tensor(Int32Array.from([0, 1, 1, 2, 1, 1, 0, 1, 2, 1]), { dtype: "int32" })],
  ],
};
const guides: Record<string, (m: unknown) => AutoContinuous> = {
  AutoDiagonalNormal: (m) => new AutoDiagonalNormal(m),
  AutoMultivariateNormal: (m) => new AutoMultivariateNormal(m),
};
const toParams = (p: Case["params"]): Params =>
  Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }]),
  );
const num = (t: Tensor): number => (t.dataSync() as Float64Array)[0];

describe("NeuTraReparam against NumPyro 0.21 (fixtures/neutra.json)", () => {
  for (const [key, c] of Object.entries(fx)) {
    const [mname, gname] = key.split("/");
    it(`${mname} with ${gname}: the warped model's potential and transformSample equal NumPyro's (1e-10)`, () => {
      const [model, args] = models[mname];
      const guide = guides[gname](model);
      guide.setup(0, args);
      const neutra = new NeuTraReparam(guide, toParams(c.params));
      const warped = neutra.reparam(model);
      for (const r of c.rows) {
        const z = tensor(r.z);
        expect(
          num(potentialEnergy(warped as (...a: unknown[]) => void, args, { auto_shared_latent: z })),
        ).toBeCloseTo(r.potential, 10);
        const sites = neutra.transformSample(z);
        for (const [name, v] of Object.entries(r.sites)) {
          Array.from(sites[name].dataSync() as Float64Array).forEach((x, i) => {
            expect(x).toBeCloseTo(v[i], 10);
          });
        }
      }
    });
  }

  it("with AutoIAFNormal, AutoBNAFNormal and AutoLowRankMultivariateNormal: U_warped(ε) = U(T(ε)) − log|det J_T(ε)| (test_reparam_log_joint)", () => {
    for (const make of [
      (m: unknown) => new AutoIAFNormal(m, { numFlows: 2 }),
      (m: unknown) => new AutoBNAFNormal(m, { hiddenFactors: [2, 2] }),
      (m: unknown) => new AutoLowRankMultivariateNormal(m, { rank: 2 }),
    ]) {
      const guide = make(nealsFunnel);
      const setup = guide.setup(0, [4]);
      const u = setup.initialParams();
      for (let i = 0; i < u.length; i++) u[i] += 0.1 * Math.sin(3 * i + 1);
      const params = setup.constrainParams(u);
      const neutra = new NeuTraReparam(guide, params);
      const warped = neutra.reparam(nealsFunnel);
      const info = initializeModel(0, nealsFunnel, [4]);
      const eps = tensor([0.3, -0.7, 1.1, 0.2, -0.4]);
      const [x, logDet] = neutra.transform.apply(eps);
      if (!(guide instanceof AutoLowRankMultivariateNormal)) {
        // T and log|det J| agree with the flows' own sampler: log q(T(ε)) = log N(ε) − log|det J|
        const zs = new Float64Array(5);
        const lq = (
          guide as unknown as {
            bound: {
              family: { forward(u: Float64Array, e: Float64Array, z: Float64Array, m: string): number };
            };
          }
        ).bound.family.forward(
          setup.unconstrainParams(params),
          Float64Array.from(eps.dataSync() as Float64Array),
          zs,
          "elbo",
        );
        Array.from(x.dataSync() as Float64Array).forEach((v, i) => {
          expect(v).toBeCloseTo(zs[i], 10);
        });
        const logN =
          -2.5 * Math.log(2 * Math.PI) -
          0.5 * (eps.dataSync() as Float64Array).reduce((a, v) => a + v * v, 0);
        expect(lq).toBeCloseTo(logN - num(logDet), 9);
      }
      const g = new Float64Array(5);
      const expected = info.potentialFn(Float64Array.from(x.dataSync() as Float64Array), g) - num(logDet);
      const got = num(potentialEnergy(warped as (...a: unknown[]) => void, [4], { auto_shared_latent: eps }));
      expect(got).toBeCloseTo(expected, 9);
      // and the warped model compiles for MCMC: one latent site, the shared latent
      const winfo = initializeModel(1, warped as (...a: unknown[]) => void, [4]);
      expect(winfo.layout.map((l) => [l.name, l.shape])).toEqual([["auto_shared_latent", [5]]]);
      expect(winfo.potentialFn(Float64Array.from(eps.dataSync() as Float64Array), g)).toBeCloseTo(
        expected,
        9,
      );
      expect(neutra.transformSample(tensor(new Float64Array(10), { shape: [2, 5] })).x.shape).toEqual([2, 4]);
    }
  });

  it("refuses guides without a transform and latent draws of the wrong size", () => {
    const d = new AutoDelta(nealsFunnel);
    const s = d.setup(0, [4]);
    expect(() => new NeuTraReparam(d, s.constrainParams(s.initialParams()))).toThrow(/no transform/);
    expect(() => new NeuTraReparam({} as AutoContinuous, {})).toThrow(PhloxError);
    const g = new AutoDiagonalNormal(nealsFunnel);
    const gs = g.setup(0, [4]);
    const neutra = new NeuTraReparam(g, gs.constrainParams(gs.initialParams()));
    expect(() => neutra.transformSample(tensor([1, 2]))).toThrow(/expected draws of shape \[\.\.\., 5\]/);
  });
});
