import { Bernoulli, Gamma, HalfCauchy, HalfNormal, Normal, Poisson } from "@phlox/distributions";
import { deterministic, mask, plate, sample, seed, trace } from "@phlox/handlers";
import { key, normal, split, type Tensor, tensor, uniform } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { logLikelihood, Predictive } from "./predictive.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

/** Wraps a model so that tests can see how often it runs (once per draw eagerly; a handful when compiled). */
function counted<A extends unknown[]>(
  model: (...a: A) => void,
): { model: (...a: A) => void; calls: () => number } {
  let n = 0;
  return {
    model: (...a: A) => {
      n++;
      model(...a);
    },
    calls: () => n,
  };
}

/** Expects equal site names and shapes, and values within 1e-12 relative (absolute below 1). */
function expectClose(a: Record<string, Tensor>, b: Record<string, Tensor>): void {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(b)) {
    expect(a[k].shape).toEqual(b[k].shape);
    const x = vals(a[k]);
    const y = vals(b[k]);
    for (let i = 0; i < y.length; i++) {
      if (x[i] === y[i]) continue;
      expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y[i])));
    }
  }
}

const sigma8 = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
const y8 = tensor([28, 8, -3, 7, -1, 1, 18, 12]);

function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

/** Posterior-like draws of eight schools: [chain 2, draw 40] with the deterministic theta consistent. */
function eightSchoolsDraws(): Record<string, Tensor> {
  const mu = normal(key(1), [2, 40]).mul(3).add(4);
  const tau = uniform(key(2), [2, 40], { minval: 0.1, maxval: 6 });
  const raw = normal(key(3), [2, 40, 8]);
  const theta = mu.reshape([2, 40, 1]).add(tau.reshape([2, 40, 1]).mul(raw));
  return { mu, tau, theta_raw: raw, theta };
}

/** Linear regression: a vector latent, a positive scale, a plate over vector observations. */
function regression(x: Tensor, y?: Tensor): void {
  const beta = sample("beta", new Normal(tensor([0, 0, 0]), 2).toEvent(1));
  const s = sample("s", new HalfNormal(1));
  plate("n", x.shape[0], () => sample("y", new Normal(x.matmul(beta), s), { obs: y }));
}
const X = tensor([
  [1, 0.5, -1],
  [1, -0.3, 2],
  [1, 1.2, 0.1],
  [1, -2, -0.7],
  [1, 0.1, 0.4],
]);
const Y = tensor([0.3, 2.1, -0.5, 1.7, 0.2]);
const regressionDraws = (): Record<string, Tensor> => ({
  beta: normal(key(4), [30, 3]),
  s: uniform(key(5), [30], { minval: 0.2, maxval: 2 }),
});

/** Branches on a latent value (data-dependent control flow): cannot be traced. */
function branching(y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 1));
  const scale = mu.item() > 0 ? 1 : 2;
  plate("n", 3, () => sample("y", new Normal(mu, scale), { obs: y }));
}

/** Poisson observations: the log density and (since Poisson's sampler traces) the sampler both compile. */
function poissonModel(y?: Tensor): void {
  const rate = sample("rate", new Gamma(2, 1));
  plate("n", 4, () => sample("y", new Poisson(rate), { obs: y }));
}

describe("logLikelihood (compiled)", () => {
  it("equals the eager per-draw result on eight schools (with its deterministic theta), running the model a few times", () => {
    const draws = eightSchoolsDraws();
    const c = counted(eightSchools);
    const fast = logLikelihood(c.model, draws, [sigma8, y8], { batchNdims: 2 });
    expect(c.calls()).toBeLessThanOrEqual(3);
    const eager = logLikelihood(eightSchools, draws, [sigma8, y8], { batchNdims: 2, jit: false });
    expect(fast.obs.shape).toEqual([2, 40, 8]);
    expectClose(fast, eager);
  });

  it("equals the eager result for a plate over vector observations with a vector latent", () => {
    const draws = regressionDraws();
    const c = counted(regression);
    const fast = logLikelihood(c.model, draws, [X, Y]);
    expect(c.calls()).toBeLessThanOrEqual(3);
    expectClose(fast, logLikelihood(regression, draws, [X, Y], { jit: false }));
    expect(fast.y.shape).toEqual([30, 5]);
  });

  it("uses the substituted deterministic value, as the eager path does", () => {
    const draws = eightSchoolsDraws();
    const shifted = { ...draws, theta: draws.theta.add(1) };
    const fast = logLikelihood(eightSchools, shifted, [sigma8, y8], { batchNdims: 2 });
    expectClose(fast, logLikelihood(eightSchools, shifted, [sigma8, y8], { batchNdims: 2, jit: false }));
    const plain = logLikelihood(eightSchools, draws, [sigma8, y8], { batchNdims: 2 });
    expect(vals(fast.obs)[0]).not.toBe(vals(plain.obs)[0]);
  });

  it("reuses the compiled program on a second call with the same arguments", () => {
    const draws = regressionDraws();
    const c = counted(regression);
    logLikelihood(c.model, draws, [X, Y]);
    const before = c.calls();
    const again = logLikelihood(c.model, draws, [X, Y]);
    expect(c.calls() - before).toBe(2); // the eager check at the first and last draw only
    expectClose(again, logLikelihood(regression, draws, [X, Y], { jit: false }));
  });

  it("reuses it for a fresh tensor argument with equal values, and notices an array argument changed in place", () => {
    const draws = regressionDraws();
    const c = counted(regression);
    logLikelihood(c.model, draws, [X, tensor(vals(Y))]);
    const before = c.calls();
    logLikelihood(c.model, draws, [X, tensor(vals(Y))]);
    expect(c.calls() - before).toBe(2);
    const ys = [0.5, -1, 2];
    const m = (y: number[]): void => {
      const mu = sample("mu", new Normal(0, 1));
      plate("n", y.length, () => sample("y", new Normal(mu, 1), { obs: tensor(y) }));
    };
    const d = { mu: tensor([0, 1, -1, 2]) };
    logLikelihood(m, d, [ys]);
    ys[0] = 10; // the staged program baked the old values in; the check at the first draw sees the change
    expect(vals(logLikelihood(m, d, [ys]).y)).toEqual(vals(logLikelihood(m, d, [ys], { jit: false }).y));
  });

  it("falls back to the eager path for data-dependent control flow, with the same values", () => {
    const draws = { mu: tensor([-1, 0.5, 2, -0.2]) };
    const y = tensor([0.1, -0.4, 1]);
    const c = counted(branching);
    const out = logLikelihood(c.model, draws, [y]);
    expect(c.calls()).toBeGreaterThanOrEqual(4);
    expect(vals(out.y)).toEqual(vals(logLikelihood(branching, draws, [y], { jit: false }).y));
  });

  it("compiles a Poisson log density (lgamma) and matches the eager one", () => {
    const draws = { rate: tensor([0.5, 1, 3.5]) };
    const y = tensor([0, 2, 5, 1]);
    const fast = logLikelihood(poissonModel, draws, [y]);
    expectClose(fast, logLikelihood(poissonModel, draws, [y], { jit: false }));
  });
});

describe("Predictive (compiled)", () => {
  const samplesOf = (d: Record<string, Tensor>): Record<string, Tensor> => d;

  it("draws exactly the eager numbers from the same key on eight schools, running the model a few times", () => {
    const draws = eightSchoolsDraws();
    const c = counted(eightSchools);
    const fast = new Predictive(c.model, { posteriorSamples: samplesOf(draws), batchNdims: 2 }).run(
      key(7),
      sigma8,
    );
    expect(c.calls()).toBeLessThanOrEqual(4);
    const eager = new Predictive(eightSchools, {
      posteriorSamples: draws,
      batchNdims: 2,
      jit: false,
    }).run(key(7), sigma8);
    expect(Object.keys(fast)).toEqual(["theta", "obs"]);
    for (const k of Object.keys(eager)) {
      expect(fast[k].shape).toEqual(eager[k].shape);
      expect(vals(fast[k])).toEqual(vals(eager[k]));
    }
  });

  it("draws exactly the eager numbers for vector observations, with returnSites naming a latent site", () => {
    const draws = regressionDraws();
    const opts = { posteriorSamples: draws, returnSites: ["y", "beta"] };
    const c = counted(regression);
    const fast = new Predictive(c.model, opts).run(key(8), X);
    expect(c.calls()).toBeLessThanOrEqual(4);
    const eager = new Predictive(regression, { ...opts, jit: false }).run(key(8), X);
    expect(fast.y.shape).toEqual([30, 5]);
    expect(vals(fast.y)).toEqual(vals(eager.y));
    expect(vals(fast.beta)).toEqual(vals(draws.beta));
  });

  it("draws exactly the eager prior predictive (every site from the key)", () => {
    const c = counted(eightSchools);
    const fast = new Predictive(c.model, { numSamples: 25 }).run(key(9), sigma8);
    expect(c.calls()).toBeLessThanOrEqual(4);
    const eager = new Predictive(eightSchools, { numSamples: 25, jit: false }).run(key(9), sigma8);
    expect(Object.keys(fast)).toEqual(Object.keys(eager));
    for (const k of Object.keys(eager)) expect(vals(fast[k])).toEqual(vals(eager[k]));
  });

  it("gives draw i the model run seeded with split(key, numDraws)[i], as before compilation", () => {
    const n = 6;
    const out = new Predictive(eightSchools, { numSamples: n }).run(key(21), sigma8);
    const keys = split(key(21), n);
    for (let i = 0; i < n; i++) {
      const tr = trace(
        seed(
          mask(() => eightSchools(sigma8), false),
          keys[i] as Tensor,
        ),
      ).getTrace();
      expect(vals(out.obs).slice(8 * i, 8 * i + 8)).toEqual(vals(tr.get("obs")?.value as Tensor));
      expect(vals(out.mu)[i]).toBe(vals(tr.get("mu")?.value as Tensor)[0]);
    }
  });

  it("draws exactly the eager Bernoulli draws", () => {
    const m = (n: number): void => {
      const p = sample("p", new Normal(0, 1));
      plate("n", n, () => sample("b", new Bernoulli({ logits: p })));
    };
    const draws = { p: normal(key(10), [20]) };
    const c = counted(m);
    const fast = new Predictive(c.model, { posteriorSamples: draws }).run(key(11), 6);
    expect(c.calls()).toBeLessThanOrEqual(4);
    const eager = new Predictive(m, { posteriorSamples: draws, jit: false }).run(key(11), 6);
    expect(vals(fast.b)).toEqual(vals(eager.b));
  });

  it("compiles a Poisson sampler and falls back to the eager path for data-dependent control flow", () => {
    const c = counted(poissonModel);
    const draws = { rate: tensor([0.5, 1, 3.5, 2, 40]) };
    const out = new Predictive(c.model, { posteriorSamples: draws }).run(key(12));
    expect(c.calls()).toBeLessThanOrEqual(3);
    expect(vals(out.y)).toEqual(
      vals(new Predictive(poissonModel, { posteriorSamples: draws, jit: false }).run(key(12)).y),
    );
    const b = { mu: tensor([-1, 0.5, 2]) };
    const cb = counted(branching);
    expect(vals(new Predictive(cb.model, { posteriorSamples: b }).run(key(13)).y)).toEqual(
      vals(new Predictive(branching, { posteriorSamples: b, jit: false }).run(key(13)).y),
    );
    expect(cb.calls()).toBeGreaterThanOrEqual(3);
  });
});
