import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { invertSpd } from "./internal/linalg.js";
import { MCMC } from "./mcmc.js";
import { SA } from "./sa.js";
import { mvnPotential, normalPotential } from "./testing/potentials.js";
import { CORRELATED_3D, columnMoments } from "./testing/stats.js";

describe("SA (sample adaptive MCMC)", () => {
  // NumPyro test_mcmc.py::test_unnormalized_normal_x64 (SA: 100 000 warmup and samples, rtol 0.07).
  for (const denseMass of [true, false]) {
    test(`unnormalised N(1, 0.5²), denseMass ${denseMass}: mean and sd within 7%`, {
      timeout: 120_000,
    }, async () => {
      const mcmc = new MCMC(
        new SA({ potentialFn: normalPotential([1], [0.5]), initParams: [0], denseMass }),
        {
          numWarmup: 100_000,
          numSamples: 100_000,
          progressBar: false,
        },
      );
      await mcmc.run(0);
      const { mean, sd } = columnMoments(f64(mcmc.getSamples().z), 1);
      expect(Math.abs(mean[0] - 1)).toBeLessThan(0.07);
      expect(Math.abs(sd[0] - 0.5)).toBeLessThan(0.07 * 0.5);
      const f = mcmc.getExtraFields();
      expect(Object.keys(f).sort()).toEqual(["acceptProb", "diverging", "meanAcceptProb"]);
      expect(f64(f.diverging).every((x) => x === 0)).toBe(true);
    });
  }

  // The issue's trap: NumPyro 0.21's SA with its default adaptStateSize (2·dim) gives sds 5–16% low on this
  // target (scripts/sa_correlated_numpyro.py). Phlox keeps the default and holds it to a documented 10%
  // (it measured within 1%); a larger adaptStateSize is held to 5%.
  for (const [adaptStateSize, tol] of [
    [undefined, 0.1],
    [30, 0.05],
  ] as const) {
    test(`correlated 3-D Gaussian, adaptStateSize ${adaptStateSize ?? "2·dim"}: sds within ${tol * 100}% of the exact ones`, {
      timeout: 180_000,
    }, async () => {
      const U = mvnPotential(invertSpd(Float64Array.from(CORRELATED_3D.cov), 3, "cov"), 3);
      const mcmc = new MCMC(new SA({ potentialFn: U, initParams: [0, 0, 0], adaptStateSize }), {
        numWarmup: 20_000,
        numSamples: 80_000,
        progressBar: false,
      });
      await mcmc.run(1);
      const { mean, sd } = columnMoments(f64(mcmc.getSamples().z), 3);
      for (let j = 0; j < 3; j++) {
        expect(Math.abs(mean[j])).toBeLessThan(0.1 * CORRELATED_3D.sd[j]);
        expect(Math.abs(sd[j] / CORRELATED_3D.sd[j] - 1)).toBeLessThan(tol);
      }
    });
  }

  test("bad adaptStateSize is refused, naming the option", () => {
    expect(
      () => new SA({ potentialFn: normalPotential([0], [1]), initParams: [0], adaptStateSize: 1 }),
    ).toThrow(/adaptStateSize must be an integer > 1/);
  });

  test("a proposal with an infinite potential is dropped at once (never kept among the adaptation points)", async () => {
    // Half-normal on x > 0 written with U = ∞ outside the support.
    const U = (z: Float64Array) => (z[0] > 0 ? 0.5 * z[0] * z[0] : Number.POSITIVE_INFINITY);
    const mcmc = new MCMC(new SA({ potentialFn: U, initParams: [1] }), {
      numWarmup: 2000,
      numSamples: 20_000,
      progressBar: false,
    });
    await mcmc.run(3);
    const z = f64(mcmc.getSamples().z);
    expect(z.every((x) => x > 0)).toBe(true);
    const { mean } = columnMoments(z, 1);
    expect(Math.abs(mean[0] - Math.sqrt(2 / Math.PI))).toBeLessThan(0.08);
  });
});
