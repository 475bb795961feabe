import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { ChainError, MCMC } from "./mcmc.js";
import { RunOptions, runOptions } from "./run-options.js";
import { normalPotential } from "./testing/potentials.js";

const fixtures = new URL("../test-fixtures/potentials.mjs", import.meta.url).href;
const quiet = { progressBar: false, printWarnings: false } as const;

describe("MCMC run control", () => {
  test("a sequential run yields to the event loop: a 20 ms interval ticks while it samples", {
    timeout: 120_000,
  }, async () => {
    const m = new MCMC(new NUTS({ potentialFn: normalPotential([0], [1]), initParams: [0] }), {
      ...quiet,
      numWarmup: 2000,
      numSamples: 20000,
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const t0 = performance.now();
    try {
      await m.run(0);
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - t0;
    // Each 20 ms slice ends with a yield, so about one tick per slice; without yields there are none.
    if (elapsed > 200) expect(ticks).toBeGreaterThan(0);
    expect(m.getSamples().z.shape).toEqual([20000, 1]);
  });

  test("runOptions({ signal }) aborts a sequential run with mcmc-aborted; the object keeps its draws and runs again", {
    timeout: 120_000,
  }, async () => {
    const m = new MCMC(new NUTS({ potentialFn: normalPotential([0], [1]), initParams: [0] }), {
      ...quiet,
      numWarmup: 100,
      numSamples: 100,
    });
    await m.run(1);
    const before = Array.from(f64(m.getSamples().z));
    const big = new MCMC(m.kernel, { ...quiet, numWarmup: 1000, numSamples: 10_000_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("user pressed stop")), 50);
    const err = await big.run(2, runOptions({ signal: ac.signal })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "mcmc-aborted", message: expect.stringMatching(/user pressed stop/) });
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(big.lastState).toBeUndefined();
    expect(Array.from(f64(m.getSamples().z))).toEqual(before);
    // An already-aborted signal stops before any work; the object still runs afterwards.
    await expect(m.run(3, runOptions({ signal: AbortSignal.abort() }))).rejects.toMatchObject({
      code: "mcmc-aborted",
    });
    await m.run(3);
    expect(m.getSamples().z.shape).toEqual([100, 1]);
  });

  test("vectorized chains abort too", { timeout: 120_000 }, async () => {
    const m = new MCMC(new NUTS({ potentialFn: normalPotential([0], [1]), initParams: [0] }), {
      ...quiet,
      numWarmup: 10,
      numSamples: 10_000_000,
      numChains: 2,
      chainMethod: "vectorized",
    });
    const err = await m.run(0, runOptions({ signal: AbortSignal.timeout(50) })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "mcmc-aborted" });
  });

  test("a hung worker chain fails after chainTimeoutMs with an error naming the chain; the others keep their draws", {
    timeout: 120_000,
  }, async () => {
    const payload = { mu: [0, 0], sigma: [1, 1], limit: 1e5 };
    const kernel = new NUTS({
      potentialFn: normalPotential(payload.mu, payload.sigma),
      initParams: [0, 0],
      potentialSpec: { module: fixtures, exportName: "hangingPotential", payload },
    });
    const m = new MCMC(kernel, {
      ...quiet,
      numWarmup: 50,
      numSamples: 50,
      numChains: 2,
      chainMethod: "parallel",
      initParams: [
        [0, 0],
        [1e6, 0],
      ],
    });
    const err = await m.run(0, runOptions({ chainTimeoutMs: 20_000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainError);
    expect((err as ChainError).failures.map((f) => f.chain)).toEqual([1]);
    expect((err as Error).message).toMatch(/chain 1 failed in its worker: timed out after 20000 ms/);
    expect(m.getSamples({ groupByChain: true }).z.shape).toEqual([1, 50, 2]);
  });

  test("an abort terminates worker chains", { timeout: 120_000 }, async () => {
    const payload = { mu: [0, 0], sigma: [1, 1], limit: 1e5 };
    const kernel = new NUTS({
      potentialFn: normalPotential(payload.mu, payload.sigma),
      initParams: [1e6, 0],
      potentialSpec: { module: fixtures, exportName: "hangingPotential", payload },
    });
    const m = new MCMC(kernel, { ...quiet, numWarmup: 10, numSamples: 10, chainMethod: "parallel" });
    const ac = new AbortController();
    const p = m.run(0, runOptions({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 200);
    await expect(p).rejects.toMatchObject({ code: "mcmc-aborted" });
  });

  test("runOptions must come last, and is checked", () => {
    const m = new MCMC(new NUTS({ potentialFn: normalPotential([0], [1]), initParams: [0] }), {
      ...quiet,
      numWarmup: 1,
      numSamples: 1,
    });
    expect(() => runOptions({ chainTimeoutMs: -1 })).toThrow(/chainTimeoutMs must be a number > 0/);
    expect(runOptions()).toBeInstanceOf(RunOptions);
    return expect(m.run(0, runOptions(), 1)).rejects.toThrow(/must be the last argument/);
  });
});
