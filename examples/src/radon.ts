/**
 * Hierarchical radon model (API sketch §2): county intercepts partially pooled, written centred and
 * non-centred by `reparam` with `LocScaleReparam(0)`. Simulated houses in 20 counties.
 * Run: `node examples/dist/radon.js`.
 */
import { HalfNormal, Normal } from "@phlox/distributions";
import { plate, reparam, sample } from "@phlox/handlers";
import { LocScaleReparam } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import { cast, floor, key, lt, type Tensor } from "@phlox/tensor";
import { runIfMain } from "./run-main.js";
import { normals, uniforms } from "./simulate.js";

export const TRUE = { muA: 1.5, sigmaA: 0.4, b: -0.7, sigma: 0.8 };

/** Varying-intercept model: log_radon ~ Normal(a[county] + b·floor, sigma). */
export function radon(county: Tensor, floorMeasure: Tensor, nCounties: number, logRadon?: Tensor): void {
  const muA = sample("mu_a", new Normal(0, 10));
  const sigmaA = sample("sigma_a", new HalfNormal(5));
  const a = plate("county", nCounties, () => sample("a", new Normal(muA, sigmaA)));
  const b = sample("b", new Normal(0, 10));
  const sigma = sample("sigma", new HalfNormal(5));
  plate("house", county.shape[0], () =>
    sample("log_radon", new Normal(a.take(county).add(b.mul(floorMeasure)), sigma), { obs: logRadon }),
  );
}

/** The same model, non-centred in `a`. */
export const radonNC = reparam(radon, { a: new LocScaleReparam(0) });

/** Simulated data: `n` houses in `j` counties. */
export function simulate(n = 400, j = 20) {
  const county = cast(floor(uniforms(5, [n]).mul(j)), "int32");
  const floorMeasure = cast(lt(uniforms(6, [n]), 0.3), "float64");
  const a = normals(7, [j]).mul(TRUE.sigmaA).add(TRUE.muA);
  const logRadon = a
    .take(county)
    .add(floorMeasure.mul(TRUE.b))
    .add(normals(8, [n]).mul(TRUE.sigma));
  return { county, floorMeasure, j, logRadon };
}

/** Fits the non-centred model and prints the summary. */
export async function main(options: { numWarmup?: number; numSamples?: number; quiet?: boolean } = {}) {
  const { county, floorMeasure, j, logRadon } = simulate();
  const mcmc = new MCMC(new NUTS(radonNC), {
    numWarmup: options.numWarmup ?? 1000,
    numSamples: options.numSamples ?? 1000,
    numChains: 4,
    progressBar: false,
  });
  await mcmc.run(key(0), county, floorMeasure, j, logRadon);
  if (!options.quiet) {
    console.log(`true: ${JSON.stringify(TRUE)}`);
    mcmc.printSummary();
  }
  return mcmc;
}

runIfMain(import.meta, main);
