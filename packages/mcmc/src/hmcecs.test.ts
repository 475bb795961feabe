import { Normal } from "@phlox/distributions";
import { plate, sample, subsample } from "@phlox/handlers";
import { ChainRandom, type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { hmcecsKernel } from "../test-fixtures/gibbs-kernels.js";
import { HMC, NUTS } from "./hmc-kernel.js";
import { HMCECS, taylorProxy } from "./hmcecs.js";
import { MCMC } from "./mcmc.js";
import { columnMoments } from "./testing/stats.js";

const TRUE_LOC = [0.3, 0.1, 0.9];

/** 10 000 × 3 draws of N(trueLoc, I) (NumPyro's test_hmcecs_normal_normal data, drawn with Phlox's stream). */
function normalData(n: number, seed: number): Tensor {
  const rng = new ChainRandom([0, seed]);
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) x[i * 3 + j] = TRUE_LOC[j] + rng.normal();
  return tensor(x, { shape: [n, 3] });
}

function normalNormal(data: Tensor, subsampleSize: number): void {
  const mean = sample("mean", new Normal(0, 1).expand([3]).toEvent(1));
  plate(
    "batch",
    data.shape[0],
    () => {
      const sub = subsample(data, 1);
      sample("obs", new Normal(mean as Tensor, 1).toEvent(1), { obs: sub });
    },
    { subsampleSize, dim: -1 },
  );
}

describe("HMCECS", () => {
  const data = normalData(10_000, 1);
  // The data's mean: the exact posterior mean up to the N(0, 1) prior's 1e-4 shrinkage.
  const dataMean = columnMoments(data.dataSync() as Float64Array, 3).mean;
  const ref = { mean: TRUE_LOC.map((x, j) => x + 0.05 * (j - 1)) };

  // NumPyro test_hmc_gibbs.py::test_hmcecs_normal_normal (200 warmup, 200 samples, atol 0.1), a subset of its grid.
  for (const [Inner, numBlocks, subsampleSize, degree] of [
    [NUTS as typeof HMC, 1, 50, 2],
    [NUTS as typeof HMC, 50, 150, 1],
    [HMC, 2, 50, 2],
  ] as const) {
    test(`${Inner.name}, numBlocks ${numBlocks}, subsample ${subsampleSize}, Taylor degree ${degree}: posterior mean within 0.1`, {
      timeout: 300_000,
    }, async () => {
      const inner = new Inner(normalNormal as never, Inner === HMC ? { trajectoryLength: 1 } : {});
      const kernel = new HMCECS(inner, { numBlocks, proxy: taylorProxy(ref, degree) });
      const mcmc = new MCMC(kernel, { numWarmup: 200, numSamples: 200, progressBar: false });
      await mcmc.run(0, data, subsampleSize);
      const s = mcmc.getSamples().mean;
      expect(s.shape).toEqual([200, 3]);
      const { mean } = columnMoments(f64(s), 3);
      for (let j = 0; j < 3; j++) expect(Math.abs(mean[j] - TRUE_LOC[j])).toBeLessThan(0.1);
      const f = mcmc.getExtraFields();
      expect(f.gibbsAcceptProb.shape).toEqual([200]);
      expect(f64(f.gibbsAcceptProb).every((p) => p >= 0 && p <= 1)).toBe(true);
    });
  }

  test("naive subsampling (no proxy) and a sd close to the exact one with the proxy", {
    timeout: 300_000,
  }, async () => {
    const naive = new MCMC(new HMCECS(new NUTS(normalNormal as never), { numBlocks: 10 }), {
      numWarmup: 200,
      numSamples: 200,
      progressBar: false,
    });
    await naive.run(1, data, 100);
    const m0 = columnMoments(f64(naive.getSamples().mean), 3).mean;
    for (let j = 0; j < 3; j++) expect(Math.abs(m0[j] - TRUE_LOC[j])).toBeLessThan(0.15);
    const withProxy = new MCMC(
      new HMCECS(new NUTS(normalNormal as never), { numBlocks: 10, proxy: taylorProxy(ref) }),
      {
        numWarmup: 300,
        numSamples: 1000,
        progressBar: false,
      },
    );
    await withProxy.run(2, data, 100);
    const { mean, sd } = columnMoments(f64(withProxy.getSamples().mean), 3);
    // Exact posterior: mean ≈ the data mean, sd = 1/√(N + 1) = 0.0100.
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(mean[j] - dataMean[j])).toBeLessThan(0.01);
      expect(Math.abs(sd[j] / (1 / Math.sqrt(10_001)) - 1)).toBeLessThan(0.25);
    }
  });

  test("sequential, vectorized and parallel (worker) chains give identical draws", {
    timeout: 120_000,
  }, async () => {
    const out: number[][] = [];
    const small = normalData(2000, 3); // each worker rebuilds the proxy's table: keep it small
    for (const chainMethod of ["sequential", "vectorized", "parallel"] as const) {
      // The kernel comes from a module a worker can import (its workerModule): the model is a closure.
      const mcmc = new MCMC(hmcecsKernel({ ref: ref.mean }), {
        numWarmup: 20,
        numSamples: 10,
        numChains: 2,
        chainMethod,
        progressBar: false,
      });
      await mcmc.run(5, small, 50);
      out.push([
        ...Array.from(f64(mcmc.getSamples().mean)),
        ...Array.from(f64(mcmc.getExtraFields().gibbsAcceptProb)),
      ]);
    }
    expect(out[1]).toEqual(out[0]);
    expect(out[2]).toEqual(out[0]);
    await expect(
      new MCMC(new HMCECS(new NUTS(normalNormal as never)), {
        numWarmup: 2,
        numSamples: 2,
        numChains: 2,
        chainMethod: "parallel",
        progressBar: false,
      }).run(0, data, 50),
    ).rejects.toThrow(/HMCECS: chainMethod "parallel" .*workerModule/);
  });

  for (const degree of [1, 2] as const) {
    test(`Taylor degree ${degree}: table, compiled and eager block coefficients give the same draws and a consistent state`, {
      timeout: 120_000,
    }, async () => {
      const small = normalData(1500, 4);
      const xs = f64(small);
      const draws: Float64Array[] = [];
      const modes: unknown[] = [];
      // taylorTableMax 0: no table of every datum's coefficients, so each proposal's are computed. A subsample
      // of 42 in 5 blocks of 9: the last block is short (6), and the compiled program's block input is padded.
      for (const [compileTaylor, taylorTableMax] of [
        [true, undefined],
        [true, 0],
        [false, 0],
      ] as const) {
        const kernel = new HMCECS(new NUTS(normalNormal as never), {
          numBlocks: 5,
          proxy: taylorProxy(ref, degree),
          compileTaylor,
          ...(taylorTableMax === undefined ? {} : { taylorTableMax }),
        });
        const mcmc = new MCMC(kernel, { numWarmup: 15, numSamples: 15, progressBar: false });
        await mcmc.run(3, small, 42);
        modes.push(kernel.taylorModes);
        draws.push(
          Float64Array.from([...f64(mcmc.getSamples().mean), ...f64(mcmc.getExtraFields().gibbsAcceptProb)]),
        );
        // Only each proposal's block is differentiated and rejected blocks are written back: the last state's
        // coefficients are still those of its indices (ℓᵢ = log N(xᵢ | ref, I), ∇ℓᵢ = xᵢ − ref, ∇²ℓᵢ = −I).
        const st = (
          mcmc.lastState as {
            chains: {
              idx: Record<string, number[]>;
              proxy: Record<string, { l: number[]; g: number[]; h: number[] }>;
            }[];
          }
        ).chains[0];
        const idx = st?.idx.batch ?? [];
        const px = st?.proxy.batch;
        expect(idx.length).toBe(42);
        for (let i = 0; i < idx.length; i++) {
          const row = idx[i] as number;
          let l = -1.5 * Math.log(2 * Math.PI);
          for (let j = 0; j < 3; j++) {
            const r = (xs[row * 3 + j] as number) - (ref.mean[j] as number);
            l -= 0.5 * r * r;
            expect(Math.abs((px?.g[i * 3 + j] as number) - r)).toBeLessThan(1e-12);
            if (degree === 2)
              for (let q = 0; q < 3; q++) expect(px?.h[i * 9 + j * 3 + q]).toBeCloseTo(j === q ? -1 : 0, 12);
          }
          expect(Math.abs((px?.l[i] as number) - l)).toBeLessThan(1e-10);
        }
      }
      expect(modes).toEqual([{ batch: "table" }, { batch: "compiled" }, { batch: "eager" }]);
      const [a, b, c] = draws as [Float64Array, Float64Array, Float64Array];
      for (let i = 0; i < a.length; i++) {
        expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(1e-10);
        expect(Math.abs((b[i] as number) - (c[i] as number))).toBeLessThan(1e-10);
      }
    });
  }

  test("bad input: a model without a subsampled plate, a potential kernel, numBlocks, missing reference site", async () => {
    const noPlate = (y: Tensor) => {
      const mu = sample("mu", new Normal(0, 1));
      plate("N", y.shape[0], () => sample("obs", new Normal(mu as Tensor, 1), { obs: y }));
    };
    const run = (k: HMCECS, ...args: unknown[]) =>
      new MCMC(k, { numWarmup: 2, numSamples: 2, progressBar: false }).run(0, ...args);
    await expect(run(new HMCECS(new NUTS(noPlate as never)), tensor([1, 2, 3]))).rejects.toThrow(
      /cannot detect any subsampled plate/,
    );
    expect(() => new HMCECS(new NUTS({ potentialFn: (z) => z[0] ** 2, initParams: [0] }))).toThrow(
      /must be built from a model with a subsampled plate/,
    );
    expect(() => new HMCECS(new NUTS(normalNormal as never), { numBlocks: 0 })).toThrow(
      /numBlocks must be an integer ≥ 1/,
    );
    await expect(
      run(new HMCECS(new NUTS(normalNormal as never), { proxy: taylorProxy({ other: [0] }) }), data, 10),
    ).rejects.toThrow(/referenceParams has no value for latent site "mean"/);
    expect(() => taylorProxy(ref, 3 as never)).toThrow(/degree must be 1 or 2/);
    expect(() => new HMCECS(new NUTS(normalNormal as never), { taylorTableMax: -1 })).toThrow(
      /taylorTableMax must be a number ≥ 0, got -1/,
    );
  });
});
