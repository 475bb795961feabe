import { jsCompiler } from "@phlox/backend-js";
import {
  addScanHandler,
  CONTROL_FLOW,
  type Message,
  Messenger,
  seed,
  type Trace,
  trace,
} from "@phlox/handlers";
import {
  type Backend,
  broadcastTo,
  jsBackend,
  type Program,
  slice,
  withBackend,
  withCompiler,
} from "@phlox/tensor";
import {
  argsOnHost,
  type DevicePotentialFn,
  defaultModelBackend,
  devicePotential,
  onHost,
  requireCompilingBackend,
  routeHostPotential,
  stageForDevice,
} from "./device-potential.js";
import { enumeratedModel, planEnumeration } from "./enum/enum-log-density.js";
import { type InitStrategy, initToUniform } from "./initialization.js";
import { type CompiledPostprocess, compilePostprocess, stackDraws } from "./internal/compiled-postprocess.js";
import { type GibbsLayout, GibbsSites } from "./internal/gibbs-sites.js";
import { validateObservations } from "./internal/observed.js";
import {
  type CompiledPotential,
  compileValueAndGrad,
  dataOf,
  fromData,
  type Key,
  loadCompiledPotential,
  PhloxError,
  reshape,
  slice1,
  splitKey,
  sumAll,
  sumRightmost,
  type Tensor,
  type TensorLike,
  toKey,
  valueAndGrad1,
  warn,
} from "./internal/ops.js";
import { isLatent, isRealSupport, siteTransform, UnconstrainedSubstitute } from "./internal/unconstrained.js";
import { siteLogProb } from "./log-density.js";
import { potentialFromMap } from "./potential.js";
import { type SiteValue, siteTensor, toSiteValue } from "./site-values.js";

/** Where one latent site lies in the flat unconstrained vector. */
export interface SiteLayout {
  /** Site name. */
  name: string;
  /** Shape of the site's unconstrained value. */
  shape: number[];
  /** First index in the flat vector. */
  offset: number;
  /** Number of elements (product of `shape`). */
  size: number;
  /** Shape of the site's constrained value (differs from `shape` for e.g. simplex sites). */
  constrainedShape: number[];
}

/** How a worker thread rebuilds the potential: `(await import(module))[exportName](payload)`. */
export interface WorkerPotentialSpec {
  module: string;
  exportName: string;
  payload: unknown;
}

/** Options of {@link initializeModel}. */
export interface InitializeModelOptions {
  /** An {@link InitStrategy} such as `initToMedian()`; default `initToUniform()` (radius 2). */
  initStrategy?: unknown;
  /** How many initial points to try before giving up (default 100). */
  maxTries?: number;
  /** Compile the potential with `@phlox/backend-js` (default true; falls back to eager autodiff when tracing fails). */
  jit?: boolean;
  /**
   * `"float32"`: the compiled potential holds the data its long row loops read as float32 (sums and dot
   * products in float64, per-row elementwise math in float32 in the SIMD kernels): less memory traffic and
   * twice the SIMD lanes, the potential of the float32-rounded data to about 1e-6 relative (see
   * `@phlox/backend-js`'s `compileValueAndGrad`). Default `"float64"`. Skips `checkCompiled`'s comparison
   * with eager autodiff, which uses the float64 data.
   */
  dataDtype?: "float64" | "float32";
  /** `false` keeps the compiled potential's long row loops JavaScript instead of WebAssembly SIMD (default true). */
  simd?: boolean;
  /**
   * Cross-check the compiled potential and gradient against eager autodiff at the starting point (a guard
   * against compiler defects). Default: only when the observed data hold at most `CHECK_COMPILED_MAX`
   * elements, since eager autodiff over large data costs seconds and ~15× the data in buffers.
   */
  checkCompiled?: boolean;
  /**
   * Latent sites that a Gibbs-style sampler (`HMCGibbs`, `DiscreteHMCGibbs`, `MixedHMC` in `@phlox/mcmc`)
   * updates itself, discrete ones included: they stay out of the flat vector, and the potential is that of
   * the model conditioned on their current values (NumPyro's `_gibbs_sites`), which `ModelInfo.gibbs`
   * reads and sets. Without this option a discrete latent site is an error.
   */
  gibbsSites?: readonly string[];
  /**
   * A backend with its own `compile` (WebGPU from `@phlox/backend-webgpu`, wasm): the model's value-and-gradient
   * program is also compiled for it, as {@link ModelInfo.asyncPotentialFn}. Everything else (start-point search,
   * `potentialFn`, postprocessing) stays on the CPU, with the host backend current. Not with `gibbsSites`.
   */
  backend?: Backend;
}

/**
 * The Gibbs sites of {@link ModelInfo} (present when `gibbsSites` was given): their current values, on which
 * `potentialFn` and `postprocess` condition the model.
 */
export interface GibbsSitesInfo {
  /** Where each Gibbs site lies in `values` (constrained values, row-major, in the order given). */
  readonly layout: readonly GibbsLayout[];
  /** Length of `values`. */
  readonly dim: number;
  /** The initial values (from the first trace: a draw from the prior). */
  readonly initial: Float64Array;
  /** Conditions `potentialFn`, `postprocess` and `initialize` on these values (copied), flat. */
  set(values: ArrayLike<number>): void;
  /** The values currently conditioned on (a copy). */
  get(): Float64Array;
}

/** Observed elements up to which `initializeModel` cross-checks the compiled potential by default. */
export const CHECK_COMPILED_MAX = 2 ** 17;

/** What {@link initializeModel} returns: everything a sampler needs (the `@phlox/mcmc` `ModelPotential` contract). */
export interface ModelInfo {
  /** U(z) = −(log joint + Σ log|det J|) on the flat unconstrained vector; writes ∇U(z) into `grad`. */
  potentialFn: (z: Float64Array, grad: Float64Array) => number;
  /**
   * U and ∇U at `n` points in one call, when the potential is compiled (else `undefined`): the compiled
   * program vmapped over the points (`@phlox/backend-js`'s `CompiledPotential.batched`, compiled once per
   * `n`). `zs` holds the points row-major ([n·dim]); U at point i goes to `values[i]`, ∇U to row i of
   * `grads`. Row i equals `potentialFn` at that point bit for bit (vectorized MCMC chains rely on it),
   * except where `potentialFn` runs WebAssembly SIMD row kernels (data loops of at least 8192 rows, `simd`
   * not false): the batched form stays JavaScript, and rows then agree with it to ~1e-14 relative.
   */
  potentialBatch(
    n: number,
  ): ((zs: Float64Array, grads: Float64Array, values: Float64Array) => void) | undefined;
  /** A valid starting point (finite U and ∇U), length `dim`. */
  initialZ: Float64Array;
  /** U at `initialZ`. */
  initialPotential: number;
  /** Latent sites in the flat vector, in the model's order. */
  layout: SiteLayout[];
  /** Length of the flat vector. */
  dim: number;
  /** True when `potentialFn` is the compiled (jit) function, false when it runs eager autodiff. */
  compiled: boolean;
  /** The trace of the model at the first initial point. */
  prototypeTrace: Trace;
  /** Constrained values of the latent sites at `z`, as tensors. */
  constrain(z: Float64Array): Record<string, Tensor>;
  /** Constrained latent values plus deterministic sites at `z`, as `{data, shape}`. */
  postprocess(z: Float64Array): Record<string, SiteValue>;
  /**
   * {@link ModelInfo.postprocess} of `n` draws stacked row-major in `zs` (shape [n·dim]): each site as
   * `{ data, shape: [n, ...site] }`, through the compiled function's reused buffers when the model compiles.
   */
  postprocessBatch(zs: Float64Array, n: number): Record<string, SiteValue>;
  /** The flat unconstrained vector of constrained latent values (every latent site must be given). */
  unconstrain(values: Readonly<Record<string, Tensor | TensorLike | SiteValue>>): Float64Array;
  /** A new valid starting point from another key (another chain), without rebuilding the potential. */
  initialize(key: Key | number | readonly [number, number]): Float64Array;
  /**
   * How a worker rebuilds `potentialFn`: `{ module: "@phlox/infer", exportName: "loadPotential", payload }`
   * (payload: `@phlox/backend-js`'s JSON form of the compiled program); `undefined` when the potential is
   * eager or interpreted, which is not serialisable.
   */
  serialize(): WorkerPotentialSpec | undefined;
  /** The Gibbs sites when `gibbsSites` was given (see {@link InitializeModelOptions.gibbsSites}). */
  gibbs?: GibbsSitesInfo;
  /**
   * With the `backend` option: U and ∇U from the same program compiled for that backend, read back with
   * `await` (float32 on WebGPU) — what `@phlox/mcmc` runs as an `asyncPotentialFn`.
   */
  asyncPotentialFn?: DevicePotentialFn;
  /** The backend of {@link ModelInfo.asyncPotentialFn}. */
  backend?: Backend;
}

export type { GibbsLayout } from "./internal/gibbs-sites.js";

/** Sets latent sites' initial values with an init strategy. */
class InitMessenger extends Messenger {
  constructor(
    readonly strategy: InitStrategy,
    private key: Key,
    /** Gibbs sites: drawn, as their kernel starts from these values. */
    private readonly gibbs: ReadonlySet<string> = new Set(),
  ) {
    super();
  }
  override processMessage(msg: Message): void {
    if (msg.type === CONTROL_FLOW) {
      addScanHandler(msg, () => this); // initial values are chosen inside the scan body
      return;
    }
    if (!isLatent(msg) || msg.value !== null || msg.fn === null) return;
    if (msg.fn.support.isDiscrete) {
      // A site that will be enumerated (see planEnumeration) is summed out: its value here only gives the trace
      // a shape and dtype. Its first support value instead of a draw spares a scan body a per-step key (a
      // traced threefry, most of the set-up of an HMM written with scan).
      const e = msg.infer.enumerate;
      if ((e === undefined || e === "parallel") && msg.fn.hasEnumerateSupport && !this.gibbs.has(msg.name))
        msg.value = firstSupportValue(msg.fn, msg.sampleShape);
      return;
    }
    const [next, sub] = splitKey(this.key, 2);
    this.key = next;
    const v = this.strategy(msg, sub);
    if (v !== null) msg.value = v;
  }
}

type AnyModel = (...args: never[]) => unknown;

/** The smallest value of a finite discrete support, broadcast to the site's shape (in the support's dtype). */
function firstSupportValue(fn: NonNullable<Message["fn"]>, sampleShape: readonly number[]): Tensor {
  const support = fn.enumerateSupport(false); // [n, 1, …]
  const first = reshape(slice(support, [0], [1]), support.shape.slice(1));
  return broadcastTo(first, fn.shape(sampleShape));
}

function callModel(model: AnyModel, args: readonly unknown[]): unknown {
  return (model as (...a: readonly unknown[]) => unknown)(...args);
}

function initTrace(
  model: AnyModel,
  args: readonly unknown[],
  strategy: InitStrategy,
  k: Key,
  gibbsSites: readonly string[] = [],
): Trace {
  const [k1, k2] = splitKey(k, 2);
  const init = new InitMessenger(strategy, k1, new Set(gibbsSites));
  return trace(() => init.run(() => seed(() => callModel(model, args), k2)())).getTrace();
}

const isFiniteArray = (a: Float64Array): boolean => {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
};

/**
 * Turns a model into what a sampler needs (NumPyro's `initialize_model`): traces the model once, finds the
 * latent (unobserved, continuous) sample sites, lays their unconstrained values out in one flat vector,
 * and builds the potential energy U(z) = −(log joint + Σ log|det J|) with its gradient — compiled into one
 * JavaScript function by `@phlox/backend-js` when the model traces, or eager autodiff otherwise (with a
 * one-line warning saying why). Then it looks for a starting point with a finite potential and gradient.
 *
 * @param rngKey - a key, an integer seed, or a `[hi, lo]` uint32 pair (as `@phlox/mcmc` passes).
 * @param model - the model.
 * @param args - the model's arguments.
 * @param options - `initStrategy` (default `initToUniform()`), `maxTries` (100), `jit` (true).
 * @returns the {@link ModelInfo}.
 * @throws PhloxError (`discrete-latent`) for a latent site with discrete support.
 * @throws PhloxError (`no-valid-init`) when no finite starting point is found, naming the offending site.
 * @throws PhloxError (`obs-outside-support`) when an observed value lies outside its distribution's support
 *   (checked once here, so the compiled potential carries no checks); `sample` itself refuses observed
 *   values whose shape differs from the site's (`obs-shape`).
 * @example
 * const model = (y) => {
 *   const mu = sample("mu", new Normal(0, 1));
 *   sample("y", new Normal(mu, 1), { obs: y });
 * };
 * const info = initializeModel(key(0), model, [tensor(0.5)]);
 * const g = new Float64Array(info.dim);
 * Math.abs(info.potentialFn(Float64Array.of(0.5), g) - (0.125 + Math.log(2 * Math.PI))) < 1e-12; // → true
 * g[0]; // → 0.5
 */
export function initializeModel(
  rngKey: Key | number | readonly [number, number],
  model: AnyModel,
  args: readonly unknown[] = [],
  options: InitializeModelOptions = {},
): ModelInfo {
  // Eager runs of the model (the prototype trace, the start-point search and check) compile the loops of
  // any scan in it, instead of interpreting their bodies step by step.
  const device = options.backend ?? defaultModelBackend();
  if (device === undefined)
    return withCompiler(jsCompiler, () => initializeModelImpl(rngKey, model, args, options));
  requireCompilingBackend(device, "initializeModel");
  if (options.gibbsSites !== undefined)
    throw new PhloxError(
      "device-gibbs-unsupported",
      `initializeModel: gibbsSites cannot be combined with backend "${device.name}"; leave out the backend.`,
    );
  // The model is traced and searched on the host; the device runs the compiled program only.
  const info = withBackend(jsBackend, () =>
    withCompiler(jsCompiler, () =>
      onHost(initializeModelImpl(rngKey, model, argsOnHost(args), options, device)),
    ),
  );
  routeHostPotential(info);
  return info;
}

function initializeModelImpl(
  rngKey: Key | number | readonly [number, number],
  rawModel: AnyModel,
  args: readonly unknown[],
  options: InitializeModelOptions,
  device?: Backend,
): ModelInfo {
  const strategy = (options.initStrategy ?? initToUniform()) as InitStrategy;
  if (typeof strategy !== "function") {
    throw new PhloxError(
      "bad-init-strategy",
      `initializeModel: initStrategy must be an InitStrategy function such as initToMedian(), got ${typeof strategy}.`,
    );
  }
  const maxTries = options.maxTries ?? 100;
  const [kProto, kSearch] = splitKey(toKey(rngKey), 2);
  const proto = initTrace(rawModel, args, strategy, kProto, options.gibbsSites);
  validateObservations(proto);
  const gibbs = options.gibbsSites === undefined ? null : new GibbsSites(options.gibbsSites, proto);
  // Discrete latent sites with finite support (other than Gibbs sites) are enumerated: the potential sums them
  // out, and every later run of the model (start-point search, postprocess) runs it enumerated. The Gibbs
  // condition sits inside the enumeration, so the Gibbs sites are observed when the enumeration sees them.
  const firstAvailableDim = planEnumeration(proto, "initializeModel", gibbs);
  const conditioned = gibbs === null ? rawModel : gibbs.wrap(rawModel);
  const model = firstAvailableDim === null ? conditioned : enumeratedModel(conditioned, firstAvailableDim);

  const layout: SiteLayout[] = [];
  let dim = 0;
  for (const site of proto.values()) {
    if (!isLatent(site)) continue;
    const fn = site.fn;
    if (fn === null || site.value === null || gibbs?.has(site.name)) continue;
    if (fn.support.isDiscrete && firstAvailableDim !== null) continue; // enumerated: summed out
    if (fn.support.isDiscrete) {
      throw new PhloxError(
        "discrete-latent",
        `initializeModel: site "${site.name}" is a discrete latent variable (support ${String(fn.support)}); ` +
          `HMC/NUTS need continuous latent sites. Observe it, marginalise it out with factor(), or relax it.`,
      );
    }
    const u = isRealSupport(site) ? site.value : siteTransform(site).inverse(site.value);
    const size = u.size;
    layout.push({
      name: site.name,
      shape: [...u.shape],
      offset: dim,
      size,
      constrainedShape: [...site.value.shape],
    });
    dim += size;
  }

  const unflatten = (z: Tensor): Map<string, Tensor> => {
    const m = new Map<string, Tensor>();
    for (const l of layout) m.set(l.name, reshape(slice1(z, l.offset, l.offset + l.size), l.shape));
    return m;
  };
  // Set while the start-point check below runs the eager potential, to keep that run's trace.
  let onTrace: ((tr: Trace) => void) | null = null;
  const U = (z: Tensor): Tensor => potentialFromMap(model, args, unflatten(z), onTrace, firstAvailableDim);

  const vg = valueAndGrad1(U);
  const eagerFn = (z: Float64Array, grad: Float64Array): number => {
    if (dim === 0) return dataOf(U(fromData(z, [0])))[0];
    const [v, g] = vg(fromData(z, [dim]));
    grad.set(dataOf(g));
    return dataOf(v)[0];
  };

  const flatten = (
    values: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
    tr: Trace,
  ): Float64Array => {
    const z = new Float64Array(dim);
    const get = (n: string): Tensor | undefined =>
      values instanceof Map ? values.get(n) : (values as Readonly<Record<string, Tensor>>)[n];
    for (const l of layout) {
      const x = get(l.name);
      const site = tr.get(l.name);
      if (x === undefined || site === undefined) {
        throw new PhloxError("missing-site-value", `unconstrain: no value for latent site "${l.name}".`);
      }
      const u = isRealSupport(site) ? x : siteTransform(site).inverse(x);
      const d = dataOf(u);
      if (d.length !== l.size) {
        throw new PhloxError(
          "site-shape-changed",
          `initializeModel: site "${l.name}" has ${d.length} unconstrained elements now but ${l.size} in the first trace; ` +
            `latent shapes must not depend on random values.`,
        );
      }
      z.set(d, l.offset);
    }
    return z;
  };
  const traceValues = (tr: Trace): Map<string, Tensor> => {
    const m = new Map<string, Tensor>();
    for (const l of layout) {
      const v = tr.get(l.name)?.value;
      if (v) m.set(l.name, v);
    }
    return m;
  };

  let potentialFn = eagerFn;
  let compiled: CompiledPotential | null = null;
  const compileOptions = {
    ...(options.simd === undefined ? {} : { simd: options.simd }),
    ...(options.dataDtype === undefined ? {} : { dataDtype: options.dataDtype }),
  };
  if (options.jit !== false && (dim > 0 || gibbs !== null)) {
    try {
      if (gibbs === null) {
        compiled = compileValueAndGrad(U, dim, compileOptions);
        potentialFn = compiled.fn;
      } else {
        const g = gibbs;
        // Every latent site may be a Gibbs site (dim 0): the compiled function then takes one unused input.
        const n = Math.max(dim, 1);
        compiled = compileValueAndGrad(
          (z: Tensor, c: Tensor) => {
            g.traced = c;
            try {
              return U(z);
            } finally {
              g.traced = null;
            }
          },
          n,
          { extraInputs: [{ shape: [g.dim], dtype: "float64" }], ...compileOptions },
        );
        const fn = compiled.fn as (z: Float64Array, grad: Float64Array, c: Float64Array) => number;
        const z1 = new Float64Array(1);
        const g1 = new Float64Array(1);
        potentialFn = dim === 0 ? () => fn(z1, g1, g.values) : (z, grad) => fn(z, grad, g.values);
      }
    } catch (e) {
      const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
      warn(
        "infer-eager-fallback",
        `initializeModel: the model could not be compiled (${why}); using eager autodiff, which is much slower.`,
      );
    }
  }

  const grad = new Float64Array(dim);
  const search = (k: Key, first: Trace | null): { z: Float64Array; pe: number } => {
    let key = k;
    let z: Float64Array = new Float64Array(dim);
    for (let i = 0; i < maxTries; i++) {
      let tr: Trace;
      if (i === 0 && first !== null) tr = first;
      else {
        const [next, sub] = splitKey(key, 2);
        key = next;
        tr = initTrace(model, args, strategy, sub);
      }
      z = flatten(traceValues(tr), tr);
      const pe = potentialFn(z, grad);
      if (Number.isFinite(pe) && isFiniteArray(grad)) return { z, pe };
    }
    throw new PhloxError(
      "no-valid-init",
      `initializeModel: no initial point with a finite potential and gradient after ${maxTries} tries. ` +
        `${diagnose(z)} Check the site's parameters and support, or set its starting value with ` +
        `initStrategy: initToValue({ values: { … } }).`,
    );
  };

  const diagnose = (z: Float64Array): string => {
    const values = unflatten(fromData(z, [dim]));
    const sub = new UnconstrainedSubstitute(values, false);
    let tr: Trace;
    try {
      tr = trace(() => sub.run(() => callModel(model, args))).getTrace();
    } catch (e) {
      return `At the last try the model threw: ${e instanceof Error ? e.message : String(e)}.`;
    }
    for (const site of tr.values()) {
      if (site.type !== "sample") continue;
      const lp = dataOf(sumAll(siteLogProb(site)))[0];
      if (!Number.isFinite(lp)) {
        return (
          `At the last try the log density of site "${site.name}" is ${lp}` +
          (site.isObserved ? " (observed)." : ".")
        );
      }
      const u = values.get(site.name);
      if (u !== undefined && !isRealSupport(site) && site.value !== null && site.fn !== null) {
        const t = siteTransform(site);
        const ld = t.logAbsDetJacobian(u, site.value);
        const s = dataOf(sumAll(sumRightmost(ld, 0)))[0];
        if (!Number.isFinite(s)) return `At the last try the log-Jacobian of site "${site.name}" is ${s}.`;
      }
    }
    const g = new Float64Array(dim);
    eagerFn(z, g);
    for (const l of layout) {
      for (let i = 0; i < l.size; i++) {
        if (!Number.isFinite(g[l.offset + i]))
          return `At the last try the gradient for site "${l.name}" is not finite.`;
      }
    }
    return "Every site's log density was finite at the last try, but the total was not.";
  };

  const first = search(kSearch, proto);

  // Guard against a compiler defect: the compiled and eager potentials must agree at the starting point.
  // The eager run's trace (constrained latent and deterministic values at that point) is kept as the
  // reference against which the compiled postprocess is checked, so the model need not run again for it.
  let checkPoint: { z: Float64Array; trace: Trace } | null = null;
  let observedSize = 0;
  for (const site of proto.values()) {
    if (site.type === "sample" && site.isObserved && site.value !== null) observedSize += site.value.size;
  }
  if (
    compiled !== null &&
    options.dataDtype !== "float32" &&
    (options.checkCompiled ?? observedSize <= CHECK_COMPILED_MAX)
  ) {
    const ge = new Float64Array(dim);
    let eagerTrace: Trace | null = null;
    onTrace = (tr) => {
      eagerTrace = tr;
    };
    let ve: number;
    try {
      ve = eagerFn(first.z, ge);
    } finally {
      onTrace = null;
    }
    if (eagerTrace !== null) checkPoint = { z: Float64Array.from(first.z), trace: eagerTrace };
    const gc = new Float64Array(dim);
    const vc = potentialFn(first.z, gc);
    let ok = Math.abs(ve - vc) <= 1e-8 * (1 + Math.abs(ve));
    for (let i = 0; ok && i < dim; i++) ok = Math.abs(ge[i] - gc[i]) <= 1e-7 * (1 + Math.abs(ge[i]));
    if (!ok) {
      warn(
        "infer-jit-mismatch",
        `initializeModel: the compiled potential (${vc}) disagrees with eager autodiff (${ve}) at the initial point; using eager autodiff.`,
      );
      compiled = null;
      potentialFn = eagerFn;
    }
  }

  const runConstrained = (z: Float64Array): Trace => {
    const sub = new UnconstrainedSubstitute(unflatten(fromData(z, [dim])), false);
    return trace(() => sub.run(() => callModel(model, args))).getTrace();
  };

  const latentNames = new Set(layout.map((l) => l.name));
  const keepSite = (name: string, type: string): boolean => latentNames.has(name) || type === "deterministic";
  const runAt = (z: Tensor): Trace => {
    const sub = new UnconstrainedSubstitute(unflatten(z), false);
    return trace(() => sub.run(() => callModel(model, args))).getTrace();
  };
  const sitesOf = (tr: Trace): Record<string, SiteValue> => {
    const out: Record<string, SiteValue> = Object.create(null);
    for (const [name, site] of tr) {
      if (site.value !== null && keepSite(name, site.type)) out[name] = toSiteValue(site.value);
    }
    return out;
  };
  const eagerPostprocess = (z: Float64Array): Record<string, SiteValue> => sitesOf(runConstrained(z));
  // Built on the first postprocess call: samplers map every draw through it.
  let fastPostprocess: CompiledPostprocess | null | undefined;
  const compiledPostprocess = (): CompiledPostprocess | null => {
    if (fastPostprocess === undefined) {
      const at = checkPoint;
      checkPoint = null;
      fastPostprocess =
        options.jit === false || dim === 0 || gibbs !== null
          ? null
          : at !== null
            ? compilePostprocess(runAt, keepSite, dim, at.z, sitesOf(at.trace))
            : compilePostprocess(runAt, keepSite, dim, Float64Array.from(first.z), eagerPostprocess(first.z));
    }
    return fastPostprocess;
  };

  const spec = compiled;
  const info: ModelInfo = {
    potentialFn,
    potentialBatch(n) {
      if (spec === null || gibbs !== null || dim === 0) return undefined;
      return spec.batched(n);
    },
    initialZ: first.z,
    initialPotential: first.pe,
    layout,
    dim,
    compiled: compiled !== null,
    prototypeTrace: proto,
    constrain(z) {
      const tr = runConstrained(z);
      const out: Record<string, Tensor> = Object.create(null);
      for (const l of layout) {
        const v = tr.get(l.name)?.value;
        if (v) out[l.name] = v;
      }
      return out;
    },
    postprocess(z) {
      const fast = compiledPostprocess();
      return fast === null ? eagerPostprocess(z) : fast.one(z);
    },
    postprocessBatch(zs, n) {
      const fast = compiledPostprocess();
      if (fast !== null) return fast.batch(zs, n);
      return stackDraws(zs, n, dim, eagerPostprocess);
    },
    unconstrain(values) {
      const vals: Record<string, Tensor> = Object.create(null);
      for (const [k, v] of Object.entries(values)) vals[k] = siteTensor(v);
      const sub = new (class extends Messenger {
        override processMessage(msg: Message): void {
          if (msg.type === "sample" && !msg.isObserved && Object.hasOwn(vals, msg.name))
            msg.value = vals[msg.name];
        }
      })();
      const tr = trace(() => sub.run(() => seed(() => callModel(model, args), 0)())).getTrace();
      return flatten(vals, tr);
    },
    initialize(k) {
      return search(toKey(k), null).z;
    },
    serialize() {
      if (spec === null || spec.compiled === null || gibbs !== null) return undefined;
      // "@phlox/infer" rather than "@phlox/backend-js": a worker started by @phlox/mcmc can import the
      // packages mcmc depends on, and infer re-exports backend-js's loadPotential.
      return { module: "@phlox/infer", exportName: "loadPotential", payload: spec.toJSON() };
    },
  };
  if (device !== undefined) {
    if (dim === 0) info.asyncPotentialFn = async (z, g) => potentialFn(z, g);
    else {
      const program: Program = spec?.program ?? stageForDevice(U, dim, device);
      info.asyncPotentialFn = devicePotential(program, device, dim);
    }
    info.backend = device;
  }
  if (gibbs !== null) {
    const g = gibbs;
    const initial = Float64Array.from(g.values);
    info.gibbs = {
      layout: g.layout,
      dim: g.dim,
      initial,
      set(values) {
        if (values.length !== g.dim) {
          throw new PhloxError(
            "gibbs-values-length",
            `ModelInfo.gibbs.set: got ${values.length} values, expected ${g.dim} (${g.layout.map((l) => `"${l.name}" [${l.shape.join(", ")}]`).join(", ")}).`,
          );
        }
        g.values = Float64Array.from(values);
      },
      get: () => Float64Array.from(g.values),
    };
  }
  return info;
}

/**
 * Rebuilds a compiled potential from the `payload` of {@link ModelInfo.serialize} (in a worker thread),
 * without the model: `@phlox/backend-js`'s `loadPotential`, re-exported so that the packages that depend on
 * `@phlox/infer` (such as `@phlox/mcmc`) can import it.
 * @param payload - `serialize().payload` (or its JSON string).
 * @returns the potential `(z, grad) => U(z)`, writing ∇U into `grad`.
 * @throws Error when `payload` is not a serialised potential.
 * @example
 * const info = initializeModel(0, () => sample("x", new Normal(0, 1)), []);
 * const spec = info.serialize();
 * spec === undefined || loadPotential(spec.payload)(Float64Array.of(0), new Float64Array(1)) > 0; // → true
 */
export function loadPotential(payload: unknown): (z: Float64Array, grad: Float64Array) => number {
  return loadCompiledPotential(payload);
}
