import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { hmc } from "./hmc.js";
import { HMC, NUTS } from "./hmc-kernel.js";
import type { AsyncPotentialFn, PotentialFn } from "./internal/trajectory.js";
import { MCMC } from "./mcmc.js";
import { normalPotential } from "./testing/potentials.js";

const U: PotentialFn = normalPotential([1, -2, 0.5], [0.5, 2, 1]);

/** The same potential resolving later, as a GPU read-back does (a macrotask, not just a microtask). */
const Uasync: AsyncPotentialFn = (z, g) =>
  new Promise((resolve) => {
    setImmediate(() => resolve(U(z, g)));
  });

describe("an asynchronous potential (asyncPotentialFn)", () => {
  test("hmc().stepAsync gives the same draws as step for the same key, NUTS and static HMC", async () => {
    for (const algo of ["NUTS", "HMC"] as const) {
      const options = { algo, numSteps: 5, findHeuristicStepSize: true, denseMass: algo === "HMC" };
      const a = hmc(U, options);
      const b = hmc(Uasync, options);
      const sa = a.init(new Float64Array([0.1, 0.2, 0.3]), [0, 7], 60);
      const sb = await b.initAsync(new Float64Array([0.1, 0.2, 0.3]), [0, 7], 60);
      expect(sb.stepSize).toBe(sa.stepSize);
      for (let i = 0; i < 120; i++) {
        a.step(sa);
        await b.stepAsync(sb);
      }
      expect(Array.from(sb.z)).toEqual(Array.from(sa.z));
      expect(sb.stepSize).toBe(sa.stepSize);
      expect(Array.from(sb.inverseMassMatrix)).toEqual(Array.from(sa.inverseMassMatrix));
    }
  });

  test("MCMC runs NUTS over an asyncPotentialFn and recovers the posterior", async () => {
    const sync = new MCMC(new NUTS({ potentialFn: U, initParams: [0, 0, 0] }), {
      numWarmup: 200,
      numSamples: 400,
      numChains: 2,
    });
    const async = new MCMC(new NUTS({ asyncPotentialFn: Uasync, initParams: [0, 0, 0] }), {
      numWarmup: 200,
      numSamples: 400,
      numChains: 2,
      chainMethod: "vectorized",
    });
    await sync.run(3);
    await async.run(3);
    const zs = f64(sync.getSamples().z);
    const za = f64(async.getSamples().z);
    // Vectorized and sequential chains give identical draws, synchronous or not.
    expect(Array.from(za)).toEqual(Array.from(zs));
    const n = za.length / 3;
    const mean = [0, 1, 2].map((j) => za.filter((_, i) => i % 3 === j).reduce((s, v) => s + v, 0) / n);
    expect(mean[0]).toBeCloseTo(1, 1);
    expect(Math.abs(mean[1] + 2)).toBeLessThan(0.4);
    expect(Math.abs(mean[2] - 0.5)).toBeLessThan(0.2);
    expect(f64(async.getExtraFields().numSteps).length).toBe(800);
  });

  test("an async potential given as potentialFn fails at init with a message naming asyncPotentialFn", async () => {
    const bad = Uasync as unknown as PotentialFn;
    const mcmc = new MCMC(new HMC({ potentialFn: bad, initParams: [0, 0, 0] }), {
      numWarmup: 5,
      numSamples: 5,
    });
    await expect(mcmc.run(0)).rejects.toThrow(/returned a Promise.*asyncPotentialFn/s);
  });

  test("parallel chains, both potentials or neither are refused with a clear error", () => {
    const k = new NUTS({ asyncPotentialFn: Uasync, initParams: [0, 0, 0] });
    expect(k.asynchronous).toBe(true);
    expect(() => new MCMC(k, { numWarmup: 1, numSamples: 1, chainMethod: "parallel" })).toThrow(
      /parallel" cannot run a kernel with an asynchronous potential/,
    );
    expect(() => new NUTS({ potentialFn: U, asyncPotentialFn: Uasync, initParams: [0] })).toThrow(/not both/);
    expect(() => new NUTS({ initParams: [0] })).toThrow(/asyncPotentialFn/);
    const state = new NUTS({ potentialFn: U, initParams: [0, 0, 0] }).core.init(
      new Float64Array(3),
      [0, 0],
      0,
    );
    expect(() => k.sample(state)).toThrow(/call sampleAsync/);
  });
});
