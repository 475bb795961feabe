import { HalfNormal, Normal } from "@phlox/distributions";
import { deterministic, mask, plate, sample, scale } from "@phlox/handlers";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { logDensity } from "./log-density.js";
import { constrainFn, potentialEnergy, unconstrainFn } from "./potential.js";
import { logLikelihood, Predictive } from "./predictive.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const normalLogPdf = (x: number, m: number, s: number): number =>
  -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

function model(n: number, y?: Tensor): void {
  const mu = sample("mu", new Normal(1, 2));
  const sigma = sample("sigma", new HalfNormal(1));
  deterministic("mu2", mu.mul(2));
  plate("data", n, () => sample("y", new Normal(mu, sigma), { obs: y }));
}

describe("Predictive", () => {
  it("prior predictive draws every sample and deterministic site with a leading [numSamples] dimension", () => {
    const out = new Predictive(model, { numSamples: 50 }).run(key(0), 3);
    expect(Object.keys(out).sort()).toEqual(["mu", "mu2", "sigma", "y"]);
    expect(out.y.shape).toEqual([50, 3]);
    expect(out.mu.shape).toEqual([50]);
  });

  it("prior predictive moments match the model (mean 1, variance 4 + E[σ²] = 5), within 4 standard errors", () => {
    const n = 2000;
    const out = new Predictive(model, { numSamples: n, returnSites: ["y"] }).run(key(1), 1);
    const y = vals(out.y);
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(5 / n));
    // var of the sample variance ≈ (μ4 − σ⁴)/n; for this scale mixture a generous 4·sqrt(2·5²·3/n) bound.
    expect(Math.abs(variance - 5)).toBeLessThan(4 * Math.sqrt((2 * 25 * 3) / n));
  });

  it("posterior predictive substitutes each draw and keeps [chain, draw] with batchNdims 2", () => {
    const samples = { mu: tensor([[0, 10, 20]]), sigma: tensor([[1e-6, 1e-6, 1e-6]]) };
    const out = new Predictive(model, { posteriorSamples: samples, batchNdims: 2 }).run(key(2), 2);
    expect(Object.keys(out).sort()).toEqual(["mu2", "y"]);
    expect(out.y.shape).toEqual([1, 3, 2]);
    const y = vals(out.y);
    expect(y[0]).toBeCloseTo(0, 3);
    expect(y[2]).toBeCloseTo(10, 3);
    expect(y[4]).toBeCloseTo(20, 3);
    expect(vals(out.mu2)).toEqual([0, 20, 40]);
  });

  it("accepts {data, shape} samples as @phlox/mcmc returns them", () => {
    const samples = {
      mu: { data: Float64Array.of(1, 2), shape: [2] },
      sigma: { data: Float64Array.of(1, 1), shape: [2] },
    };
    const out = new Predictive(model, { posteriorSamples: samples }).run(key(3), 4);
    expect(out.y.shape).toEqual([2, 4]);
  });
});

describe("logLikelihood", () => {
  it("returns pointwise log densities of observed sites per draw", () => {
    const y = tensor([0.5, -1, 2]);
    const samples = { mu: tensor([0, 1]), sigma: tensor([1, 2]) };
    const ll = logLikelihood(model, samples, [3, y]);
    expect(Object.keys(ll)).toEqual(["y"]);
    expect(ll.y.shape).toEqual([2, 3]);
    const got = vals(ll.y);
    const want = [0, 1].flatMap((i) => [0.5, -1, 2].map((v) => normalLogPdf(v, i, i + 1)));
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 12);
  });
});

describe("logDensity and friends", () => {
  it("logDensity is exact under mask and scale (NumPyro test_mask)", () => {
    const data = [0.3, -0.2, 1.1, 0.4];
    const x = [0.1, 0.5, -0.7, 0.2];
    const m = [true, false, true, true];
    const masked = (d: Tensor, mk: Tensor) =>
      plate("N", 4, () => {
        const xs = sample("x", new Normal(0, 1));
        mask(mk).run(() => scale(2).run(() => sample("obs", new Normal(xs, 1), { obs: d })));
      });
    const { logJoint } = logDensity(masked, [tensor(data), tensor(m)], { x: tensor(x) });
    let expected = 0;
    for (let i = 0; i < 4; i++)
      expected += normalLogPdf(x[i], 0, 1) + (m[i] ? 2 * normalLogPdf(data[i], x[i], 1) : 0);
    expect(logJoint.item()).toBeCloseTo(expected, 10);
  });

  it("potentialEnergy adds the log-Jacobian of the support transform", () => {
    const m = () => sample("s", new HalfNormal(1));
    // U(u) = −(log HalfNormal(e^u) + u); at u = 0: −(log(2/√(2π)) − 1/2).
    expect(potentialEnergy(m, [], { s: 0 }).item()).toBeCloseTo(
      -(Math.log(2 / Math.sqrt(2 * Math.PI)) - 0.5),
      12,
    );
  });

  it("constrainFn and unconstrainFn are inverse, and constrainFn can return deterministic sites", () => {
    const y = tensor([0.1, 0.2]);
    const c = constrainFn(model, [2, y], { mu: 0.5, sigma: 0 }, true);
    expect(c.sigma.item()).toBeCloseTo(1, 12);
    expect(c.mu2.item()).toBeCloseTo(1, 12);
    const u = unconstrainFn(model, [2, y], { mu: 0.5, sigma: 3 });
    expect(u.sigma.item()).toBeCloseTo(Math.log(3), 12);
    expect(u.mu.item()).toBe(0.5);
  });
});

describe("Predictive with a guide", () => {
  it("draws the latent sites from the guide with params substituted", () => {
    const guide = (n: number) => {
      void n;
      sample("mu", new Normal(tensor(0).add(0), 1e-6));
      sample("sigma", new HalfNormal(1e-6));
    };
    const out = new Predictive(model, { guide, params: {}, numSamples: 3 }).run(key(4), 2);
    expect(Object.keys(out).sort()).toEqual(["mu2", "y"]);
    expect(out.y.shape).toEqual([3, 2]);
    for (const v of vals(out.y)) expect(Math.abs(v)).toBeLessThan(1e-3);
  });
});
