import { Gamma, HalfCauchy, HalfNormal, Normal, Poisson } from "@phlox/distributions";
import { deterministic, param, plate, sample, scan } from "@phlox/handlers";
import { key, normal, type Tensor, tensor, uniform } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { logLikelihood, Predictive } from "./predictive.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

/** Records whether the model ran under vmap (its values are batch tracers) at least once. */
function watched<A extends unknown[]>(
  model: (...a: A) => Tensor | undefined,
): {
  model: (...a: A) => void;
  vmapped: () => boolean;
} {
  let seen = false;
  return {
    model: (...a: A) => {
      const v = model(...a);
      if (v?._trace?.constructor.name === "BatchTrace") seen = true;
    },
    vmapped: () => seen,
  };
}

/** Equal names, shapes and bit-identical values. */
function expectSame(a: Record<string, Tensor>, b: Record<string, Tensor>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(b)) {
    expect(a[k]?.shape, k).toEqual(b[k]?.shape);
    expect(vals(a[k] as Tensor), k).toEqual(vals(b[k] as Tensor));
  }
}

const sigma8 = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
const y8 = tensor([28, 8, -3, 7, -1, 1, 18, 12]);

function eightSchools(sigma: Tensor, y?: Tensor): Tensor {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0] as number, () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
  return mu;
}

function counts(y?: Tensor): Tensor {
  const rate = sample("rate", new Gamma(2, 1));
  plate("n", 4, () => sample("y", new Poisson(rate), { obs: y }));
  return rate;
}

function regression(x: Tensor, y?: Tensor): Tensor {
  const beta = sample("beta", new Normal(tensor([0, 0, 0]), 2).toEvent(1));
  const s = sample("s", new HalfNormal(1));
  plate("n", x.shape[0] as number, () => sample("y", new Normal(x.matmul(beta), s), { obs: y }));
  return s;
}
const X = tensor([
  [1, 0.5, -1],
  [1, -0.3, 2],
  [1, 1.2, 0.1],
  [1, -2, -0.7],
  [1, 0.1, 0.4],
]);
const Y = tensor([0.3, 2.1, -0.5, 1.7, 0.2]);

describe("Predictive(parallel: true): one vmapped program over all draws, the same draws as the loop", () => {
  it("prior predictive of eight schools (Normal, HalfCauchy, deterministic) is bit-identical", () => {
    const w = watched(eightSchools);
    const par = new Predictive(w.model, { numSamples: 200, parallel: true }).run(key(7), sigma8);
    expect(w.vmapped()).toBe(true);
    const seq = new Predictive(eightSchools, { numSamples: 200 }).run(key(7), sigma8);
    expectSame(par, seq);
    expect(par.obs?.shape).toEqual([200, 8]);
    const eager = new Predictive(eightSchools, { numSamples: 200, jit: false }).run(key(7), sigma8);
    expectSame(par, eager);
  }, 120_000);

  it("posterior predictive with [chain, draw] samples and a Gamma/Poisson model", () => {
    const mu = normal(key(1), [2, 40]).mul(3).add(4);
    const tau = uniform(key(2), [2, 40], { minval: 0.1, maxval: 6 });
    const raw = normal(key(3), [2, 40, 8]);
    const post = { mu, tau, theta_raw: raw };
    const w = watched(eightSchools);
    const par = new Predictive(w.model, { posteriorSamples: post, batchNdims: 2, parallel: true }).run(
      key(3),
      sigma8,
    );
    expect(w.vmapped()).toBe(true);
    const seq = new Predictive(eightSchools, { posteriorSamples: post, batchNdims: 2 }).run(key(3), sigma8);
    expectSame(par, seq);
    expect(par.obs?.shape).toEqual([2, 40, 8]);

    const wc = watched(counts);
    const parC = new Predictive(wc.model, { numSamples: 50, parallel: true }).run(key(11));
    expect(wc.vmapped()).toBe(true);
    expectSame(parC, new Predictive(counts, { numSamples: 50 }).run(key(11)));
  }, 120_000);

  it("with returnSites and a vector latent (matmul under vmap)", () => {
    const post = { beta: normal(key(4), [30, 3]), s: uniform(key(5), [30], { minval: 0.2, maxval: 2 }) };
    const w = watched(regression);
    const par = new Predictive(w.model, { posteriorSamples: post, returnSites: ["y"], parallel: true }).run(
      key(2),
      X,
    );
    expect(w.vmapped()).toBe(true);
    expectSame(
      par,
      new Predictive(regression, { posteriorSamples: post, returnSites: ["y"] }).run(key(2), X),
    );
  }, 120_000);

  it("with a guide: guide and model run under vmap, same draws as the eager loop", () => {
    const model = (): Tensor => {
      const m = sample("m", new Normal(0, 1));
      plate("n", 3, () => sample("x", new Normal(m, 0.5)));
      return m;
    };
    const guide = (): void => {
      const loc = param("loc", tensor(0.3));
      const scale = param("scale", tensor(0.2));
      sample("m", new Normal(loc, scale));
    };
    const params = { loc: tensor(1.5), scale: tensor(0.1) };
    const w = watched(model);
    const par = new Predictive(w.model, { guide, params, numSamples: 20, parallel: true }).run(key(5));
    expect(w.vmapped()).toBe(true);
    const seq = new Predictive(model, { guide, params, numSamples: 20 }).run(key(5));
    expectSame(par, seq);
    expect(par.x?.shape).toEqual([20, 3]);
  }, 120_000);

  it("a time-series model written with scan (sample sites inside the body) vectorises too", () => {
    const model = (): Tensor => {
      const s = sample("s", new HalfNormal(1));
      scan(
        (x: Tensor, _t: null) => {
          const xt = sample("x", new Normal(x.mul(0.8), s));
          sample("y", new Normal(xt, 0.5));
          return [xt, xt] as [Tensor, Tensor];
        },
        tensor(0),
        null,
        { length: 6 },
      );
      return s;
    };
    const w = watched(model);
    const par = new Predictive(w.model, { numSamples: 40, parallel: true }).run(key(4));
    expect(w.vmapped()).toBe(true);
    expect(par.x?.shape).toEqual([40, 6]);
    expectSame(par, new Predictive(model, { numSamples: 40 }).run(key(4)));
    expectSame(par, new Predictive(model, { numSamples: 40, jit: false }).run(key(4)));
  }, 120_000);

  it("falls back to the loop when the model does not trace", () => {
    const branching = (): void => {
      const mu = sample("mu", new Normal(0, 1));
      sample("y", new Normal(mu.item() > 0 ? 1 : -1, 1));
    };
    const par = new Predictive(branching, { numSamples: 10, parallel: true }).run(key(1));
    expectSame(par, new Predictive(branching, { numSamples: 10, jit: false }).run(key(1)));
  }, 120_000);
});

describe("logLikelihood(parallel: true)", () => {
  it("equals the compiled loop and the eager values for eight schools and regression", () => {
    const post = {
      mu: normal(key(1), [60]).mul(3),
      tau: uniform(key(2), [60], { minval: 0.1, maxval: 6 }),
      theta_raw: normal(key(3), [60, 8]),
    };
    const w = watched(eightSchools);
    const par = logLikelihood(w.model, post, [sigma8, y8], { parallel: true });
    expect(w.vmapped()).toBe(true);
    expectSame(par, logLikelihood(eightSchools, post, [sigma8, y8]));
    const eager = logLikelihood(eightSchools, post, [sigma8, y8], { jit: false });
    const a = vals(par.obs as Tensor);
    const b = vals(eager.obs as Tensor);
    for (let i = 0; i < b.length; i++)
      expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(
        1e-12 * Math.max(1, Math.abs(b[i] as number)),
      );
    const postR = { beta: normal(key(4), [30, 3]), s: uniform(key(5), [30], { minval: 0.2, maxval: 2 }) };
    expectSame(
      logLikelihood(regression, postR, [X, Y], { parallel: true }),
      logLikelihood(regression, postR, [X, Y]),
    );
  }, 120_000);
});
