import { substitute, type Trace, trace } from "@phlox/handlers";
import { enumTraceLogJoint } from "./enum/enum-log-density.js";
import { add, neg, sumAll, type Tensor, type TensorLike, type Transform } from "./internal/ops.js";
import {
  isLatent,
  isRealSupport,
  paramTransform,
  siteTransform,
  UnconstrainedSubstitute,
} from "./internal/unconstrained.js";
import { traceLogJoint } from "./log-density.js";
import { type Model, type SiteValue, siteTensor } from "./site-values.js";

type Values = Readonly<Record<string, Tensor | TensorLike | SiteValue>>;

function toMap(params: Values): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  for (const [k, v] of Object.entries(params)) m.set(k, siteTensor(v));
  return m;
}

/**
 * @internal U(z) from unconstrained values by site name, as a scalar tensor (differentiable, traceable);
 * `onTrace` receives the model's trace (its latent sites hold the constrained values).
 */
export function potentialFromMap(
  model: (...args: never[]) => unknown,
  args: readonly unknown[],
  values: ReadonlyMap<string, Tensor>,
  onTrace: ((tr: Trace) => void) | null = null,
  firstAvailableDim: number | null = null,
): Tensor {
  const sub = new UnconstrainedSubstitute(values, true);
  const call = model as (...a: readonly unknown[]) => unknown;
  const tr = trace(() => sub.run(() => call(...args))).getTrace();
  onTrace?.(tr);
  let lj = firstAvailableDim === null ? traceLogJoint(tr) : enumTraceLogJoint(tr, firstAvailableDim);
  if (sub.logDet !== null) lj = lj === null ? sub.logDet : add(lj, sub.logDet);
  return lj === null ? sumAll(0) : neg(lj);
}

/**
 * Potential energy U = −(log joint + Σ log|det J|) at unconstrained values (NumPyro's `potential_energy`):
 * each latent site's value is mapped through `bijectTo(support)`, and the log-Jacobians of those maps are
 * added so that U is the negative log density of the unconstrained variables.
 * @param model - the model.
 * @param args - its arguments.
 * @param params - unconstrained values of every latent site, by name.
 * @returns a scalar tensor.
 * @example
 * const m = () => sample("s", new HalfNormal(1));
 * // U(0) = −(log HalfNormal(1).pdf(e⁰) + 0) = −(½·log(2/π) − ½)
 * Math.abs(potentialEnergy(m, [], { s: 0 }).item() - (0.5 - 0.5 * Math.log(2 / Math.PI))) < 1e-12; // → true
 */
export function potentialEnergy<A extends unknown[]>(model: Model<A>, args: A, params: Values): Tensor {
  return potentialFromMap(model, args, toMap(params));
}

/**
 * Maps values through transforms, or their inverses (NumPyro's `transform_fn`); names without a transform
 * pass through.
 * @param transforms - transforms by site name.
 * @param params - values by site name.
 * @param invert - apply the inverses instead.
 * @returns the transformed values.
 * @example
 * transformFn({ s: new ExpTransform() }, { s: tensor(0) }).s.item(); // → 1
 */
export function transformFn(
  transforms: Readonly<Record<string, Transform>>,
  params: Values,
  invert = false,
): Record<string, Tensor> {
  const out: Record<string, Tensor> = Object.create(null);
  for (const [k, v] of Object.entries(params)) {
    const t = Object.hasOwn(transforms, k) ? transforms[k] : undefined;
    const x = siteTensor(v);
    out[k] = t === undefined ? x : invert ? t.inverse(x) : t.forward(x);
  }
  return out;
}

/**
 * Constrained values from unconstrained ones (NumPyro's `constrain_fn`): runs the model with the
 * unconstrained values mapped through `bijectTo(support)`.
 * @param model - the model.
 * @param args - its arguments.
 * @param params - unconstrained values by site name.
 * @param returnDeterministic - also return every deterministic site.
 * @returns constrained values by site name.
 * @example
 * constrainFn(() => sample("s", new HalfNormal(1)), [], { s: 0 }).s.item(); // → 1
 */
export function constrainFn<A extends unknown[]>(
  model: Model<A>,
  args: A,
  params: Values,
  returnDeterministic = false,
): Record<string, Tensor> {
  const values = toMap(params);
  const sub = new UnconstrainedSubstitute(values, false, true);
  const tr = trace<A, unknown>((...a: A) => sub.run(() => model(...a))).getTrace(...args);
  const out: Record<string, Tensor> = Object.create(null);
  for (const [name, site] of tr) {
    if (site.value === null) continue;
    if (values.has(name) || (returnDeterministic && site.type === "deterministic")) out[name] = site.value;
  }
  return out;
}

/**
 * The bijections of the latent sites named in `params` (NumPyro's `get_transforms`), from a run of the
 * model with `params` substituted.
 * @param model - the model.
 * @param args - its arguments.
 * @param params - constrained values by site name.
 * @returns `bijectTo(support)` of each latent site in `params`.
 */
export function getTransforms<A extends unknown[]>(
  model: Model<A>,
  args: A,
  params: Values,
): Record<string, Transform> {
  const values = toMap(params);
  const tr = trace(substitute(model, Object.fromEntries(values))).getTrace(...args);
  const out: Record<string, Transform> = Object.create(null);
  for (const [name, site] of tr) {
    if (!values.has(name)) continue;
    if (isLatent(site) && !isRealSupport(site)) out[name] = siteTransform(site);
    else if (site.type === "param") {
      const t = paramTransform(site);
      if (t !== null) out[name] = t;
    }
  }
  return out;
}

/**
 * Unconstrained values from constrained ones (NumPyro's `unconstrain_fn`).
 * @param model - the model.
 * @param args - its arguments.
 * @param params - constrained values by site name.
 * @returns unconstrained values by site name.
 * @example
 * unconstrainFn(() => sample("s", new HalfNormal(1)), [], { s: 1 }).s.item(); // → 0
 */
export function unconstrainFn<A extends unknown[]>(
  model: Model<A>,
  args: A,
  params: Values,
): Record<string, Tensor> {
  return transformFn(getTransforms(model, args, params), params, true);
}
