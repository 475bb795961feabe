import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { disposeThreads, getThreads, setThreads } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { afterAll, expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

// A logistic regression over 10,000 rows: its potential's row loop (value and gradient sums) is split
// across threads when compiled with setThreads(2).
const N = 10_000;
const D = 3;
let s = 7;
const rnd = (): number => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return s / 4294967296;
};
const X = new Float64Array(N * D).map(() => (rnd() - 0.5) * 3);
const Y = new Float64Array(N).map((_, i) => {
  const eta = 0.3 + X[i * D] - 0.5 * X[i * D + 1];
  return rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
});

function logistic(x: Tensor, y: Tensor): void {
  const alpha = sample("alpha", new Normal(0, 5));
  const b = sample("beta", new Normal(0, 2.5).expand([D]).toEvent(1));
  plate("data", N, () => sample("y", new Bernoulli({ logits: x.matmul(b).add(alpha) }), { obs: y }));
}

async function draws(threads: number): Promise<Float64Array> {
  const before = getThreads();
  setThreads(threads, { minRows: 1 });
  try {
    const mcmc = new MCMC(new NUTS(logistic), { numWarmup: 40, numSamples: 20, progressBar: false });
    await mcmc.run(1, tensor(X, { shape: [N, D] }), tensor(Y));
    const b = mcmc.getSamples().beta as Tensor;
    return Float64Array.from(b.dataSync() as ArrayLike<number>);
  } finally {
    setThreads(before.threads, { minRows: before.minRows });
  }
}

afterAll(() => disposeThreads());

test("NUTS draws are identical across runs for a fixed thread count, and match one thread closely", async () => {
  const a = await draws(2);
  const b = await draws(2);
  expect(b).toEqual(a);
  const one = await draws(1);
  // the potential agrees with one thread to rounding (~1e-15 relative); over 60 short iterations the
  // trajectories stay together (step-size adaptation carries the rounding along), so the draws agree far
  // below Monte Carlo error
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(
      worst,
      Math.abs((a[i] as number) - (one[i] as number)) / Math.max(1, Math.abs(one[i] as number)),
    );
  // (measured: 7e-12 after 60 iterations; not 0, so the threaded sums were in use)
  expect(worst).toBeGreaterThan(0);
  expect(worst).toBeLessThan(1e-9);
}, 180_000);
