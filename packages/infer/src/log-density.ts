import { type Message, substitute, type Trace, trace } from "@phlox/handlers";
import { add, mul, PhloxError, sumAll, type Tensor, type TensorLike } from "./internal/ops.js";
import { type Model, type SiteValue, siteTensor } from "./site-values.js";

/**
 * The log density a sample site contributes: `fn.logProb(value)`, times the site's scale.
 * @param site - a sample message from a trace.
 * @returns shape `[...sampleShape, ...batchShape]` (not summed).
 * @example
 * const tr = trace(() => sample("x", new Normal(0, 1), { obs: 0 })).getTrace();
 * Math.abs(siteLogProb(tr.get("x")).item() + 0.5 * Math.log(2 * Math.PI)) < 1e-15; // → true
 */
export function siteLogProb(site: Message): Tensor {
  const fn = site.fn;
  if (fn === null || site.value === null) {
    throw new PhloxError(
      "site-without-value",
      `siteLogProb: site "${site.name}" (${site.type}) has no distribution or no value; pass a sample site from a trace.`,
    );
  }
  const lp = fn.logProb(site.value);
  const s = site.scale;
  return s === null || s === 1 ? lp : mul(lp, s);
}

/** The result of {@link logDensity}. */
export interface LogDensityResult {
  /** Σ over sample sites of scale · log p(value), a scalar tensor. */
  logJoint: Tensor;
  /** The model's trace with `params` substituted. */
  trace: Trace;
}

/** @internal Sums `siteLogProb` over the sample sites of a trace; `zero` when there is none. */
export function traceLogJoint(tr: Trace): Tensor | null {
  let total: Tensor | null = null;
  for (const site of tr.values()) {
    if (site.type !== "sample") continue;
    const lp = sumAll(siteLogProb(site));
    total = total === null ? lp : add(total, lp);
  }
  return total;
}

/**
 * Log joint density of a model with some sites fixed (NumPyro's `log_density`): runs the model with
 * `params` substituted and sums `scale · log p(value)` over every sample site (observed and latent).
 * @param model - the model.
 * @param args - the model's arguments.
 * @param params - constrained values by site name (tensors, tensor-likes or `{data, shape}`).
 * @returns `{ logJoint, trace }`; `logJoint` is a scalar tensor.
 * @throws HandlerError (`missing-key`) when a latent site is not in `params` and the model is not seeded.
 * @example
 * const m = () => sample("x", new Normal(0, 1));
 * Math.abs(logDensity(m, [], { x: 0 }).logJoint.item() + 0.5 * Math.log(2 * Math.PI)) < 1e-15; // → true
 */
export function logDensity<A extends unknown[]>(
  model: Model<A>,
  args: A,
  params: Readonly<Record<string, Tensor | TensorLike | SiteValue>>,
): LogDensityResult {
  const values: Record<string, Tensor> = Object.create(null);
  for (const [k, v] of Object.entries(params)) values[k] = siteTensor(v);
  const tr = trace(substitute(model, values)).getTrace(...args);
  const lj = traceLogJoint(tr);
  return { logJoint: lj ?? sumAll(0 as TensorLike), trace: tr };
}

/**
 * Per-site log densities (NumPyro's `compute_log_probs`): `scale · log p(value)` of every sample site,
 * summed over its elements (or not, with `sum: false`).
 * @param model - the model.
 * @param args - its arguments.
 * @param params - constrained values by site name.
 * @param sum - sum each site's log density to a scalar (default true).
 * @returns a map from site name to log density.
 */
export function computeLogProbs<A extends unknown[]>(
  model: Model<A>,
  args: A,
  params: Readonly<Record<string, Tensor | TensorLike | SiteValue>>,
  sum = true,
): Map<string, Tensor> {
  const { trace: tr } = logDensity(model, args, params);
  const out = new Map<string, Tensor>();
  for (const site of tr.values()) {
    if (site.type !== "sample") continue;
    const lp = siteLogProb(site);
    out.set(site.name, sum ? sumAll(lp) : lp);
  }
  return out;
}
