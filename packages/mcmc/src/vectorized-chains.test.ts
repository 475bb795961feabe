// chainMethod "vectorized" over a model: every chain's leapfrog step in one vmapped compiled call, with the
// draws of sequential chains (a local-level model through scan, and a hierarchical model with plates).
import { HalfNormal, Normal } from "@phlox/distributions";
import { plate, sample, scan } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
import { HMC, NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

const ys = [0.3, -0.2, 0.8, 1.1, 0.4, 0.9, 1.6, 1.2, 0.7, 1.9];
const localLevel = (y: Tensor) => {
  const sigma = sample("sigma", new HalfNormal(1));
  const tau = sample("tau", new HalfNormal(1));
  const x0 = sample("x0", new Normal(0, 1));
  scan(
    (x: Tensor, yt: Tensor) => {
      const x1 = sample("x", new Normal(x, tau));
      sample("y", new Normal(x1, sigma), { obs: yt });
      return [x1, null];
    },
    x0,
    y,
  );
};
const schools = (y: Tensor, s: Tensor) => {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfNormal(5));
  plate("J", 8, () => {
    const theta = sample("theta", new Normal(mu, tau));
    sample("obs", new Normal(theta, s), { obs: y });
  });
};
const y8 = tensor([28, 8, -3, 7, -1, 1, 18, 12]);
const s8 = tensor([15, 10, 16, 11, 9, 11, 10, 18]);

test("ModelInfo.potentialBatch: row i equals potentialFn at point i, bit for bit", () => {
  const info = initializeModel(3, localLevel, [tensor(ys)]);
  const n = 3;
  const d = info.dim;
  const zs = Float64Array.from({ length: n * d }, (_, i) => 0.5 * Math.sin(1.7 * i));
  const grads = new Float64Array(n * d);
  const values = new Float64Array(n);
  info.potentialBatch(n)?.(zs, grads, values);
  for (let i = 0; i < n; i++) {
    const g = new Float64Array(d);
    expect(values[i]).toBe(info.potentialFn(zs.slice(i * d, (i + 1) * d), g));
    expect(Array.from(grads.subarray(i * d, (i + 1) * d))).toEqual(Array.from(g));
  }
});

for (const [name, make, model, args] of [
  ["NUTS, local level through scan", () => new NUTS(localLevel), localLevel, [tensor(ys)]],
  ["HMC, eight schools", () => new HMC(schools, { trajectoryLength: 2 }), schools, [y8, s8]],
] as const) {
  test(`${name}: vectorized chains (one batched call per leapfrog step) give the sequential draws`, {
    timeout: 120_000,
  }, async () => {
    void model;
    const runs = [];
    for (const chainMethod of ["sequential", "vectorized"] as const) {
      const m = new MCMC(make() as HMC, {
        numWarmup: 60,
        numSamples: 40,
        numChains: 3,
        chainMethod,
        progressBar: false,
      });
      await m.run(5, ...(args as unknown as unknown[]));
      runs.push(m);
    }
    const [a, b] = runs.map((m) => m.getSamples({ groupByChain: true }));
    for (const site of Object.keys(a)) expect(Array.from(f64(b[site]))).toEqual(Array.from(f64(a[site])));
    expect(Array.from(f64(runs[1].getExtraFields().numSteps))).toEqual(
      Array.from(f64(runs[0].getExtraFields().numSteps)),
    );
  });
}
