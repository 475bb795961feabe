import {
  bijectTo,
  Categorical,
  Dirichlet,
  Exponential,
  ExpTransform,
  HalfNormal,
  ImproperUniform,
  interval,
  Normal,
  Poisson,
  positive,
  TransformedDistribution,
  Uniform,
} from "@phlox/distributions";
import { param, plate, reparam, sample, seed } from "@phlox/handlers";
import { arange, key, type Tensor, tensor, where } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import {
  type InitStrategy,
  initToFeasible,
  initToMean,
  initToMedian,
  initToSample,
  initToUniform,
  initToValue,
} from "./initialization.js";
import { initializeModel } from "./initialize-model.js";
import { computeLogProbs } from "./log-density.js";
import { constrainFn, potentialEnergy, transformFn, unconstrainFn } from "./potential.js";
import { TransformReparam } from "./reparam/transform.js";

const num = (t: Tensor): number => (t.dataSync() as ArrayLike<number>)[0];
const vals = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

describe("NumPyro test_infer_util cases", () => {
  const xPrior = new HalfNormal(2);
  const yPrior = new TransformedDistribution(new Normal(0, 3), new ExpTransform()); // LogNormal(0, 3)

  it("a model with a transformed distribution: TransformReparam keeps the potential (test_model_with_transformed_distribution)", () => {
    const model = () => {
      sample("x", xPrior);
      sample("y", yPrior);
    };
    const params = { x: tensor(-5), y: tensor(7) };
    const inv = { x: bijectTo(xPrior.support), y: bijectTo(yPrior.support) };
    const expected = transformFn(inv, params);
    const expectedU =
      -num(xPrior.logProb(expected.x)) -
      num(yPrior.logProb(expected.y)) -
      num(inv.x.logAbsDetJacobian(params.x, expected.x)) -
      num(inv.y.logAbsDetJacobian(params.y, expected.y));
    const rp = reparam(model, { y: new TransformReparam() });
    const base = { x: params.x, y_base: params.y };
    const actual = constrainFn(seed(rp, 0), [], base, true);
    expect(num(actual.x)).toBeCloseTo(num(expected.x), 12);
    expect(num(actual.y)).toBeCloseTo(num(expected.y), 6);
    expect(num(potentialEnergy(rp, [], base))).toBeCloseTo(expectedU, 10);
    expect(num(potentialEnergy(model, [], params))).toBeCloseTo(expectedU, 10);
  });

  it("constrainFn and unconstrainFn handle sample and constrained param sites (test_constrain_unconstrain)", () => {
    const model = () => {
      sample("x", xPrior);
      sample("y", yPrior);
      param("z", tensor(2), { constraint: positive });
    };
    const params = { x: tensor(-5), y: tensor(7), z: tensor(3) };
    const c = constrainFn(model, [], params);
    expect(num(c.x)).toBeCloseTo(Math.exp(-5), 12);
    expect(num(c.y)).toBeCloseTo(Math.exp(7), 6);
    expect(num(c.z)).toBeCloseTo(Math.exp(3), 10);
    const u = unconstrainFn(model, [], c);
    expect(num(u.x)).toBeCloseTo(-5, 10);
    expect(num(u.y)).toBeCloseTo(7, 10);
    expect(num(u.z)).toBeCloseTo(3, 10);
  });

  it("computeLogProbs gives each site's scaled log density", () => {
    const model = () => {
      const m = sample("m", new Normal(0, 1));
      sample("y", new Normal(m, 1), { obs: tensor([0, 1]) });
    };
    const lp = computeLogProbs(model, [], { m: 0 });
    const c = -0.5 * Math.log(2 * Math.PI);
    expect(num(lp.get("m")!)).toBeCloseTo(c, 12);
    expect(num(lp.get("y")!)).toBeCloseTo(2 * c - 0.5, 12);
  });

  const strategies: [string, InitStrategy][] = [
    ["initToFeasible()", initToFeasible()],
    ["initToMedian({ numSamples: 2 })", initToMedian({ numSamples: 2 })],
    ["initToSample()", initToSample()],
    ["initToUniform({ radius: 3 })", initToUniform({ radius: 3 })],
    ["initToValue({ tau: 0.7 })", initToValue({ values: { tau: 0.7 } })],
    ["initToMean()", initToMean()],
  ];
  const countData = tensor([
    13, 24, 8, 24, 7, 35, 14, 11, 15, 11, 22, 22, 11, 57, 11, 19, 29, 6, 19, 12, 22, 12, 18, 72, 32, 9, 7, 13,
    19, 23, 27, 20, 6, 17, 13, 10, 14, 6, 16, 15, 7, 2, 15, 15, 19, 70, 49, 7, 53, 22, 21, 31, 19, 11, 1, 20,
    12, 35, 17, 23, 17, 4, 2, 31, 30, 13, 27, 0, 39, 37, 5, 14, 13, 22,
  ]);
  const changePoint = (data: Tensor) => {
    const n = data.shape[0];
    const alpha = 1 / (vals(data).reduce((a, b) => a + b, 0) / n);
    const l1 = sample("lambda1", new Exponential(alpha));
    const l2 = sample("lambda2", new Exponential(alpha));
    const tau = sample("tau", new Uniform(0, 1));
    const rate = where(arange(n).lt(tau.mul(n)), l1, l2);
    sample("obs", new Poisson(rate), { obs: data });
  };
  for (const [label, strategy] of strategies) {
    it(`the change-point model initialises with ${label}, deterministically per key (test_initialize_model_change_point)`, () => {
      const a = initializeModel([0, 1], changePoint, [countData], { initStrategy: strategy });
      const b = initializeModel([0, 1], changePoint, [countData], { initStrategy: strategy });
      expect(a.layout.map((l) => l.name)).toEqual(["lambda1", "lambda2", "tau"]);
      expect(Array.from(a.initialZ)).toEqual(Array.from(b.initialZ));
      expect(Number.isFinite(a.initialPotential)).toBe(true);
      if (label.startsWith("initToValue")) expect(a.initialZ[2]).toBeCloseTo(Math.log(0.7 / 0.3), 10);
    });
  }

  it("a simplex site is laid out in its unconstrained shape (test_initialize_model_dirichlet_categorical)", () => {
    const data = tensor(Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 0 : i % 10 < 7 ? 1 : 2)));
    const model = (d: Tensor) => {
      const p = sample("p_latent", new Dirichlet(tensor([1, 1, 1])));
      plate("data", d.shape[0], () => sample("obs", new Categorical({ probs: p }), { obs: d }));
    };
    const info = initializeModel(key(1), model, [data]);
    expect(info.layout).toEqual([
      { name: "p_latent", shape: [2], offset: 0, size: 2, constrainedShape: [3] },
    ]);
    const p = vals(info.constrain(info.initialZ).p_latent);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const back = info.unconstrain({ p_latent: tensor(p) });
    expect(back[0]).toBeCloseTo(info.initialZ[0], 10);
    expect(back[1]).toBeCloseTo(info.initialZ[1], 10);
  });

  it("an ImproperUniform site inside a plate initialises in unconstrained space (test_improper_expand)", () => {
    const model = () =>
      plate("region", 3, () =>
        sample("incidence", new ImproperUniform(interval(0, tensor([1000, 2000, 3000])), [3], [])),
      );
    const info = initializeModel(key(0), model, []);
    expect(info.layout[0].shape).toEqual([3]);
    const x = vals(info.constrain(info.initialZ).incidence);
    x.forEach((v, i) => {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1000 * (i + 1));
    });
  });
});
