import { HalfNormal, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { Predictive } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

// Sites named like Object.prototype's members: every dictionary keyed by site name must hold them as own
// properties (null-prototype objects or Maps), never reach the prototype.
const model = (y: Tensor) => {
  const a = sample("__proto__", new Normal(0, 1));
  const b = sample("constructor", new HalfNormal(1));
  const c = sample("toString", new Normal(a, b));
  deterministic("hasOwnProperty", c.mul(2));
  plate("N", 3, () => sample("valueOf", new Normal(c, 1), { obs: y }));
};
const own = <T>(o: Record<string, T>, k: string): T | undefined =>
  Object.getOwnPropertyDescriptor(o, k)?.value as T | undefined;

test("sites named __proto__, constructor, toString, hasOwnProperty, valueOf work in MCMC, logLikelihood and Predictive", {
  timeout: 120_000,
}, async () => {
  const y = tensor([1, 2, 3]);
  const m = new MCMC(new NUTS(model), {
    numWarmup: 300,
    numSamples: 300,
    numChains: 2,
    progressBar: false,
    printWarnings: false,
  });
  await m.run(0, y);
  const s = m.getSamples();
  expect(Object.keys(s).sort()).toEqual(["__proto__", "constructor", "hasOwnProperty", "toString"]);
  for (const k of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    const v = own(s, k);
    expect(v?.shape).toEqual([600]);
    // Each chain moves: the site is sampled, not frozen.
    expect(new Set(v && f64(v)).size).toBeGreaterThan(100);
  }
  const c = own(s, "toString");
  const twice = own(s, "hasOwnProperty");
  for (let i = 0; i < 5; i++)
    expect(twice && f64(twice)[i]).toBeCloseTo(2 * (c ? f64(c)[i] : Number.NaN), 12);
  // The posterior mean of "toString" is pulled towards the data's mean (2) from the prior's 0.
  let mean = 0;
  for (const x of c ? f64(c) : []) mean += x / 600;
  expect(mean).toBeGreaterThan(0.8);
  expect(mean).toBeLessThan(2.5);
  expect(own(m.getSamples({ groupByChain: true }), "__proto__")?.shape).toEqual([2, 300]);
  expect(own(m.logLikelihood(), "valueOf")?.shape).toEqual([2, 300, 3]);
  expect(own(m.observations(), "valueOf")?.shape).toEqual([3]);
  m.postWarmupState = m.lastState;
  await m.run(1, y);
  expect(own(m.getSamples(), "constructor")?.shape).toEqual([600]);
  const pred = new Predictive(model, { posteriorSamples: s }).run(2, y);
  expect(own(pred, "valueOf")?.shape).toEqual([600, 3]);
  const prior = new Predictive(model, { numSamples: 10 }).run(3, y);
  expect(Object.keys(prior).sort()).toEqual([
    "__proto__",
    "constructor",
    "hasOwnProperty",
    "toString",
    "valueOf",
  ]);
});
