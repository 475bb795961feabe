import { f64 } from "@phlox/test-utils";
import { describe, expect, test, vi } from "vitest";
import { AIES, type AIESMove } from "./aies.js";
import { ESS } from "./ess.js";
import { invertSpd } from "./internal/linalg.js";
import { MCMC } from "./mcmc.js";
import { mvnPotential, normalPotential } from "./testing/potentials.js";
import { CORRELATED_3D, columnMoments } from "./testing/stats.js";

const correlated = mvnPotential(invertSpd(Float64Array.from(CORRELATED_3D.cov), 3, "cov"), 3);

describe("AIES and ESS (ensemble kernels: numChains walkers)", () => {
  // NumPyro test_mcmc.py::test_unnormalized_normal_x64 (10 walkers, 1000 warmup, 8000 samples, rtol 0.07).
  for (const [name, make] of [
    ["AIES", () => new AIES({ potentialFn: normalPotential([1], [0.5]), dim: 1 })],
    ["ESS", () => new ESS({ potentialFn: normalPotential([1], [0.5]), dim: 1 })],
  ] as const) {
    test(`${name}: unnormalised N(1, 0.5²) with 10 walkers: mean and sd within 7%`, {
      timeout: 60_000,
    }, async () => {
      const mcmc = new MCMC(make(), {
        numWarmup: 1000,
        numSamples: 8000,
        numChains: 10,
        chainMethod: "vectorized",
        progressBar: false,
      });
      await mcmc.run(0);
      const z = mcmc.getSamples({ groupByChain: true }).z;
      expect(z.shape).toEqual([10, 8000, 1]);
      const { mean, sd } = columnMoments(f64(z), 1);
      expect(Math.abs(mean[0] - 1)).toBeLessThan(0.07);
      expect(Math.abs(sd[0] - 0.5)).toBeLessThan(0.07 * 0.5);
    });
  }

  // Exact posterior, not NumPyro 0.21's draws: its second half-step uses the moving walkers as their own
  // complementary ensemble, which makes the sds 5–10% low with 10–20 walkers. 4% catches that bias; the MC
  // error of these runs is about 1%.
  const cases = [
    ["AIES, DEMove", () => new AIES({ potentialFn: correlated, dim: 3 })],
    [
      "AIES, StretchMove",
      () => new AIES({ potentialFn: correlated, dim: 3, moves: [[AIES.StretchMove(), 1]] }),
    ],
    [
      "AIES, DE/stretch mixture, randomizeSplit",
      () =>
        new AIES({
          potentialFn: correlated,
          dim: 3,
          randomizeSplit: true,
          moves: new Map<AIESMove, number>([
            [AIES.DEMove(), 0.5],
            [AIES.StretchMove(), 0.5],
          ]),
        }),
    ],
    ["ESS, DifferentialMove", () => new ESS({ potentialFn: correlated, dim: 3 })],
    [
      "ESS, Gaussian/KDE/Random moves",
      () =>
        new ESS({
          potentialFn: correlated,
          dim: 3,
          moves: [
            [ESS.GaussianMove(), 1],
            [ESS.KDEMove(), 1],
            [ESS.RandomMove(), 1],
          ],
        }),
    ],
  ] as const;
  for (const [name, make] of cases) {
    test(`${name}: correlated 3-D Gaussian with 10 walkers: means and sds within 4% of the exact posterior`, {
      timeout: 120_000,
    }, async () => {
      const mcmc = new MCMC(make(), {
        numWarmup: 2000,
        numSamples: 20_000,
        numChains: 10,
        chainMethod: "vectorized",
        progressBar: false,
      });
      await mcmc.run(1);
      const { mean, sd } = columnMoments(f64(mcmc.getSamples().z), 3);
      for (let j = 0; j < 3; j++) {
        expect(Math.abs(mean[j])).toBeLessThan(0.06 * CORRELATED_3D.sd[j]);
        expect(Math.abs(sd[j] / CORRELATED_3D.sd[j] - 1)).toBeLessThan(0.04);
      }
    });
  }

  test("extra fields: AIES acceptProb/meanAcceptProb, ESS mu/numExpansions/numContractions; mu is tuned in warmup only", async () => {
    const a = new MCMC(new AIES({ potentialFn: correlated, dim: 3 }), {
      numWarmup: 50,
      numSamples: 20,
      numChains: 8,
      progressBar: false,
    });
    await a.run(0);
    const fa = a.getExtraFields({ groupByChain: true });
    expect(fa.acceptProb.shape).toEqual([8, 20]);
    expect(f64(fa.meanAcceptProb).every((x) => x >= 0 && x <= 1)).toBe(true);
    const e = new MCMC(new ESS({ potentialFn: correlated, dim: 3 }), {
      numWarmup: 50,
      numSamples: 20,
      numChains: 8,
      progressBar: false,
    });
    await e.run(0);
    const fe = e.getExtraFields({ groupByChain: true });
    const mu = f64(fe.mu);
    expect(new Set(mu).size).toBe(1); // frozen after warmup, the same for every walker
    expect(mu[0]).not.toBe(1);
    expect(fe.numExpansions.shape).toEqual([8, 20]);
  });

  // NumPyro test_ensemble_mcmc.py::test_multirun and test_out_shape_smoke: the same MCMC run twice.
  for (const make of [
    () => new AIES({ potentialFn: correlated, dim: 3 }),
    () => new ESS({ potentialFn: correlated, dim: 3 }),
  ]) {
    test(`${make().constructor.name}: runs three times on one MCMC; later runs continue from postWarmupState (the third repeats the first)`, async () => {
      const mcmc = new MCMC(make(), { numWarmup: 10, numSamples: 10, numChains: 10, progressBar: false });
      await mcmc.run(2);
      const first = Array.from(f64(mcmc.getSamples().z));
      await mcmc.run(3);
      expect(mcmc.getSamples({ groupByChain: true }).z.shape).toEqual([10, 10, 3]);
      await mcmc.run(2);
      expect(Array.from(f64(mcmc.getSamples().z))).toEqual(first);
    });
  }

  test("bad input: odd or too few walkers, invalid moves, one starting point for all walkers, no MCMC", async () => {
    const potentialFn = normalPotential([0, 0], [1, 1]);
    const run = (k: AIES | ESS, numChains: number) =>
      new MCMC(k, { numWarmup: 5, numSamples: 5, numChains, progressBar: false }).run(0);
    await expect(run(new AIES({ potentialFn, dim: 2 }), 5)).rejects.toThrow(
      /numChains is the number of walkers and must be even and ≥ 4 \(got 5\)/,
    );
    await expect(run(new ESS({ potentialFn, dim: 2 }), 2)).rejects.toThrow(/must be even and ≥ 4 \(got 2\)/);
    expect(() => new AIES({ potentialFn, dim: 2, moves: [[{ type: "invalid" } as never, 1]] })).toThrow(
      /Each move must be one of AIES.DEMove\(\), AIES.StretchMove\(\)/,
    );
    expect(() => new ESS({ potentialFn, dim: 2, moves: [[ESS.RandomMove(), -1]] })).toThrow(
      /weight must be a finite number ≥ 0/,
    );
    expect(() => new ESS({ potentialFn, dim: 2, maxIter: 0 })).toThrow(/maxIter must be an integer ≥ 1/);
    await expect(run(new AIES({ potentialFn, initParams: [0, 0] }), 4)).rejects.toThrow(
      /all 4 walkers start at the same point/,
    );
    const k = new AIES({ potentialFn, dim: 2 });
    expect(() => k.init({ key: [0, 1], numWarmup: 0, modelArgs: [] })).toThrow(/must be driven by MCMC/);
    // GaussianMove needs more complementary walkers than dimensions.
    const g = new ESS({
      potentialFn: normalPotential([0, 0, 0, 0], [1, 1, 1, 1]),
      dim: 4,
      moves: [[ESS.GaussianMove(), 1]],
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(run(g, 4)).rejects.toThrow(/covariance of the 2 complementary walkers is singular/);
    // Fewer walkers than 2·dim warns (as NumPyro does), naming both numbers.
    expect(warn.mock.calls.flat().join(" ")).toMatch(
      /numChains = 4 walkers for 4 parameters; at least 2·dim = 8/,
    );
    warn.mockRestore();
  });
});
