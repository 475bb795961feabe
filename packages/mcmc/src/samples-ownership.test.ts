import { essBulk, summary } from "@phlox/diagnostics";
import { type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
// Integration with @phlox/infer: its test models (not exported by infer; imported by path for this test).
import { eightSchoolsNonCentred, SIGMA, Y } from "../../infer/src/testing/models.js";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

// The report: `draws.sort()` on what getSamples() returned corrupted later diagnostics (n_eff 760 → 1.3).
// Every public read of a run hands out Tensors over copies: mutating their buffers changes nothing in the run.
test("getSamples/getExtraFields/logLikelihood/observations return Tensors whose mutation leaves the run intact", {
  timeout: 120_000,
}, async () => {
  const model = eightSchoolsNonCentred as (sigma: Tensor, y?: Tensor) => void;
  const mcmc = new MCMC(new NUTS(model), {
    numWarmup: 200,
    numSamples: 200,
    numChains: 2,
    progressBar: false,
  });
  await mcmc.run(0, tensor(SIGMA), tensor(Y));

  const grouped = mcmc.getSamples({ groupByChain: true });
  expect(grouped.mu.shape).toEqual([2, 200]);
  expect(grouped.mu.dtype).toBe("float64");
  const essBefore = essBulk(grouped.mu)[0];
  const summaryBefore = summary(mcmc.getSamples({ groupByChain: true }));
  const printed = mcmc.printSummary();
  const llBefore = Array.from(mcmc.logLikelihood().obs.dataSync());
  const energyBefore = Array.from(mcmc.getExtraFields().energy.dataSync());

  // The mutations a user may do to what they were handed: sort in place, overwrite.
  for (const group of [false, true]) {
    for (const t of Object.values(mcmc.getSamples({ groupByChain: group }))) t.dataSync().sort();
  }
  grouped.mu.dataSync().fill(0);
  mcmc.getExtraFields().energy.dataSync().fill(0);
  mcmc.getExtraFields({ groupByChain: true }).diverging.dataSync().fill(1);
  mcmc.logLikelihood().obs.dataSync().fill(0);
  mcmc.observations().obs.dataSync().fill(0);

  const again = mcmc.getSamples({ groupByChain: true });
  expect(essBulk(again.mu)[0]).toBe(essBefore);
  expect(essBefore).toBeGreaterThan(50); // sorted draws would give an ESS near 1
  expect(summary(again)).toEqual(summaryBefore);
  expect(mcmc.printSummary()).toBe(printed);
  expect(Array.from(mcmc.logLikelihood().obs.dataSync())).toEqual(llBefore);
  expect(Array.from(mcmc.getExtraFields().energy.dataSync())).toEqual(energyBefore);
  expect(Array.from(mcmc.getExtraFields().diverging.dataSync()).every((d) => d === 0 || d === 1)).toBe(true);
  expect(Array.from(mcmc.observations().obs.dataSync())).toEqual(Array.from(Y));
  // Two calls are two independent copies of the same draws.
  const a = mcmc.getSamples().tau;
  const b = mcmc.getSamples().tau;
  expect(a).not.toBe(b);
  expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
});
