import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

const U = (z: Float64Array, g: Float64Array): number => {
  g[0] = z[0];
  g[1] = z[1] - 1;
  return 0.5 * (z[0] * z[0] + (z[1] - 1) ** 2);
};

async function fitted(): Promise<MCMC> {
  const mcmc = new MCMC(new NUTS({ potentialFn: U, initParams: [0, 0] }), {
    numWarmup: 50,
    numSamples: 30,
    numChains: 3,
    progressBar: false,
  });
  await mcmc.run(7);
  return mcmc;
}

test("getSamples() and getSamples({ groupByChain: true }) hold the same draws in either call order", async () => {
  const a = await fitted();
  const flatFirst = a.getSamples();
  const groupedAfter = a.getSamples({ groupByChain: true });
  const b = await fitted();
  const groupedFirst = b.getSamples({ groupByChain: true });
  const flatAfter = b.getSamples();
  expect(flatFirst.z.shape).toEqual([90, 2]);
  expect(flatAfter.z.shape).toEqual([90, 2]);
  expect(groupedFirst.z.shape).toEqual([3, 30, 2]);
  expect(groupedAfter.z.shape).toEqual([3, 30, 2]);
  expect(Array.from(f64(flatAfter.z))).toEqual(Array.from(f64(flatFirst.z)));
  expect(Array.from(f64(groupedAfter.z))).toEqual(Array.from(f64(groupedFirst.z)));
});
