/** Neal's funnel, centred and reparameterised with LocScaleReparam(0): divergences and the width of y. */
import { Normal } from "@phlox/distributions";
import { plate, reparam, sample } from "@phlox/handlers";
import { LocScaleReparam } from "@phlox/infer";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

/** y ~ Normal(0, 3); x_i ~ Normal(0, exp(y / 2)), i < dim − 1. */
export function funnel(dim = 10): void {
  const y = sample("y", new Normal(0, 3));
  plate("x_plate", dim - 1, () => sample("x", new Normal(0, y.div(2).exp())));
}

/** The funnel with x non-centred: x = exp(y / 2) · x_decentered. */
export const funnelReparam = reparam(funnel, { x: new LocScaleReparam(0) });

export const meta: ExampleMeta = {
  id: "funnel",
  title: "Neal's funnel and reparameterisation",
  numpyro: "examples: funnel.py",
  description:
    "y ~ Normal(0, 3), x ~ Normal(0, exp(y/2)). Sampled as written, NUTS cannot enter the funnel's neck: it " +
    "diverges there or, with a small adapted step, never goes in, and y's spread comes out near 2 instead of 3. reparam(funnel, { x: new LocScaleReparam(0) }) samples a standard normal and rescales " +
    "it, and the posterior of y gets its true standard deviation 3.",
  plotSites: ["y"],
  defaults: { numWarmup: 500, numSamples: 500, numChains: 2 },
};

/** Fits the centred funnel, then the reparameterised one; returns the latter with both divergence counts. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const half = (offset: number): RunOptions => ({
    ...options,
    onProgress:
      options.onProgress && ((p) => options.onProgress?.({ ...p, fraction: offset + p.fraction / 2 })),
  });
  const centred = await fitNuts(meta, funnel, [], half(0));
  const { result } = await fitNuts(meta, funnelReparam, [], half(0.5));
  const y = result.draws.y?.data ?? new Float64Array();
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / (y.length - 1));
  const cy = centred.result.draws.y?.data ?? new Float64Array();
  const cMean = cy.reduce((a, b) => a + b, 0) / cy.length;
  result.extra = {
    divergencesCentred: centred.result.numDivergences,
    divergencesReparam: result.numDivergences,
    sdYReparam: sd,
    sdYCentred: Math.sqrt(cy.reduce((a, b) => a + (b - cMean) ** 2, 0) / (cy.length - 1)),
  };
  return result;
}
