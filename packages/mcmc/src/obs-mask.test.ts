import { Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

test("obsMask with NaN in the missing entries: NUTS imputes each missing value from its own posterior predictive", {
  timeout: 120_000,
}, async () => {
  // mu ~ N(0, 1), y_i ~ N(mu, 1), y = [1, ?, 2, ?]: mu | y ~ N(1, 1/3), so a missing y ~ N(1, 4/3).
  const y = tensor([1, Number.NaN, 2, Number.NaN]);
  const model = () => {
    const mu = sample("mu", new Normal(0, 1));
    plate("N", 4, () =>
      sample("y", new Normal(mu, 1), { obs: y, obsMask: tensor([true, false, true, false]) }),
    );
  };
  const m = new MCMC(new NUTS(model), {
    numWarmup: 500,
    numSamples: 4000,
    numChains: 2,
    progressBar: false,
    printWarnings: false,
  });
  await m.run(0);
  const s = m.getSamples().y;
  expect(s.shape).toEqual([8000, 4]);
  const col = (j: number) => Array.from({ length: 8000 }, (_, i) => f64(s)[4 * i + j]);
  expect(new Set(col(0))).toEqual(new Set([1]));
  expect(new Set(col(2))).toEqual(new Set([2]));
  for (const j of [1, 3]) {
    const v = col(j);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.12); // ≈ 5 MCSE at ESS ≥ 2000
    expect(Math.abs(variance - 4 / 3)).toBeLessThan(0.2);
  }
  // The two missing entries are drawn independently, not one value repeated.
  let same = 0;
  for (let i = 0; i < 8000; i++) if (f64(s)[4 * i + 1] === f64(s)[4 * i + 3]) same++;
  expect(same).toBe(0);
});

test("a postWarmupState from another model is refused with both models' sites", {
  timeout: 120_000,
}, async () => {
  const a = () => {
    sample("mu", new Normal(0, 1));
  };
  const b = () => {
    const mu = sample("mu", new Normal(0, 1));
    sample("sigma", new Normal(mu, 1));
  };
  const opts = { numWarmup: 50, numSamples: 50, progressBar: false, printWarnings: false } as const;
  const ma = new MCMC(new NUTS(a), opts);
  await ma.warmup(0);
  const mb = new MCMC(new NUTS(b), opts);
  mb.postWarmupState = ma.postWarmupState;
  await expect(mb.run(0)).rejects.toMatchObject({
    code: "mcmc-state-mismatch",
    message: expect.stringMatching(/its sites are mu\[\], this model's are mu\[\], sigma\[\]/),
  });
  mb.postWarmupState = undefined;
  await mb.run(0);
  expect(mb.getSamples().sigma.shape).toEqual([50]);
});
