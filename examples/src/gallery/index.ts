/**
 * The gallery: twenty NumPyro examples ported to Phlox. Each module exports `meta` and `run(options)`; the
 * docs site's Run button loads one by id in a Web Worker, the Node tests import them all.
 */
import type { Example } from "./example.js";

export type { Example, ExampleMeta, RunOptions, RunProgress, RunResult, SiteDraws } from "./example.js";
export { posteriorMean, toSiteDraws } from "./example.js";

/** Lazy loaders by example id, in the order of the docs sidebar. */
export const examples: Readonly<Record<string, () => Promise<Example>>> = {
  "eight-schools": () => import("./eight-schools.js"),
  baseball: () => import("./baseball.js"),
  "linear-regression": () => import("./linear-regression.js"),
  "logistic-regression": () => import("./logistic-regression.js"),
  "ordinal-regression": () => import("./ordinal-regression.js"),
  radon: () => import("./radon.js"),
  horseshoe: () => import("./horseshoe.js"),
  "gp-regression": () => import("./gp-regression.js"),
  funnel: () => import("./funnel.js"),
  survival: () => import("./survival.js"),
  "zero-inflated-poisson": () => import("./zero-inflated-poisson.js"),
  "ucb-admissions": () => import("./ucb-admissions.js"),
  "gaussian-mixture": () => import("./gaussian-mixture.js"),
  hmm: () => import("./hmm.js"),
  "change-point": () => import("./change-point.js"),
  ar2: () => import("./ar2.js"),
  "holt-winters": () => import("./holt-winters.js"),
  "stochastic-volatility": () => import("./stochastic-volatility.js"),
  bnn: () => import("./bnn.js"),
  "model-comparison": () => import("./model-comparison.js"),
};

/** Every example id. */
export const exampleIds: readonly string[] = Object.keys(examples);

/**
 * Loads one example by id.
 * @throws Error naming the known ids when `id` is not one of them.
 */
export async function loadExample(id: string): Promise<Example> {
  const load = examples[id];
  if (!load) throw new Error(`loadExample: no example "${id}"; known: ${exampleIds.join(", ")}.`);
  return load();
}
