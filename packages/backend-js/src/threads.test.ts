import type { Tensor } from "@phlox/tensor";
import * as T from "@phlox/tensor";
import { PhloxError, simplify, stageValueAndGrad, tensor } from "@phlox/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram, loadCompiled } from "./compile.js";
import { poolOf } from "./internal/threads.js";
import { compileValueAndGrad } from "./potential.js";
import { expectClose, seeded } from "./testing/check.js";
import {
  type DensityCase,
  garch,
  linearRegression,
  logisticRegression,
  normalMixture,
} from "./testing/densities.js";
import { makeRandomProgram } from "./testing/random-programs.js";
import { disposeThreads, getThreads, setThreads, threadsReady } from "./threads.js";

// Two threads, every shared loop threaded (the loops themselves exist from BLOCK_ABOVE rows).
const THREADED = { threads: 2, threadMinRows: 1 } as const;

afterAll(() => disposeThreads());

/** Value and gradient of `fn` at `z`. */
function evalAt(fn: (z: Float64Array, g: Float64Array) => number, z: Float64Array): Float64Array {
  const g = new Float64Array(z.length);
  const v = fn(z, g);
  return Float64Array.from([v, ...g]);
}

function sharedLoops(source: string): number {
  return source.split("__par.run(").length - 1;
}

describe("data-parallel compiled potentials (threads: 2)", () => {
  const cases: [DensityCase, boolean][] = [
    [logisticRegression(12_000, 6, true), true],
    [linearRegression(12_000, 9), true],
    [normalMixture(12_000), true],
    [garch(200), false],
  ];

  it("agree with one thread to 1e-12 for the densities of the corpus, and repeat bit for bit", () => {
    for (const [c, shares] of cases) {
      const one = compileValueAndGrad(c.logp, c.dim, { threads: 1 });
      const two = compileValueAndGrad(c.logp, c.dim, THREADED);
      const source = two.compiled?.source ?? "";
      expect(sharedLoops(source) > 0, `${c.name} shares a loop`).toBe(shares);
      const ref = evalAt(one.fn, c.z);
      const got = evalAt(two.fn, c.z);
      expectClose(got, ref, 1e-12, c.name);
      const z2 = c.z.map((x, i) => x + 0.01 * Math.sin(i));
      expectClose(evalAt(two.fn, z2), evalAt(one.fn, z2), 1e-12, `${c.name} at a second point`);
      expect(evalAt(two.fn, c.z), `${c.name} repeated`).toEqual(got);
      // a second program built from the same source (another thread pool registration) gives the same bits
      expect(evalAt(loadCompiled(two.compiled?.toJSON() as never).raw as never, c.z)).toEqual(got);
    }
  }, 180_000);

  it("agree with one thread to 1e-12 on random programs over 9,000-row data", () => {
    let shared = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const { f, x } = makeRandomProgram(seed * 7919);
      const n = x.shape[0] as number;
      const data = tensor(seeded(seed, 9000 * n, -1.5, 1.5)).reshape([9000, n]);
      const total = (z: Tensor): Tensor =>
        f(z, data).reduce((acc, t) => T.add(acc, T.sum(T.tanh(t))), T.mul(T.sum(z), 0));
      const program = simplify(stageValueAndGrad(total, n, []));
      const opts = { returnFirstScalar: true, argOrder: "potential" } as const;
      const one = compileProgram(program, { ...opts, threads: 1 });
      const two = compileProgram(program, { ...opts, ...THREADED });
      shared += sharedLoops(two.source);
      const z = Float64Array.from(x.dataSync() as ArrayLike<number>);
      expectClose(evalAt(two.raw as never, z), evalAt(one.raw as never, z), 1e-12, `random program ${seed}`);
    }
    expect(shared).toBeGreaterThan(3);
  }, 180_000);

  it("share loops that scatter-add into the gradient (a gather by group) and read extra inputs", () => {
    const N = 12_000;
    const G = 37;
    const idx = tensor(
      Int32Array.from({ length: N }, (_, i) => (i * 7) % G),
      { dtype: "int32" },
    );
    const y = tensor(seeded(11, N, -2, 2));
    // y_i ~ Normal(theta[g_i], scale), scale an extra (non-differentiated) input
    const f = (z: Tensor, scale: Tensor): Tensor => {
      const d = T.div(T.sub(y, T.take(z, idx)), scale);
      return T.add(T.sum(T.mul(T.mul(d, d), -0.5)), T.mul(T.sum(T.mul(z, z)), -0.1));
    };
    const extraInputs = [{ shape: [1], dtype: "float64" as const }];
    const one = compileValueAndGrad(f, G, { extraInputs, threads: 1 });
    const two = compileValueAndGrad(f, G, { extraInputs, ...THREADED });
    expect(sharedLoops(two.compiled?.source ?? "")).toBeGreaterThan(0);
    // the gradient of the gather: a scatter-add into an output or a factory array, summed across threads
    expect(two.compiled?.source).toMatch(/summedArgs: \[\d|summed: \[\w/);
    const z = Float64Array.from(seeded(12, G, -1, 1));
    for (const scale of [0.7, 1.9]) {
      const s = new Float64Array([scale]);
      const ref = evalAt((zz, g) => one.fn(zz, g, s), z);
      const got = evalAt((zz, g) => two.fn(zz, g, s), z);
      expectClose(got, ref, 1e-12, `gather model, scale ${scale}`);
      expect(evalAt((zz, g) => two.fn(zz, g, s), z)).toEqual(got);
    }
  });

  it("stay on the calling thread below threadMinRows (the same bits as threads: 1)", () => {
    const c = logisticRegression(12_000, 6, true);
    const one = compileValueAndGrad(c.logp, c.dim, { threads: 1 });
    const high = compileValueAndGrad(c.logp, c.dim, { threads: 2, threadMinRows: 1_000_000 });
    expect(evalAt(high.fn, c.z)).toEqual(evalAt(one.fn, c.z));
  });

  it("setThreads sets the default of programs compiled afterwards; bad counts are PhloxErrors", () => {
    const before = getThreads();
    try {
      setThreads(2, { minRows: 1 });
      expect(getThreads()).toEqual({ threads: 2, minRows: 1 });
      const c = logisticRegression(10_000, 3, true);
      expect(sharedLoops(compileValueAndGrad(c.logp, c.dim).compiled?.source ?? "")).toBeGreaterThan(0);
      setThreads("auto");
      expect(getThreads().threads).toBeGreaterThanOrEqual(1);
    } finally {
      setThreads(before.threads, { minRows: before.minRows });
    }
    expect(() => setThreads(0)).toThrow(PhloxError);
    expect(() => setThreads(1.5)).toThrow(/positive integer/);
    expect(() => setThreads(2, { minRows: -1 })).toThrow(PhloxError);
  });

  it("threadsReady starts a pool and resolves once its workers wait for jobs", async () => {
    await threadsReady(1);
    expect(poolOf(1)).toBeNull();
    await threadsReady(2);
    expect(poolOf(2)).not.toBeNull();
    await expect(threadsReady(0)).rejects.toThrow(PhloxError);
  }, 180_000);

  it("threadsReady() without a count awaits the pools of the programs built here that share a loop", async () => {
    // three threads: no other test builds programs for three
    setThreads(1);
    const c = logisticRegression(5000, 2, true);
    // rows below minRows: nothing to share, no pool to wait for
    compileValueAndGrad(c.logp, c.dim, { threads: 3, threadMinRows: 1_000_000 });
    await threadsReady();
    expect(poolOf(3)).toBeNull();
    compileValueAndGrad(c.logp, c.dim, { threads: 3, threadMinRows: 1 });
    expect(poolOf(3)).toBeNull();
    await threadsReady();
    expect(poolOf(3)).not.toBeNull();
  }, 180_000);

  it("a worker that exits mid-evaluation or is terminated surfaces a PhloxError, never a hang", async () => {
    const c = logisticRegression(10_000, 3, true);
    const p = compileValueAndGrad(c.logp, c.dim, THREADED);
    const ok = evalAt(p.fn, c.z);
    const pool = poolOf(2);
    expect(pool).not.toBeNull();
    pool?.exitOnNextJob(0);
    let err: unknown;
    try {
      evalAt(p.fn, c.z);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PhloxError);
    expect((err as PhloxError).code).toBe("threads-worker-failed");
    // the pool stays failed until disposed; then a fresh one gives the same bits
    expect(() => evalAt(p.fn, c.z)).toThrow(/worker thread/);
    await disposeThreads();
    expect(evalAt(p.fn, c.z)).toEqual(ok);
    await poolOf(2)?.terminateWorker(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(() => evalAt(p.fn, c.z)).toThrow(PhloxError);
    await disposeThreads();
  }, 180_000);
});
