import {
  configEnumerate,
  EnumMessenger,
  isEnumerated,
  type Message,
  ScannedDistribution,
  seed,
  substitute,
  type Trace,
  trace,
} from "@phlox/handlers";
import { PhloxError, type Tensor, type TensorLike, warn } from "../internal/ops.js";
import { type Model, type SiteValue, siteTensor } from "../site-values.js";
import { sumProduct } from "./contract.js";
import { enumFactors } from "./enum-factors.js";
import { FusedChain } from "./fused-chain.js";

type AnyModel = (...args: never[]) => unknown;

/**
 * How many batch dimensions plates (and vectorised sites) use in a trace: the deepest plate dimension, or the
 * longest batch shape of a non-enumerated sample site, whichever is larger (NumPyro's max_plate_nesting).
 * @param tr - a trace of the model (not enumerated).
 * @returns a non-negative integer.
 */
export function maxPlateNesting(tr: Trace): number {
  let n = 0;
  for (const site of tr.values()) {
    for (const f of site.condIndepStack) n = Math.max(n, -f.dim);
    if (site.type === "sample" && site.fn !== null && !isEnumerated(site)) {
      // a scanned site: the time axis is no plate dimension
      const fn = site.fn instanceof ScannedDistribution ? site.fn.step : site.fn;
      n = Math.max(n, fn.batchShape.length + site.sampleShape.length);
    }
  }
  return n;
}

/** True when a latent sample site of the trace has discrete support. */
export function hasDiscreteLatent(tr: Trace): boolean {
  for (const site of tr.values()) {
    if (site.type === "sample" && !site.isObserved && site.fn?.support.isDiscrete) return true;
  }
  return false;
}

/**
 * @internal Σ over the sites of an enumerated trace of their log factors, the enumerated variables summed out
 * (max-ed out with `mode: "max"`).
 */
export function enumTraceLogJoint(tr: Trace, firstAvailableDim: number, mode: "sum" | "max" = "sum"): Tensor {
  const ef = enumFactors(tr, firstAvailableDim, mode);
  return sumProduct(ef.factors, ef.sumVars, ef.plates, ef.order, mode);
}

/**
 * @internal Runs `model` under `enumerate` (and `configEnumerate`) and returns its trace; with `fuse`, the
 * forward recursions of enumerated scans run inside their loops (for the summed log density only).
 */
export function enumTrace(
  model: AnyModel,
  args: readonly unknown[],
  firstAvailableDim: number,
  inner: ((run: () => unknown) => unknown) | null = null,
  fuse = false,
): Trace {
  const m = configEnumerate(model as (...a: readonly unknown[]) => unknown);
  const en = new EnumMessenger({
    firstAvailableDim,
    scanReducer: fuse ? () => new FusedChain(firstAvailableDim, "sum") : undefined,
  });
  const body = (): unknown => en.run(() => m(...args));
  return trace(() => (inner === null ? body() : inner(body))).getTrace();
}

/** Options of {@link enumLogDensity}. */
export interface EnumLogDensityOptions {
  /** Batch dimensions used by plates; default: found by one seeded run of the model. */
  maxPlateNesting?: number;
}

/**
 * Log joint density with the discrete latent sites summed out (NumPyro's `contrib.funsor.log_density`):
 * every latent site with finite support (or marked `infer: { enumerate: "parallel" }`) is enumerated, and
 * tensor variable elimination sums it out, respecting plates and `markov` contexts. Continuous latent sites
 * take their values from `params`.
 * @param model - the model.
 * @param args - its arguments.
 * @param params - constrained values of the continuous latent sites.
 * @param options - `maxPlateNesting`.
 * @returns `{ logJoint, trace }`: a scalar tensor and the enumerated trace.
 * @example
 * const m = () => {
 *   const z = sample("z", new Bernoulli(0.3));
 *   sample("y", new Normal(z, 1), { obs: 0.5 });
 * };
 * const lp = enumLogDensity(m, [], {}).logJoint.item();
 * const p = (x) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
 * Math.abs(lp - Math.log(0.7 * p(0.5) + 0.3 * p(-0.5))) < 1e-12; // → true
 */
export function enumLogDensity<A extends unknown[]>(
  model: Model<A>,
  args: A,
  params: Readonly<Record<string, Tensor | TensorLike | SiteValue>>,
  options: EnumLogDensityOptions = {},
): { logJoint: Tensor; trace: Trace } {
  const values: Record<string, Tensor> = Object.create(null);
  for (const [k, v] of Object.entries(params)) values[k] = siteTensor(v);
  const sub = substitute(model as AnyModel, values) as AnyModel;
  const nesting =
    options.maxPlateNesting ?? maxPlateNesting(trace(seed(sub as (...a: A) => unknown, 0)).getTrace(...args));
  const fad = -nesting - 1;
  const tr = enumTrace(sub, args, fad, null, true);
  return { logJoint: enumTraceLogJoint(tr, fad), trace: tr };
}

/** @internal The names of the enumerated sites of a trace. */
export function enumeratedNames(tr: Trace): string[] {
  const out: string[] = [];
  for (const site of tr.values()) if (isEnumerated(site as Message)) out.push(site.name);
  return out;
}

/**
 * @internal How `initializeModel` treats the discrete latent sites of a prototype trace (NumPyro's
 * `_get_model_transforms` check): `null` when there is none; otherwise the `firstAvailableDim` for
 * enumerating them. A site with finite support that is not marked is enumerated with a warning (as NumPyro
 * does); a site without finite support, or marked with another strategy, is an error naming the site and
 * the ways out. Sites in `skip` (Gibbs sites, which the model is conditioned on) are left alone.
 */
export function planEnumeration(
  tr: Trace,
  who: string,
  skip: { has(name: string): boolean } | null = null,
): number | null {
  let any = false;
  const unmarked: string[] = [];
  for (const site of tr.values()) {
    if (site.type !== "sample" || site.isObserved || site.fn === null || !site.fn.support.isDiscrete)
      continue;
    if (skip?.has(site.name)) continue; // a Gibbs site: the kernel conditions the model on it
    const strategy = site.infer.enumerate;
    if (strategy !== undefined && strategy !== "parallel") {
      throw new PhloxError(
        "discrete-latent",
        `${who}: site "${site.name}" is marked infer: { enumerate: ${JSON.stringify(strategy)} }; only "parallel" ` +
          `enumeration exists. Mark it { enumerate: "parallel" } (or use configEnumerate(model)).`,
      );
    }
    if (!site.fn.hasEnumerateSupport) {
      throw new PhloxError(
        "discrete-latent",
        `${who}: site "${site.name}" is a discrete latent variable whose ${site.fn.constructor.name} distribution ` +
          `(support ${String(site.fn.support)}) has no finite support to enumerate, so HMC/NUTS cannot sum it out. ` +
          `Marginalise it by hand with factor(), observe it, or sample it with a Gibbs kernel such as ` +
          `DiscreteHMCGibbs from @phlox/mcmc.`,
      );
    }
    if (strategy === undefined) unmarked.push(site.name);
    any = true;
  }
  if (!any) return null;
  if (unmarked.length > 0) {
    warn(
      "infer-auto-enumerate",
      `${who}: the discrete latent site(s) ${unmarked.map((n) => `"${n}"`).join(", ")} are not marked for ` +
        `enumeration; they are enumerated (summed out) automatically. Mark them with ` +
        `infer: { enumerate: "parallel" } or wrap the model in configEnumerate(model) to silence this warning.`,
    );
  }
  return -maxPlateNesting(tr) - 1;
}

/** @internal The model with its discrete sites marked and enumerated from `firstAvailableDim`. */
export function enumeratedModel(model: AnyModel, firstAvailableDim: number): AnyModel {
  const m = configEnumerate(model as (...a: readonly unknown[]) => unknown);
  const wrapped = (...args: readonly unknown[]): unknown =>
    new EnumMessenger({ firstAvailableDim, scanReducer: () => new FusedChain(firstAvailableDim, "sum") }).run(
      () => m(...args),
    );
  return wrapped as AnyModel;
}
