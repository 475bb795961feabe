// Fits the radon model (src/testing/radon-model.ts) with NUTS on posteriordb's radon_mn data and writes the
// posterior, 4 chains × 250 draws, as netCDF with @phlox/arviz-io: fixtures/radon-posterior.nc. Tests and the
// benchmark read it. Run from packages/serve:
//   node --conditions=@phlox/source --import tsx scripts/make-radon-fixture.ts <radon_mn posteriordb JSON>
// (the JSON is posteriordb's radon_mn-radon_hierarchical_intercept_centered posterior with its data).
import { readFileSync } from "node:fs";
import { fromMCMC, writeNetCDF } from "@phlox/arviz-io";
import { MCMC, NUTS } from "@phlox/mcmc";
import { key, tensor } from "@phlox/tensor";
import { radon } from "../src/testing/radon-model.js";

const file = process.argv[2];
if (file === undefined) {
  console.error("usage: make-radon-fixture.ts <posteriordb radon_mn JSON>");
  process.exit(2);
}
const { data } = JSON.parse(readFileSync(file, "utf8")) as {
  data: { county_idx: number[]; log_uppm: number[]; floor_measure: number[]; log_radon: number[] };
};
const county = tensor(
  Int32Array.from(data.county_idx, (c) => c - 1),
  { dtype: "int32" },
); // Stan is 1-based
const args = [county, tensor(data.log_uppm), tensor(data.floor_measure), tensor(data.log_radon)];
const t0 = performance.now();
const mcmc = new MCMC(new NUTS(radon, { targetAcceptProb: 0.9 }), {
  numWarmup: 500,
  numSamples: 250,
  numChains: 4,
  progressBar: false,
});
await mcmc.run(key(20261205), ...args);
console.log(`NUTS: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
mcmc.printSummary();
const idata = fromMCMC(mcmc, { logLikelihood: false, dims: { alpha: ["county"], beta: ["coef"] } });
await writeNetCDF(idata, "fixtures/radon-posterior.nc");
console.log("wrote fixtures/radon-posterior.nc");
