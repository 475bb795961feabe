import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import betaBernoulli from "../fixtures/beta_bernoulli.json" with { type: "json" };
import logisticFixture from "../fixtures/logistic.json" with { type: "json" };
import { hmc, hmcStateFromJSON, hmcStateToJSON } from "./hmc.js";
import { HMC, NUTS } from "./hmc-kernel.js";
import { invertSpd } from "./internal/linalg.js";
import type { PotentialFn } from "./internal/trajectory.js";
import { MCMC } from "./mcmc.js";
import { funnelPotential, mvnPotential, normalPotential } from "./testing/potentials.js";

function moments(data: Float64Array, d: number, j: number): { mean: number; sd: number } {
  const n = data.length / d;
  let m = 0;
  for (let i = 0; i < n; i++) m += data[i * d + j];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (data[i * d + j] - m) ** 2;
  return { mean: m, sd: Math.sqrt(v / (n - 1)) };
}

function covariance(data: Float64Array, d: number): Float64Array {
  const n = data.length / d;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] += data[i * d + a] / n;
  const c = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++)
        c[a * d + b] += ((data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b])) / (n - 1);
    }
  }
  return c;
}

const quiet = { progressBar: false } as const;

describe("HMC and NUTS on analytic posteriors", () => {
  for (const Kernel of [HMC, NUTS]) {
    test(`${Kernel.name} recovers the mean and sd of an unnormalised Normal(1, 0.5) (rtol 0.07, NumPyro's test)`, async () => {
      const kernel = new Kernel({
        potentialFn: normalPotential([1], [0.5]),
        initParams: [0],
        trajectoryLength: 8,
      });
      const mcmc = new MCMC(kernel, { numWarmup: 1000, numSamples: 4000, ...quiet });
      await mcmc.run(2);
      const { mean, sd } = moments(f64(mcmc.getSamples().z), 1, 0);
      expect(Math.abs(mean - 1)).toBeLessThan(0.07);
      expect(Math.abs(sd - 0.5)).toBeLessThan(0.07 * 0.5);
    });
  }

  test("NUTS on a Beta–Bernoulli posterior (logit scale, Jacobian included) matches the exact Beta posterior", async () => {
    const { n, k, posteriorMean, posteriorSd } = betaBernoulli;
    // p = σ(θ); log p(θ | y) = (k + 1) log σ(θ) + (n − k + 1) log(1 − σ(θ)) (Beta(1, 1) prior × Jacobian).
    const U: PotentialFn = (z, g) => {
      const t = z[0];
      const logSig = -Math.log1p(Math.exp(-t));
      const log1mSig = -Math.log1p(Math.exp(t));
      g[0] = (n + 2) / (1 + Math.exp(-t)) - (k + 1);
      return -((k + 1) * logSig + (n - k + 1) * log1mSig);
    };
    const mcmc = new MCMC(
      new NUTS({
        potentialFn: U,
        initParams: [0],
        postprocessFn: (z) => ({ p: Float64Array.of(1 / (1 + Math.exp(-z[0]))) }),
      }),
      {
        numWarmup: 500,
        numSamples: 4000,
        ...quiet,
      },
    );
    await mcmc.run(1);
    const p = mcmc.getSamples().p;
    expect(p.shape).toEqual([4000, 1]);
    const { mean, sd } = moments(f64(p), 1, 0);
    expect(Math.abs(mean - 0.9)).toBeLessThan(0.05); // NumPyro's tolerance against the truth
    expect(Math.abs(mean - posteriorMean)).toBeLessThan(4 * (posteriorSd / Math.sqrt(1000))); // ≥ 1000 ESS
    expect(Math.abs(sd - posteriorSd)).toBeLessThan(0.1 * posteriorSd);
  });

  for (const d of [2, 5]) {
    test(`NUTS with denseMass recovers a correlated ${d}-D MVN covariance and adapts the inverse mass to it (rtol 0.1)`, async () => {
      const scales = [1, 3, 0.5, 2, 1.5].slice(0, d);
      const cov = new Float64Array(d * d);
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++) cov[i * d + j] = scales[i] * scales[j] * 0.9 ** Math.abs(i - j);
      const kernel = new NUTS({
        potentialFn: mvnPotential(invertSpd(cov, d, "cov"), d),
        initParams: new Array(d).fill(0.1),
        denseMass: true,
      });
      const mcmc = new MCMC(kernel, { numWarmup: 1000, numSamples: 4000, ...quiet });
      await mcmc.run(3);
      const est = covariance(f64(mcmc.getSamples().z), d);
      const inv = hmcStateFromJSON(mcmc.lastState?.chains[0] as never).inverseMassMatrix;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const tol = 0.1 * Math.sqrt(cov[i * d + i] * cov[j * d + j]);
          expect(Math.abs(est[i * d + j] - cov[i * d + j])).toBeLessThan(tol);
          expect(Math.abs(inv[i * d + j] - cov[i * d + j])).toBeLessThan(2 * tol);
        }
      }
    });
  }

  test("NUTS recovers logistic-regression coefficients [1, 2, 3] (atol 0.4) and scipy's posterior mode (atol 0.05)", async () => {
    const X = Float64Array.from(logisticFixture.X.flat());
    const y = Float64Array.from(logisticFixture.y);
    const n = y.length;
    const d = 3;
    // U(β) = −Σ [y·η − log(1 + e^η)] + ½|β|², η = Xβ (N(0, 1) prior).
    const U: PotentialFn = (b, g) => {
      let u = 0;
      for (let j = 0; j < d; j++) {
        g[j] = b[j];
        u += 0.5 * b[j] * b[j];
      }
      for (let i = 0; i < n; i++) {
        let eta = 0;
        for (let j = 0; j < d; j++) eta += X[i * d + j] * b[j];
        const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
        u -= y[i] * eta - softplus;
        const r = 1 / (1 + Math.exp(-eta)) - y[i];
        for (let j = 0; j < d; j++) g[j] += r * X[i * d + j];
      }
      return u;
    };
    const mcmc = new MCMC(new NUTS({ potentialFn: U, dim: 3, layout: [{ name: "coefs", shape: [3] }] }), {
      numWarmup: 300,
      numSamples: 1000,
      ...quiet,
    });
    await mcmc.run(4);
    const coefs = mcmc.getSamples().coefs;
    expect(coefs.shape).toEqual([1000, 3]);
    for (let j = 0; j < d; j++) {
      const { mean } = moments(f64(coefs), d, j);
      expect(Math.abs(mean - logisticFixture.trueCoefs[j])).toBeLessThan(0.4);
      expect(Math.abs(mean - logisticFixture.mapCoefs[j])).toBeLessThan(0.05);
    }
  });

  test("NUTS flags divergences on Neal's funnel (centred, 10-D, 4 chains)", async () => {
    const mcmc = new MCMC(new NUTS({ potentialFn: funnelPotential(), initParams: new Array(10).fill(0.5) }), {
      numWarmup: 500,
      numSamples: 1000,
      numChains: 4,
      chainMethod: "vectorized",
      ...quiet,
    });
    await mcmc.run(7);
    const div = f64(mcmc.getExtraFields().diverging);
    const total = div.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(mcmc.numDivergences.reduce((a, b) => a + b, 0)).toBe(total);
  });

  test("HMC flags every transition divergent when the step size is far too large for the potential", async () => {
    const kernel = new HMC({
      potentialFn: normalPotential([0], [0.01]),
      initParams: [0],
      stepSize: 1,
      numSteps: 10,
      adaptStepSize: false,
    });
    const mcmc = new MCMC(kernel, { numWarmup: 0, numSamples: 20, ...quiet });
    await mcmc.run(0);
    const f = mcmc.getExtraFields();
    expect(Array.from(f64(f.diverging))).toEqual(new Array(20).fill(1));
    expect(Array.from(f64(f.acceptProb)).every((p) => p < 1e-100)).toBe(true);
  });
});

describe("hmc(potential, options)", () => {
  const U = normalPotential([0, 0, 0], [1, 2, 3]);

  test("hmc().step reports NUTS fields: treeDepth ≤ maxTreeDepth and numSteps < 2^treeDepth", () => {
    const { init, step } = hmc(U, { maxTreeDepth: 3 });
    const s = init(new Float64Array(3), [0, 1], 50);
    for (let i = 0; i < 100; i++) {
      step(s);
      expect(s.treeDepth).toBeLessThanOrEqual(3);
      expect(s.numSteps).toBeLessThan(2 ** s.treeDepth);
      expect(s.acceptProb).toBeGreaterThanOrEqual(0);
      expect(s.acceptProb).toBeLessThanOrEqual(1);
      expect(s.energy).toBeGreaterThanOrEqual(s.potentialEnergy);
    }
    expect(s.i).toBe(100);
  });

  test("hmc().step continues identically from a JSON round trip of its state (mid-warmup)", () => {
    const core = hmc(U, { denseMass: true });
    const a = core.init(Float64Array.of(1, 1, 1), [5, 6], 200);
    for (let i = 0; i < 120; i++) core.step(a);
    const b = hmcStateFromJSON(JSON.parse(JSON.stringify(hmcStateToJSON(a))));
    for (let i = 0; i < 150; i++) {
      core.step(a);
      core.step(b);
    }
    expect(Array.from(b.z)).toEqual(Array.from(a.z));
    expect(b.stepSize).toBe(a.stepSize);
    expect(Array.from(b.inverseMassMatrix)).toEqual(Array.from(a.inverseMassMatrix));
  });

  test("hmc() without adaptation keeps stepSize and the identity mass", () => {
    const core = hmc(U, {
      adaptStepSize: false,
      adaptMassMatrix: false,
      stepSize: 0.3,
      algo: "HMC",
      numSteps: 5,
    });
    const s = core.init(new Float64Array(3), [0, 2], 100);
    for (let i = 0; i < 150; i++) core.step(s);
    expect(s.stepSize).toBe(0.3);
    expect(Array.from(s.inverseMassMatrix)).toEqual([1, 1, 1]);
    expect(s.numSteps).toBe(5);
  });

  test("hmc(potential, options) rejects invalid options up front", () => {
    expect(() => hmc(U, { stepSize: 0 })).toThrow(/stepSize/);
    expect(() => hmc(U, { targetAcceptProb: 1 })).toThrow(/targetAcceptProb/);
    expect(() => hmc(U, { maxTreeDepth: 0 })).toThrow(/maxTreeDepth/);
    expect(() => hmc(U, { numSteps: 1.5 })).toThrow(/numSteps/);
  });

  test("new NUTS({ potentialFn }) validates options and needs the dimension up front", () => {
    expect(() => new NUTS({ potentialFn: U })).toThrow(/initParams, layout or dim/);
    expect(() => new NUTS({ potentialFn: U, dim: 3, stepSize: -1 })).toThrow(/stepSize/);
    expect(
      () => new NUTS({ potentialFn: U, initParams: [0, 0], layout: [{ name: "a", shape: [3] }] }),
    ).toThrow(/layout/);
    expect(() => new NUTS({} as never)).toThrow(/potentialFn/);
  });

  test("hmc().init throws when the potential is not finite at the start", () => {
    const bad: PotentialFn = (_z, g) => {
      g.fill(0);
      return Number.POSITIVE_INFINITY;
    };
    expect(() => hmc(bad).init(new Float64Array(2), [0, 0], 10)).toThrow(/not finite at the initial point/);
  });
});
