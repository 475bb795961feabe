import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { BarkerMH, RandomWalkMH } from "./barker.js";
import { invertSpd } from "./internal/linalg.js";
import { MCMC } from "./mcmc.js";
import { mvnPotential, normalPotential } from "./testing/potentials.js";
import { CORRELATED_3D, columnMoments } from "./testing/stats.js";

describe("BarkerMH and RandomWalkMH", () => {
  // NumPyro test_mcmc.py::test_unnormalized_normal_x64 (1000 warmup, 8000 samples, rtol 0.07).
  for (const [name, make] of [
    [
      "BarkerMH",
      (dense: boolean) =>
        new BarkerMH({ potentialFn: normalPotential([1], [0.5]), initParams: [0], denseMass: dense }),
    ],
    [
      "RandomWalkMH",
      (dense: boolean) =>
        new RandomWalkMH({ potentialFn: normalPotential([1], [0.5]), initParams: [0], denseMass: dense }),
    ],
  ] as const) {
    for (const dense of [false, true]) {
      test(`${name}: unnormalised N(1, 0.5²), denseMass ${dense}: mean and sd within 7%`, {
        timeout: 60_000,
      }, async () => {
        const mcmc = new MCMC(make(dense), { numWarmup: 1000, numSamples: 8000, progressBar: false });
        await mcmc.run(0);
        const { mean, sd } = columnMoments(f64(mcmc.getSamples().z), 1);
        expect(Math.abs(mean[0] - 1)).toBeLessThan(0.07);
        expect(Math.abs(sd[0] - 0.5)).toBeLessThan(0.07 * 0.5);
      });
    }
  }

  // NumPyro test_mcmc.py::test_dense_mass (BarkerMH, dense mass, rho ∈ {−0.7, 0.8}; 20 000 warmup, 10 000 samples).
  for (const rho of [-0.7, 0.8]) {
    test(`BarkerMH dense mass on [[10, ρ], [ρ, 0.1]], ρ = ${rho}: adapted covariance within 10%, moments as NumPyro's test`, {
      timeout: 60_000,
    }, async () => {
      const cov = Float64Array.of(10, rho, rho, 0.1);
      const kernel = new BarkerMH({
        potentialFn: mvnPotential(invertSpd(cov, 2, "cov"), 2),
        initParams: [0, 0],
        denseMass: true,
      });
      const mcmc = new MCMC(kernel, { numWarmup: 20_000, numSamples: 10_000, progressBar: false });
      await mcmc.run(0);
      const last = mcmc.lastState?.chains[0] as { adapt: { inverseMassMatrix: number[] } };
      const inv = last.adapt.inverseMassMatrix;
      for (let i = 0; i < 4; i++)
        expect(Math.abs(inv[i] - cov[i])).toBeLessThanOrEqual(0.1 * Math.abs(cov[i]) + 1e-12);
      const z = f64(mcmc.getSamples().z);
      const { mean, sd } = columnMoments(z, 2);
      expect(Math.abs(mean[0])).toBeLessThan(0.5);
      expect(Math.abs(mean[1])).toBeLessThan(0.05);
      let cross = 0;
      for (let i = 0; i < z.length / 2; i++) cross += (z[2 * i] * z[2 * i + 1]) / (z.length / 2);
      expect(Math.abs(cross - rho)).toBeLessThan(0.2);
      expect(Math.abs(sd[0] ** 2 / 10 - 1)).toBeLessThan(0.2);
      expect(Math.abs(sd[1] ** 2 / 0.1 - 1)).toBeLessThan(0.2);
    });
  }

  test("BarkerMH on a correlated 3-D Gaussian: means and sds match the exact ones", {
    timeout: 60_000,
  }, async () => {
    const U = mvnPotential(invertSpd(Float64Array.from(CORRELATED_3D.cov), 3, "cov"), 3);
    const mcmc = new MCMC(new BarkerMH({ potentialFn: U, initParams: [0, 0, 0], denseMass: true }), {
      numWarmup: 2000,
      numSamples: 50_000,
      progressBar: false,
    });
    await mcmc.run(1);
    const { mean, sd } = columnMoments(f64(mcmc.getSamples().z), 3);
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(mean[j])).toBeLessThan(0.1 * CORRELATED_3D.sd[j]);
      expect(Math.abs(sd[j] / CORRELATED_3D.sd[j] - 1)).toBeLessThan(0.05);
    }
    expect(f64(mcmc.getExtraFields().meanAcceptProb).at(-1)).toBeGreaterThan(0.3);
  });

  test("options are checked, naming the option", () => {
    const potentialFn = normalPotential([0], [1]);
    expect(() => new BarkerMH({ potentialFn, initParams: [0], targetAcceptProb: 1.2 })).toThrow(
      /targetAcceptProb/,
    );
    expect(() => new RandomWalkMH({ potentialFn, initParams: [0], stepSize: -1 })).toThrow(/stepSize/);
    expect(() => new RandomWalkMH({ potentialFn })).toThrow(/initParams, layout or dim/);
  });
});
