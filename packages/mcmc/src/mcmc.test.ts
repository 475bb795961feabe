import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { HMC, type ModelPotentialFactory, NUTS } from "./hmc-kernel.js";
import type { PotentialFn } from "./internal/trajectory.js";
import { ChainError, type ChainProgress, MCMC } from "./mcmc.js";
import { runOptions } from "./run-options.js";
import { normalPotential } from "./testing/potentials.js";

const fixtures = new URL("../test-fixtures/potentials.mjs", import.meta.url).href;
const payload = { mu: [1, -2], sigma: [0.5, 2] };
const nuts = (extra: Record<string, unknown> = {}) =>
  new NUTS({
    potentialFn: normalPotential(payload.mu, payload.sigma),
    initParams: [0, 0],
    layout: [
      { name: "a", shape: [] },
      { name: "b", shape: [1] },
    ],
    potentialSpec: { module: fixtures, exportName: "normalPotential", payload },
    ...extra,
  });
const base = { numWarmup: 150, numSamples: 200, numChains: 3, progressBar: false } as const;

describe("MCMC", () => {
  test("MCMC.run(key) with the same key gives identical draws; another key gives different ones", async () => {
    const a = new MCMC(nuts(), base);
    const b = new MCMC(nuts(), base);
    const c = new MCMC(nuts(), base);
    await a.run(11);
    await b.run(11);
    await c.run(12);
    expect(Array.from(f64(b.getSamples().a))).toEqual(Array.from(f64(a.getSamples().a)));
    expect(Array.from(f64(c.getSamples().a))).not.toEqual(Array.from(f64(a.getSamples().a)));
  });

  test("MCMC chainMethod sequential, vectorized and parallel (worker threads) give identical draws", {
    timeout: 120_000,
  }, async () => {
    const runs = await Promise.all(
      (["sequential", "vectorized", "parallel"] as const).map(async (chainMethod) => {
        const m = new MCMC(nuts(), { ...base, chainMethod });
        await m.run([7, 8]);
        return m;
      }),
    );
    const ref = runs[0].getSamples({ groupByChain: true });
    for (const m of runs.slice(1)) {
      const s = m.getSamples({ groupByChain: true });
      expect(s.a.shape).toEqual([3, 200]);
      expect(s.b.shape).toEqual([3, 200, 1]);
      expect(Array.from(f64(s.a))).toEqual(Array.from(f64(ref.a)));
      expect(Array.from(f64(s.b))).toEqual(Array.from(f64(ref.b)));
      expect(Array.from(f64(m.getExtraFields().energy))).toEqual(
        Array.from(f64(runs[0].getExtraFields().energy)),
      );
    }
  });

  test("MCMC parallel: a chain whose potential throws is reported by index and reason; other chains keep their draws", {
    timeout: 60_000,
  }, async () => {
    const failing = { mu: [0, 0], sigma: [100, 1], limit: 1e5 };
    const kernel = new NUTS({
      potentialFn: normalPotential(failing.mu, failing.sigma),
      initParams: [0, 0],
      potentialSpec: { module: fixtures, exportName: "failingPotential", payload: failing },
    });
    const m = new MCMC(kernel, {
      ...base,
      chainMethod: "parallel",
      initParams: [
        [0, 0],
        [1e6, 0],
        [1, 0],
      ],
    });
    const err = await m.run(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainError);
    expect((err as ChainError).code).toBe("mcmc-chain-failed");
    expect((err as ChainError).failures.map((f) => f.chain)).toEqual([1]);
    expect((err as Error).message).toMatch(/chain 1 .*beyond the limit 100000/);
    expect(m.getSamples({ groupByChain: true }).z.shape).toEqual([2, 200, 2]);
  });

  test("MCMC sequential: a throwing chain does not lose the other chains' draws", async () => {
    const U = normalPotential([0], [0.1]);
    const throwing: PotentialFn = (z, g) => {
      if (z[0] > 1000) throw new Error(`z = ${z[0]} out of range`);
      return U(z, g);
    };
    const m = new MCMC(new NUTS({ potentialFn: throwing, initParams: [0] }), {
      ...base,
      initParams: [[0], [0], [1e9]],
    });
    await expect(m.run(3)).rejects.toThrow(/chain 2 failed: z = 1000000000 out of range/);
    expect(m.getSamples().z.shape).toEqual([400, 1]);
  });

  test("MCMC({ thinning }) keeps every thinning-th post-warmup draw", async () => {
    const full = new MCMC(nuts(), { ...base, numChains: 1 });
    const thin = new MCMC(nuts(), { ...base, numChains: 1, thinning: 3 });
    await full.run(5);
    await thin.run(5);
    const f = f64(full.getSamples().a);
    const t = f64(thin.getSamples().a);
    expect(t.length).toBe(Math.floor(200 / 3));
    // NumPyro's rule: the last draw is kept, so with 200 % 3 = 2 the kept draws are 4, 7, …, 199.
    for (let i = 0; i < t.length; i++) expect(t[i]).toBe(f[3 * i + 4]);
    expect(thin.getExtraFields().diverging.shape).toEqual([66]);
  });

  test("MCMC.postWarmupState from warmup() survives JSON; a run from it with the same key reproduces the draws", async () => {
    const a = new MCMC(nuts(), base);
    await a.warmup(21);
    const saved = JSON.stringify(a.postWarmupState);
    await a.run(21);
    const b = new MCMC(nuts(), base);
    b.postWarmupState = JSON.parse(saved);
    await b.run(21); // NumPyro: the run's key reseeds the chains
    expect(Array.from(f64(b.getSamples().a))).toEqual(Array.from(f64(a.getSamples().a)));
    expect(Array.from(f64(b.getSamples().b))).toEqual(Array.from(f64(a.getSamples().b)));
    const c = new MCMC(nuts(), base);
    c.postWarmupState = JSON.parse(saved);
    await c.run(22);
    expect(Array.from(f64(c.getSamples().a))).not.toEqual(Array.from(f64(a.getSamples().a)));
  });

  test("MCMC.run twice warms up again with the new key (NumPyro); continueChains continues bit for bit", async () => {
    const a = new MCMC(nuts(), base);
    await a.run(4);
    expect(a.postWarmupState).toBeUndefined();
    const first = Array.from(f64(a.getSamples().a));
    await a.run(5);
    const fresh = new MCMC(nuts(), base);
    await fresh.run(5);
    expect(Array.from(f64(a.getSamples().a))).toEqual(Array.from(f64(fresh.getSamples().a)));
    expect(Array.from(f64(a.getSamples().a))).not.toEqual(first);
    // One run of 400 draws equals 200 draws then 200 more continued from lastState with continueChains.
    const c = new MCMC(nuts(), { ...base, numSamples: 400 });
    await c.run(4);
    await a.run(4);
    a.postWarmupState = a.lastState;
    await a.run(0, runOptions({ continueChains: true }));
    const second = f64(c.getSamples({ groupByChain: true }).a);
    const cont = f64(a.getSamples({ groupByChain: true }).a);
    expect(cont[0]).toBe(second[200]);
    expect(cont[599]).toBe(second[1199]);
    // Without continueChains the key reseeds the resumed chains: other draws, no warmup.
    await a.run(4);
    a.postWarmupState = a.lastState;
    await a.run(77);
    expect(f64(a.getSamples({ groupByChain: true }).a)[0]).not.toBe(second[200]);
  });

  test("MCMC.warmup(key) then run(key) samples from the post-warmup state on every run until it is cleared", async () => {
    const b = new MCMC(nuts(), base);
    await b.warmup(4);
    const pw = b.postWarmupState;
    expect(pw?.chains).toHaveLength(3);
    expect(pw?.sites).toEqual([
      { name: "a", shape: [] },
      { name: "b", shape: [1] },
    ]);
    await b.run(4);
    const x = Array.from(f64(b.getSamples().a));
    await b.run(4);
    expect(Array.from(f64(b.getSamples().a))).toEqual(x);
    expect(b.postWarmupState).toBe(pw);
    b.postWarmupState = undefined;
    await b.run(4);
    const ref = new MCMC(nuts(), base);
    await ref.run(4);
    expect(Array.from(f64(b.getSamples().a))).toEqual(Array.from(f64(ref.getSamples().a)));
  });

  test("MCMC.postWarmupState from another model or kernel is refused with the sites of both", async () => {
    const a = new MCMC(nuts(), base);
    await a.warmup(1);
    const other = new MCMC(
      new NUTS({
        potentialFn: normalPotential([0, 0, 0], [1, 1, 1]),
        initParams: [0, 0, 0],
        layout: [{ name: "x", shape: [3] }],
      }),
      base,
    );
    other.postWarmupState = a.postWarmupState;
    await expect(other.run(1)).rejects.toMatchObject({
      code: "mcmc-state-mismatch",
      message: expect.stringMatching(/sites are a\[\], b\[1\].*model's are x\[3\]/),
    });
    // Without recorded sites the dimension still has to match.
    other.postWarmupState = { chains: a.postWarmupState?.chains ?? [] };
    await expect(other.run(1)).rejects.toMatchObject({
      code: "mcmc-state-mismatch",
      message: expect.stringMatching(
        /chains\[0\] has a position of 2 elements but this kernel and model have 3/,
      ),
    });
    expect(() => {
      other.postWarmupState = { chains: [null, null, null] };
    }).toThrow(/state of chain 0 is null/);
    other.postWarmupState = { chains: [{}, {}, {}] };
    await expect(other.run(1)).rejects.toMatchObject({ code: "mcmc-bad-state" });
    // The object is still usable.
    other.postWarmupState = undefined;
    await other.run(1);
    expect(other.getSamples().x.shape).toEqual([600, 3]);
  });

  test("MCMC stays usable after a failed chain: the next run warms up afresh and succeeds", async () => {
    let fail = true;
    const U = normalPotential([0, 0], [1, 1]);
    const kernel = new NUTS({
      potentialFn: (z, g) => {
        if (fail && z[0] > 1e5) throw new Error("potential blew up");
        return U(z, g);
      },
      initParams: [0, 0],
    });
    const m = new MCMC(kernel, {
      ...base,
      initParams: [
        [0, 0],
        [1e6, 0],
        [1, 0],
      ],
    });
    await expect(m.run(1)).rejects.toBeInstanceOf(ChainError);
    expect(m.lastState).toBeUndefined();
    expect(m.getSamples({ groupByChain: true }).z.shape).toEqual([2, 200, 2]);
    fail = false;
    await m.run(2);
    expect(m.getSamples({ groupByChain: true }).z.shape).toEqual([3, 200, 2]);
    m.postWarmupState = m.lastState;
    await m.run(3);
    expect(m.getSamples({ groupByChain: true }).z.shape).toEqual([3, 200, 2]);
  });

  test("MCMC.getExtraFields() returns NUTS's fields with one value per kept draw", async () => {
    const m = new MCMC(nuts(), base);
    await m.run(2);
    const f = m.getExtraFields();
    expect(Object.keys(f).sort()).toEqual(
      [
        "acceptProb",
        "diverging",
        "energy",
        "meanAcceptProb",
        "numSteps",
        "potentialEnergy",
        "stepSize",
        "treeDepth",
      ].sort(),
    );
    expect(f.treeDepth.shape).toEqual([600]);
    expect(m.getExtraFields({ groupByChain: true }).numSteps.shape).toEqual([3, 200]);
    for (let i = 0; i < 600; i++) expect(f64(f.numSteps)[i]).toBeLessThan(2 ** f64(f.treeDepth)[i]);
  });

  test("MCMC({ onProgress }) reports warmup and sampling progress per chain", async () => {
    const seen: ChainProgress[] = [];
    const m = new MCMC(nuts(), { ...base, onProgress: (p) => seen.push(p) });
    await m.run(0);
    for (let c = 0; c < 3; c++) {
      const mine = seen.filter((p) => p.chain === c);
      expect(mine.some((p) => p.phase === "warmup")).toBe(true);
      expect(mine[mine.length - 1]).toMatchObject({ iteration: 350, total: 350, phase: "sample" });
      expect(mine[mine.length - 1].diagnostics).toMatch(/steps of size .* acc\. prob=/);
    }
  });

  test("MCMC({ chainMethod: 'vectorized', onProgress }) reports about 100 times per chain, not every iteration", async () => {
    const seen: ChainProgress[] = [];
    const m = new MCMC(nuts(), { ...base, chainMethod: "vectorized", onProgress: (p) => seen.push(p) });
    await m.run(0);
    for (let c = 0; c < 3; c++) {
      const mine = seen.filter((p) => p.chain === c);
      expect(mine.length).toBeGreaterThanOrEqual(50);
      expect(mine.length).toBeLessThanOrEqual(120);
      expect(mine[mine.length - 1].iteration).toBe(350);
    }
  });

  test("MCMC rejects invalid options and parallel chains without a serialisable potential", () => {
    expect(() => new MCMC(nuts(), { ...base, numChains: 0 })).toThrow(/numChains/);
    expect(() => new MCMC(nuts(), { ...base, chainMethod: "gpu" as never })).toThrow(/chainMethod/);
    const m = new MCMC(new HMC({ potentialFn: normalPotential([0], [1]), initParams: [0] }), {
      ...base,
      chainMethod: "parallel",
    });
    return expect(m.run(0)).rejects.toThrow(/potentialSpec/);
  });

  test("NUTS.workerSpec() resolves a bare potential module to a URL in the main thread", () => {
    const spec = nuts({
      potentialSpec: { module: "@phlox/diagnostics", exportName: "x", payload: null },
    }).workerSpec();
    const potential = (spec.payload as { potential: { module: string } }).potential;
    expect(potential.module).toMatch(/^file:.*diagnostics/);
    expect(spec.exportName).toBe("buildHMCWorkerKernel");
  });

  test("MCMC.getSamples() before run() says to call run first", () => {
    expect(() => new MCMC(nuts(), base).getSamples()).toThrow(/call await mcmc.run/);
  });
});

describe("NUTS(model, options)", () => {
  // A stand-in for @phlox/infer's initializeModel: one positive site `sigma` on the log scale with a
  // LogNormal(0, 1) posterior (so log sigma ~ N(0, 1)) and a deterministic site `twice`.
  const factory: ModelPotentialFactory = (key, _model, args, { initStrategy }) => ({
    potentialFn: normalPotential([0], [1]),
    initialZ: Float64Array.of(initStrategy === "zero" ? 0 : ((key[1] % 7) - 3) / 3 + (args[0] as number)),
    layout: [{ name: "sigma", shape: [], offset: 0, size: 1 }],
    postprocess: (z) => ({
      sigma: { data: Float64Array.of(Math.exp(z[0])), shape: [] },
      twice: { data: Float64Array.of(2 * Math.exp(z[0])), shape: [] },
    }),
  });
  const model = (_x: number) => undefined;

  test("new NUTS(model, { initializeModel }) samples the model's potential and returns constrained and deterministic sites", async () => {
    const m = new MCMC(new NUTS(model, { initializeModel: factory, initStrategy: "zero" }), {
      ...base,
      numSamples: 1000,
    });
    await m.run(0, 0.5);
    const s = m.getSamples();
    expect(s.sigma.shape).toEqual([3000]);
    expect(s.twice.shape).toEqual([3000]);
    for (let i = 0; i < 10; i++) expect(f64(s.twice)[i]).toBeCloseTo(2 * f64(s.sigma)[i], 12);
    let mlog = 0;
    for (const v of f64(s.sigma)) mlog += Math.log(v) / f64(s.sigma).length;
    expect(Math.abs(mlog)).toBeLessThan(0.15);
  });

  test("MCMC.postWarmupState resumes a model kernel in a fresh MCMC (the potential is rebuilt from the args)", async () => {
    const a = new MCMC(new NUTS(model, { initializeModel: factory }), base);
    await a.warmup(9, 0.5);
    await a.run(9, 0.5);
    const b = new MCMC(new NUTS(model, { initializeModel: factory }), base);
    b.postWarmupState = JSON.parse(JSON.stringify(a.postWarmupState));
    await b.run(9, 0.5);
    expect(Array.from(f64(b.getSamples().sigma))).toEqual(Array.from(f64(a.getSamples().sigma)));
  });

  test("NUTS(model).init without prepare() or an initialiser explains how to supply one", () => {
    const kernel = new NUTS(model);
    expect(() => kernel.init({ key: [0, 0], numWarmup: 10, modelArgs: [0.5] })).toThrow(/initializeModel/);
  });
});
