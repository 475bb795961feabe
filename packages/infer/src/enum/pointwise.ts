import { seed, substitute, type Trace, trace } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import type { Tensor } from "../internal/ops.js";
import { contractFactors, type Factor } from "./contract.js";
import { siteFactor, wasEnumerated } from "./enum-factors.js";
import { enumeratedModel, maxPlateNesting } from "./enum-log-density.js";
import { scanPointwiseLogLik } from "./pointwise-scan.js";
import { scanEnumSites } from "./scan-chain.js";

type AnyModel = (...args: never[]) => unknown;

/**
 * @internal The `firstAvailableDim` for computing pointwise log-likelihoods of a model with discrete latent
 * sites that the posterior samples do not give (they are then summed out), or `null` when there is none.
 * @param tr - a trace of the model with one draw substituted.
 * @param given - the names of the sites the posterior samples give.
 */
export function pointwiseEnumPlan(tr: Trace, given: ReadonlySet<string>): number | null {
  for (const site of tr.values()) {
    if (
      site.type === "sample" &&
      !site.isObserved &&
      site.fn?.support.isDiscrete &&
      site.fn.hasEnumerateSupport &&
      !given.has(site.name)
    ) {
      return -maxPlateNesting(tr) - 1;
    }
  }
  return null;
}

/**
 * @internal Pointwise log-likelihood of each observed site with the discrete latent sites summed out: for an
 * observed site y inside plates P, log Σ_z p(z) p(y_i | z) for each element i of P, where z runs over the
 * enumerated sites (whose priors are contracted with y's factor, P kept as batch dimensions). For discrete
 * sites local to y's plates (a mixture) this is log p(y_i | θ); for global ones it is the marginal
 * likelihood of each point on its own.
 * @returns by observed site name, tensors of the site's batch shape.
 */
export function enumPointwiseLogLik(
  model: AnyModel,
  args: readonly unknown[],
  values: Readonly<Record<string, Tensor>>,
  firstAvailableDim: number,
): Map<string, Tensor> {
  const m = enumeratedModel(model, firstAvailableDim) as (...a: readonly unknown[]) => unknown;
  const tr = trace(
    substitute(
      seed(() => m(...args), 0),
      values,
    ),
  ).getTrace();
  const order = new Map<string, number>();
  const priors: Factor[] = [];
  const sumVars = new Set<string>();
  const plates = new Set<string>();
  for (const site of tr.values()) {
    if (site.type !== "sample") continue;
    for (const f of site.condIndepStack) plates.add(f.name);
    if (site.infer.scanEnum !== undefined) continue; // an enumerated scan's sites: below
    if (wasEnumerated(site)) {
      sumVars.add(site.name);
      priors.push(siteFactor(site, firstAvailableDim, order));
    }
  }
  const out = new Map<string, Tensor>();
  for (const sites of scanEnumSites(tr.values()).values()) {
    for (const [name, v] of scanPointwiseLogLik(sites, firstAvailableDim, plates)) out.set(name, v);
  }
  for (const [name, site] of tr) {
    if (site.type !== "sample" || !site.isObserved || site.fn === null || site.value === null) continue;
    if (site.infer.scanEnum !== undefined) continue;
    const own = site.condIndepStack.map((f) => f.name);
    const unscaled = site.copy();
    unscaled.scale = null;
    const f = siteFactor(unscaled, firstAvailableDim, order);
    const reduce = new Set([...plates].filter((p) => !own.includes(p)));
    const r = contractFactors([...priors, f], sumVars, reduce, order);
    // the result's axes are y's plates in dimension order; lay them out as the site's batch shape
    const vs = site.value.shape;
    const batch = vs.slice(0, vs.length - site.fn.eventShape.length);
    const shape = batch.map((s, i) => {
      const d = i - batch.length;
      const frame = site.condIndepStack.find((fr) => fr.dim === d);
      return frame === undefined ? 1 : s;
    });
    const full = batch.length === 0 ? T.reshape(r.t, []) : T.broadcastTo(T.reshape(r.t, shape), [...batch]);
    out.set(name, full);
  }
  return out;
}
