/**
 * AutoLaplaceApproximation (covariance, transform, median and quantiles with NumPyro's exact Hessian and with
 * the default finite-difference one), the initial parameters under deterministic init strategies, and the flow
 * guides (IAF, BNAF) at fixed network weights, against NumPyro 0.21 (fixtures/guide-edge.json, written by
 * scripts/guide_edge_fixtures.py); then the fixes this audit found. Tolerance 1e-9 relative wherever both sides
 * are float64 closed forms; looser, and said why, where Phlox differs by design (finite-difference Hessian).
 */
import { ImproperUniform, Normal, orderedVector } from "@phlox/distributions";
import { factor, sample } from "@phlox/handlers";
import { initToFeasible, initToMean, initToValue } from "@phlox/infer";
import { ndtriScalar, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { AutoBNAFNormal } from "./auto-bnaf-normal.js";
import type { AutoContinuous } from "./auto-continuous.js";
import { AutoIAFNormal } from "./auto-iaf-normal.js";
import { AutoLaplaceApproximation } from "./auto-laplace-approximation.js";
import { AutoDiagonalNormal } from "./auto-normal.js";
import { hiddenDegrees } from "./internal/iaf-family.js";
import { NeuTraReparam } from "./neutra-reparam.js";
import {
  f64,
  flowModel,
  fx,
  makers,
  meanModel,
  mismatches,
  mixed,
  particle,
  siteMismatches,
  toParams,
  y,
} from "./testing/guide-edge-fixture.js";

describe("AutoLaplaceApproximation against NumPyro 0.21 (fixtures/guide-edge.json laplace)", () => {
  for (const name of ["map", "offMode"] as const) {
    const c = fx.laplace[name];
    const params = toParams(c.params);
    it(`${name}: with NumPyro's exact Hessian as hessianFn, covariance, scale_tril, median and quantiles (1e-9)`, () => {
      const H = Float64Array.from(c.hessian);
      const g = new AutoLaplaceApproximation(mixed, { hessianFn: () => Float64Array.from(H) });
      g.setup(0, [y]);
      const post = g.getPosterior(params);
      const bad = mismatches("covariance", post.covariance, c.covariance, 1e-9, 1e-13);
      bad.push(...siteMismatches("median", g.median(params), c.median));
      bad.push(...siteMismatches("quantiles", g.quantiles(params, fx.levels), c.quantiles));
      // getTransform: NumPyro's LowerCholeskyAffine(loc, cholesky_of_inverse(H))
      const D = post.dim;
      const loc = c.params.auto_loc.data;
      const eps = Float64Array.from({ length: D }, (_, i) => Math.cos(2 * i + 0.5));
      const want = loc.map((l, i) => {
        let v = l;
        for (let j = 0; j < D; j++) v += c.scaleTril[i * D + j] * eps[j];
        return v;
      });
      let logDet = 0;
      for (let i = 0; i < D; i++) logDet += Math.log(c.scaleTril[i * D + i]);
      const [z, ld] = g.getTransform(params).apply(tensor(eps));
      bad.push(...mismatches("transform z", f64(z), want, 1e-9, 1e-13));
      bad.push(...mismatches("transform logDet", [f64(ld)[0]], [logDet]));
      expect(bad).toEqual([]);
    });
    it(`${name}: with the default finite-difference Hessian, covariance within 1e-8 of √(Σᵢᵢ Σⱼⱼ) (differences of exact gradients, step 1e-5: about 1e-10 here)`, () => {
      const g = new AutoLaplaceApproximation(mixed);
      g.setup(0, [y]);
      const post = g.getPosterior(params);
      const D = post.dim;
      const bad: string[] = [];
      for (let i = 0; i < D; i++)
        for (let j = 0; j < D; j++) {
          const s = Math.sqrt(c.covariance[i * D + i] * c.covariance[j * D + j]);
          bad.push(
            ...mismatches(
              `cov[${i},${j}]`,
              [post.covariance[i * D + j]],
              [c.covariance[i * D + j]],
              0,
              1e-8 * s,
            ),
          );
        }
      expect(bad).toEqual([]);
    });
    it(`${name}: the particle is U(auto_loc)`, () => {
      const v = particle(new AutoLaplaceApproximation(mixed), [y], params, new Float64Array(0));
      expect(mismatches("negElbo", [v], [c.negElbo])).toEqual([]);
    });
  }
});

describe("initial parameters under deterministic init strategies against NumPyro 0.21", () => {
  const values = Object.fromEntries(
    Object.entries(fx.initValues).map(([k, v]) => [k, tensor(v as number[])]),
  );
  const strategies: Record<string, () => unknown> = {
    value: () => initToValue({ values }),
    valueTinyScale: () => initToValue({ values }),
    feasible: () => initToFeasible(),
    mean: () => initToMean(),
  };
  for (const [key, c] of Object.entries(fx.init)) {
    const [gname, sname] = key.split("/");
    it(`${key}: names, shapes and values of the initial parameters`, () => {
      const options: Record<string, unknown> = { initLocFn: strategies[sname]() };
      if (c.initScale !== null) options.initScale = c.initScale;
      const g = makers[gname](c.model === "mixed" ? mixed : meanModel, options);
      const setup = g.setup(0, c.model === "mixed" ? [y] : []);
      const p = setup.constrainParams(setup.initialParams());
      expect(Object.keys(p).sort()).toEqual(Object.keys(c.params).sort());
      const bad: string[] = [];
      for (const [k, v] of Object.entries(c.params)) {
        expect(p[k].shape, k).toEqual(v.shape);
        bad.push(...mismatches(k, p[k].data, v.data, 1e-9, 1e-15));
      }
      expect(bad).toEqual([]);
    });
  }
});

describe("flow guides at fixed network weights against NumPyro 0.21", () => {
  for (const [key, c] of Object.entries(fx.flows)) {
    const make = (): AutoContinuous =>
      key.startsWith("iaf")
        ? new AutoIAFNormal(flowModel, { numFlows: c.numFlows, hiddenDims: c.hiddenDims })
        : new AutoBNAFNormal(flowModel, { numFlows: c.numFlows, hiddenFactors: c.hiddenFactors });
    const params = toParams(c.params);
    it(`${key}: getTransform gives NumPyro's z = T(ε) and log|det ∂T/∂ε|`, () => {
      const g = make();
      g.setup(0, []);
      const T = g.getTransform(params);
      const bad: string[] = [];
      for (const [i, pt] of c.points.entries()) {
        const [z, ld] = T.apply(tensor(pt.eps));
        bad.push(...mismatches(`z(eps${i})`, f64(z), pt.z, 1e-9, 1e-12));
        bad.push(...mismatches(`logDet(eps${i})`, [f64(ld)[0]], [pt.logDet], 1e-9, 1e-12));
      }
      expect(bad).toEqual([]);
    });
    it(`${key}: one-particle negative ELBO at ε`, () => {
      const bad: string[] = [];
      for (const [i, pt] of c.points.entries()) {
        const v = particle(make(), [], params, Float64Array.from(pt.eps));
        bad.push(...mismatches(`negElbo(eps${i})`, [v], [pt.negElbo], 1e-9, 1e-12));
      }
      expect(bad).toEqual([]);
    });
  }
});

describe("fixes found by this audit (each failed before)", () => {
  // The API sketch's mixture: ordered means under a flat ImproperUniform prior with a factor.
  function orderedMeans(): void {
    const mu = sample("mu", new ImproperUniform(orderedVector, [], [2]));
    factor("mu_prior", new Normal(0, 2).logProb(mu).sum());
  }
  it("every guide sets up a model with an ImproperUniform latent site (it was sampled while looking for subsampled plates)", () => {
    for (const make of [
      ...Object.values(makers),
      (m: unknown) => new AutoIAFNormal(m, { numFlows: 1 }),
      (m: unknown) => new AutoBNAFNormal(m, { hiddenFactors: [2] }),
    ]) {
      const g = make(orderedMeans);
      g.setup(0, []);
      expect(g.latentDim).toBe(2);
    }
  });

  it("quantiles(params, [0.5]) is exactly the median (Φ⁻¹(0.5) = 0)", () => {
    const c = fx.cases["AutoDiagonalNormal/moderate"];
    const g = new AutoDiagonalNormal(mixed);
    g.setup(0, [y]);
    const med = g.median(toParams(c.params));
    const q = g.quantiles(toParams(c.params), [0.5]);
    for (const k of Object.keys(med)) expect(Array.from(f64(q[k]))).toEqual(Array.from(f64(med[k])));
  });

  it("quantiles use @phlox/tensor's ndtriScalar: loc + scale·Φ⁻¹(q) on an unconstrained site, subnormal q too", () => {
    const c = fx.cases["AutoDiagonalNormal/moderate"];
    const g = new AutoDiagonalNormal(mixed);
    g.setup(0, [y]);
    const params = toParams(c.params);
    const [loc, scale] = [params.auto_loc.data[0], params.auto_scale.data[0]]; // mu ~ Normal: the identity
    const levels = [5e-324, 1e-300, 0.5 + 2 ** -52, 1 - 2 ** -53];
    const mu = f64(g.quantiles(params, levels).mu);
    levels.forEach((q, i) => {
      expect(Math.abs(mu[i] - (loc + scale * ndtriScalar(q)))).toBeLessThan(1e-14 * Math.abs(mu[i]));
    });
  });

  it("AutoIAFNormal's MADE masks are NumPyro's: hidden degrees round(linspace(1, D − 1, h)), half to even", () => {
    expect(hiddenDegrees(4, 6)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(hiddenDegrees(4, 5)).toEqual([1, 2, 2, 2, 3]); // linspace(1, 3, 5) = 1, 1.5, 2, 2.5, 3
    expect(hiddenDegrees(2, 3)).toEqual([1, 1, 1]);
    expect(hiddenDegrees(5, 1)).toEqual([1]);
  });

  it("AutoBNAFNormal maps onto the reals (NumPyro's LeakyTanh), where tanh units bound z", () => {
    const g = new AutoBNAFNormal(flowModel, { hiddenFactors: [2, 2] });
    const setup = g.setup(0, []);
    const T = g.getTransform(setup.constrainParams(setup.initialParams()));
    const at = (e: number): number => f64(T.apply(tensor([e, 0, 0, 0]))[0])[0];
    // with tanh between the layers |z₀| ≤ Σ|final weights| + |b| (about 2 here) whatever ε; LeakyTanh's
    // 0.01·x passes through both hidden layers, so z₀ grows like 1e-4·ε
    expect(at(1e8) - at(-1e8)).toBeGreaterThan(1e3);
  });

  it("AutoBNAFNormal with 2 flows has NumPyro's gated residual on the first: parameter auto_arn__0_gate", () => {
    const setup = new AutoBNAFNormal(flowModel, { numFlows: 2, hiddenFactors: [2] }).setup(0, []);
    const p = setup.constrainParams(setup.initialParams());
    expect(Object.keys(p).filter((k) => k.endsWith("_gate"))).toEqual(["auto_arn__0_gate"]);
    expect(p.auto_arn__0_gate.shape).toEqual([]);
  });

  it("AutoLaplaceApproximation.getTransform exists (NumPyro's get_transform), so NeuTraReparam accepts it", () => {
    const c = fx.laplace.map;
    const g = new AutoLaplaceApproximation(mixed, { hessianFn: () => Float64Array.from(c.hessian) });
    g.setup(0, [y]);
    const neutra = new NeuTraReparam(g, toParams(c.params));
    // ε = 0 maps to loc: the sites at the median
    const sites = neutra.transformSample(tensor(new Float64Array(g.latentDim)));
    expect(siteMismatches("transformSample(0)", sites, c.median)).toEqual([]);
  });
});
