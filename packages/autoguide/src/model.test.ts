import { Bernoulli, Beta, HalfCauchy, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initToValue, Predictive } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { Adam, exponentialDecay, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoDelta } from "./auto-delta.js";
import { AutoMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoNormal } from "./auto-normal.js";

/** A Float64Array copy of a tensor's elements. */
const f64 = (t: { dataSync(): ArrayLike<number> }): Float64Array => Float64Array.from(t.dataSync());

// NumPyro test_svi.py::test_beta_bernoulli: 8 successes of 10 under Beta(1, 1) → Beta(9, 3), mean 0.75
const data = tensor([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
function betaBernoulli(obs?: Tensor): void {
  const p = sample("p", new Beta(1, 1));
  plate("data", 10, () => sample("obs", new Bernoulli(p), { obs }));
}

const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;

describe("autoguides on traced models (initializeModel's compiled potential)", () => {
  it("AutoNormal on Beta–Bernoulli: posterior mean of p within 0.03 of 0.75", () => {
    const guide = new AutoNormal(betaBernoulli);
    const svi = new SVI(
      betaBernoulli,
      guide,
      new Adam(exponentialDecay(0.05, 2000, 0.05)),
      new TraceELBO({ numParticles: 2 }),
    );
    const { params } = svi.run(0, 2000, data);
    expect(Object.keys(params).sort()).toEqual(["p_auto_loc", "p_auto_scale"]);
    const post = guide.samplePosterior(1, params, { sampleShape: [4000] });
    expect(post.p.shape).toEqual([4000]);
    expect(Math.abs(mean(f64(post.p)) - 0.75)).toBeLessThan(0.03);
  });

  it("initLocFn sets the initial location through the model's init strategy", () => {
    const guide = new AutoNormal(betaBernoulli, {
      initLocFn: initToValue({ values: { p: 0.3 } }),
      initScale: 0.2,
    });
    const setup = guide.setup(0, [data]);
    const p = setup.constrainParams(setup.initialParams());
    expect(p.p_auto_loc.data[0]).toBeCloseTo(Math.log(0.3 / 0.7), 10);
    expect(p.p_auto_scale.data[0]).toBeCloseTo(0.2, 12);
    const delta = new AutoDelta(betaBernoulli, { initLocFn: initToValue({ values: { p: 0.3 } }) });
    const ds = delta.setup(0, [data]);
    expect(ds.constrainParams(ds.initialParams()).p_auto_loc.data[0]).toBeCloseTo(0.3, 10);
    // and initParams by name, constrained, round-trip through the model's transforms
    const u = ds.unconstrainParams({ p_auto_loc: { data: Float64Array.of(0.6), shape: [] } });
    expect(ds.constrainParams(u).p_auto_loc.data[0]).toBeCloseTo(0.6, 10);
  });

  it("AutoDelta on Beta–Bernoulli finds the constrained MAP 0.8", () => {
    const guide = new AutoDelta(betaBernoulli);
    const svi = new SVI(betaBernoulli, guide, new Adam(exponentialDecay(0.1, 2000, 0.02)), new TraceELBO());
    const { params } = svi.run(0, 2000, data);
    expect(params.p_auto_loc.dataSync()[0]).toBeCloseTo(0.8, 3);
  });

  it("guide draws feed Predictive's posterior predictive", () => {
    const guide = new AutoMultivariateNormal(betaBernoulli);
    const svi = new SVI(betaBernoulli, guide, new Adam(exponentialDecay(0.05, 2000, 0.05)), new TraceELBO());
    const { params } = svi.run(0, 2000, data);
    const post = guide.samplePosterior(2, params, { sampleShape: [500] });
    const ppc = new Predictive(betaBernoulli, { posteriorSamples: post }).run(3);
    expect(ppc.obs.shape).toEqual([500, 10]);
    const m = mean(Float64Array.from(ppc.obs.dataSync() as ArrayLike<number>));
    expect(Math.abs(m - 0.75)).toBeLessThan(0.05);
  });

  it("guide.asFunction() plugs into Predictive's guide + params options", () => {
    const guide = new AutoNormal(betaBernoulli);
    const { params } = new SVI(
      betaBernoulli,
      guide,
      new Adam(exponentialDecay(0.05, 1500, 0.05)),
      new TraceELBO(),
    ).run(0, 1500, data);
    const ppc = new Predictive(betaBernoulli, { guide: guide.asFunction(), params, numSamples: 300 }).run(4);
    expect(ppc.obs.shape).toEqual([300, 10]);
    const m = mean(Float64Array.from(ppc.obs.dataSync() as ArrayLike<number>));
    expect(Math.abs(m - 0.75)).toBeLessThan(0.06);
  });

  it("AutoNormal on eight schools gives per-site parameters of the right shapes and a positive tau", () => {
    const y = [28, 8, -3, 7, -1, 1, 18, 12];
    const sigma = [15, 10, 16, 11, 9, 11, 10, 18];
    function eightSchools(s: number[], obs?: number[]): void {
      const mu = sample("mu", new Normal(0, 5));
      const tau = sample("tau", new HalfCauchy(5));
      plate("school", s.length, () => {
        const z = sample("theta_raw", new Normal(0, 1));
        sample("obs", new Normal(mu.add(tau.mul(z)), tensor(s)), { obs: obs && tensor(obs) });
      });
    }
    const guide = new AutoNormal(eightSchools);
    const { params, losses } = new SVI(eightSchools, guide, new Adam(0.01), new TraceELBO()).run(
      0,
      3000,
      sigma,
      y,
    );
    expect(params.theta_raw_auto_loc.shape).toEqual([8]);
    expect(params.tau_auto_scale.shape).toEqual([]);
    expect(losses.every(Number.isFinite)).toBe(true);
    // mu's posterior mean is about 4.4 (posteriordb eight_schools_noncentered); VI is close
    expect(Math.abs(params.mu_auto_loc.dataSync()[0] - 4.4)).toBeLessThan(1.5);
    const med = guide.median(params);
    expect(f64(med.tau)[0]).toBeGreaterThan(0);
    expect(guide.quantiles(params, [0.1, 0.9]).theta_raw.shape).toEqual([2, 8]);
  });
});
