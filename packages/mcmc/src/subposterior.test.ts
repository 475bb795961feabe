import { Normal } from "@phlox/distributions";
import { plate, sample, seed, trace } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { consensus, parametric } from "./consensus.js";
import { columnMeans, sampleCovariance } from "./internal/dense.js";
import {
  ShardError,
  sampleSubposterior,
  sampleSubposteriors,
  shardData,
  shardKey,
  subposteriorModel,
} from "./subposterior.js";

// mu ~ N(0, 2²), y_i ~ N(mu, 1): every (sub-)posterior is Gaussian, and the product of the K sub-posteriors
// p(mu)^{1/K} p(y_k | mu) is the full posterior exactly.
const model = (y: Tensor) => {
  const mu = sample("mu", new Normal(0, 2));
  plate("N", y.shape[0], () => sample("y", new Normal(mu, 1), { obs: y }));
};

const N = 200;
let s = 7;
const ys = Array.from({ length: N }, () => {
  s = (s * 69069 + 1) % 4294967296;
  return 0.8 + (s / 4294967296 - 0.5) * 3;
});

describe("subposteriorModel", () => {
  test("scales latent sites by 1/K and leaves observed sites alone", () => {
    const sub = subposteriorModel(model, 4);
    const tr = trace(seed(sub, 0)).getTrace(tensor([1, 2]));
    expect(tr.get("mu")?.scale).toBe(0.25);
    expect(tr.get("y")?.scale ?? 1).toBe(1);
    expect(() => subposteriorModel(model, 0)).toThrow(ShardError);
  });
});

describe("shardData", () => {
  test("contiguous shards, first n mod K one row longer, arrays kept together", () => {
    const shards = shardData(
      {
        y: tensor([1, 2, 3, 4, 5]),
        x: { data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), shape: [5, 2] },
      },
      2,
    );
    expect(shards.map((t) => t.y.shape[0])).toEqual([3, 2]);
    expect(Array.from(shards[1].y.dataSync())).toEqual([4, 5]);
    expect(Array.from(shards[1].x.data)).toEqual([7, 8, 9, 10]);
    expect(shards[1].x.shape).toEqual([2, 2]);
  });
  test("bad input names the array", () => {
    expect(() => shardData({ y: tensor([1, 2, 3]), x: tensor([1, 2]) }, 2)).toThrow(
      /"x" has 2 rows but "y" has 3/,
    );
    expect(() => shardData({ y: tensor(1) }, 1)).toThrow(/"y" is a scalar/);
    expect(() => shardData({ y: tensor([1, 2]) }, 3)).toThrow(/3 shards requested for 2 rows/);
    expect(() => shardData({}, 2)).toThrow(ShardError);
    expect(() => shardKey(0, 3, 3)).toThrow(/shard 3 is outside \[0, 3\)/);
  });
});

describe("sampleSubposteriors + consensus", () => {
  test("recovers the full-data posterior of a Gaussian mean; shard draws depend on seed and shard only", async () => {
    const K = 4;
    const shards = shardData({ y: tensor(ys) }, K);
    const opts = { numWarmup: 300, numSamples: 2000 };
    const results = await sampleSubposteriors(
      model,
      shards.map((t) => [t.y]),
      5,
      opts,
    );
    expect(results.map((r) => r.shard)).toEqual([0, 1, 2, 3]);
    // Each sub-posterior: precision 1/(4K) + n_k, mean Σy_k / precision.
    results.forEach((r, k) => {
      const yk = ys.slice(k * 50, (k + 1) * 50);
      const prec = 1 / (4 * K) + yk.length;
      const m = columnMeans(f64(r.draws.mu), 2000, 1)[0];
      expect(Math.abs(m - yk.reduce((a, b) => a + b, 0) / prec)).toBeLessThan(0.15 / Math.sqrt(prec));
    });
    const prec = 1 / 4 + N;
    const mean = ys.reduce((a, b) => a + b, 0) / prec;
    const sd = 1 / Math.sqrt(prec);
    const combined = f64(consensus(results.map((r) => r.draws)).mu);
    const m = columnMeans(combined, 2000, 1)[0];
    const v = sampleCovariance(combined, 2000, 1)[0];
    expect(Math.abs(m - mean)).toBeLessThan(0.1 * sd);
    expect(Math.abs(Math.sqrt(v) / sd - 1)).toBeLessThan(0.1);
    const p = parametric(results.map((r) => r.draws));
    expect(Math.abs(p.mean[0] - mean)).toBeLessThan(0.1 * sd);
    // Shard 2 alone, as another process would run it: the same draws.
    const again = await sampleSubposterior(model, [shards[2].y], { numShards: K, shard: 2, key: 5 }, opts);
    expect(again.draws.mu.dataSync()).toEqual(results[2].draws.mu.dataSync());
    expect(again.numDivergences).toBe(results[2].numDivergences);
  }, 120_000);
});
