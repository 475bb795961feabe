import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

// A logistic regression over 10,000 rows (a long row loop: a WebAssembly SIMD kernel where the engine has
// SIMD), with its data held as float32 (`dataDtype: "float32"`: float32 row math, float64 sums).
const N = 10_000;
const D = 3;
const BETA = [1, -0.5, 0];
let s = 11;
const rnd = (): number => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return s / 4294967296;
};
const X = new Float64Array(N * D).map(() => (rnd() - 0.5) * 3);
const Y = new Float64Array(N).map((_, i) => {
  let eta = 0.3;
  for (let j = 0; j < D; j++) eta += (X[i * D + j] as number) * (BETA[j] as number);
  return rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
});

function logistic(x: Tensor, y: Tensor): void {
  const alpha = sample("alpha", new Normal(0, 5));
  const b = sample("beta", new Normal(0, 2.5).expand([D]).toEvent(1));
  plate("data", N, () => sample("y", new Bernoulli({ logits: x.matmul(b).add(alpha) }), { obs: y }));
}

/** Posterior means and standard deviations of (alpha, beta) by NUTS on the potential compiled with `dataDtype`. */
async function posterior(dataDtype: "float64" | "float32"): Promise<{ mean: number[]; sd: number[] }> {
  const info = initializeModel(0, logistic, [tensor(X, { shape: [N, D] }), tensor(Y)], { dataDtype });
  const mcmc = new MCMC(new NUTS({ potentialFn: info.potentialFn, initParams: info.initialZ }), {
    numWarmup: 150,
    numSamples: 300,
    progressBar: false,
  });
  await mcmc.run(4);
  const z = f64(mcmc.getSamples().z);
  const n = z.length / (D + 1);
  const mean = Array.from(
    { length: D + 1 },
    (_, j) => z.filter((_, i) => i % (D + 1) === j).reduce((a, v) => a + v, 0) / n,
  );
  const sd = mean.map((m, j) =>
    Math.sqrt(z.filter((_, i) => i % (D + 1) === j).reduce((a, v) => a + (v - m) ** 2, 0) / (n - 1)),
  );
  return { mean, sd };
}

test("NUTS on a float32-data potential recovers the float64 posterior of a logistic regression", async () => {
  const p64 = await posterior("float64");
  const p32 = await posterior("float32");
  // the site order of the flat vector: alpha, then beta
  const truth = [0.3, ...BETA];
  for (let j = 0; j <= D; j++) {
    const sd = p64.sd[j] as number;
    // the same posterior to well within Monte Carlo error (300 draws: ≈ 0.1 sd each)
    expect(Math.abs((p32.mean[j] as number) - (p64.mean[j] as number)), `mean ${j}`).toBeLessThan(0.5 * sd);
    expect(Math.abs((p32.sd[j] as number) / sd - 1), `sd ${j}`).toBeLessThan(0.3);
    // and the data's coefficients within 4 posterior sd
    expect(Math.abs((p32.mean[j] as number) - (truth[j] as number)), `truth ${j}`).toBeLessThan(4 * sd);
  }
}, 120_000);
