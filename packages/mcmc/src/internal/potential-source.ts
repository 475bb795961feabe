/**
 * What HMC/NUTS ({@link HMC}) and the other kernels ({@link PotentialKernel}) share about their potential:
 * the layout of the flat vector, the chain's starting point, postprocessing, the observed sites, the
 * log-likelihood, the HMC options passed on, and the worker's rebuilding of a potential.
 */
import { type Backend, ChainRandom, type KeyPair, PhloxError, ShapeError, splitKey } from "@phlox/tensor";
import type { HMCOptions } from "../hmc.js";
import type { Model, ModelPotential, ModelPotentialFactory } from "../hmc-kernel.js";
import type { KernelInitArgs, SiteLayout, SiteValue, WorkerPotentialSpec } from "../kernel.js";
import type { PotentialFn } from "./trajectory.js";
import { importExport } from "./worker-main.js";

/** A tensor as far as this package reads one (structural, so mcmc does not import tensor's types). */
export interface TensorView {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
}

/** `@phlox/infer`'s `logLikelihood`, typed structurally. */
export type LogLikelihoodFn = (
  model: Model,
  samples: Record<string, SiteValue>,
  args: readonly unknown[],
  options: { batchNdims: number },
) => Record<string, TensorView>;

/** A site of the trace `@phlox/infer` records at init (structural). */
interface TraceSite {
  type: string;
  isObserved: boolean;
  value: TensorView | null;
  infer?: { isAuxiliary?: boolean; eventDims?: unknown };
  condIndepStack?: readonly { name: string; dim: number }[];
}

/** The HMC/NUTS options a kernel passes on to `hmc()` and to its worker (all but `inverseMassMatrix`). */
const HMC_OPTION_KEYS = [
  "stepSize",
  "adaptStepSize",
  "adaptMassMatrix",
  "denseMass",
  "targetAcceptProb",
  "trajectoryLength",
  "numSteps",
  "maxTreeDepth",
  "findHeuristicStepSize",
  "regularizeMassMatrix",
  "maxDeltaEnergy",
] as const;

/** Copies the defined HMC/NUTS options of `from` (but `inverseMassMatrix`) into `to`; returns `to`. */
export function copyHMCOptions<T extends Partial<HMCOptions>>(from: object, to: T): T {
  const src = from as Record<string, unknown>;
  const dst = to as Record<string, unknown>;
  for (const k of HMC_OPTION_KEYS) if (src[k] !== undefined) dst[k] = src[k];
  return to;
}

/** Offsets and sizes of the parts of the flat vector, in order. */
export function completeLayout(parts: readonly { name: string; shape: readonly number[] }[]): SiteLayout[] {
  let offset = 0;
  return parts.map((p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const entry = { name: p.name, shape: [...p.shape], offset, size };
    offset += size;
    return entry;
  });
}

/** What a kernel knows when it starts a chain. */
export interface StartSource {
  /** The model, for a model kernel (then `modelOptions.initializeModel` builds its potential). */
  model?: Model;
  modelOptions?: { initializeModel?: ModelPotentialFactory; initStrategy?: unknown; backend?: Backend };
  /** The model potential built for an earlier chain, and the model arguments it was built for. */
  current?: { potential: ModelPotential; args: readonly unknown[] | undefined };
  /** A raw potential's options. */
  raw?: { initParams?: ArrayLike<number>; dim?: number };
  /** The raw potential's layout, which gives the dimension when `initParams` is absent. */
  layout?: readonly SiteLayout[];
}

/**
 * A chain's starting point from `kInit`. For a model, builds the potential (returned as `built`) on first
 * use or when `modelArgs` differ from those of `current`, else asks `current` for another start. For a raw
 * potential: `initParams`, or uniform in (−2, 2)^d.
 * @param noInitializer - the error thrown when a model kernel has no initialiser.
 */
export function chainStart(
  src: StartSource,
  kInit: KeyPair,
  modelArgs: readonly unknown[],
  noInitializer: () => Error,
): { z0: Float64Array; built?: ModelPotential } {
  if (src.model) {
    const factory = src.modelOptions?.initializeModel;
    if (!factory) throw noInitializer();
    const initStrategy = src.modelOptions?.initStrategy;
    const backend = src.modelOptions?.backend;
    const { model, current } = src;
    if (!current || current.args !== modelArgs) {
      const built = factory(
        kInit,
        model,
        modelArgs,
        backend === undefined ? { initStrategy } : { initStrategy, backend },
      );
      return { z0: built.initialZ, built };
    }
    const z0 = current.potential.initialize
      ? current.potential.initialize(kInit)
      : factory(kInit, model, modelArgs, { initStrategy }).initialZ;
    return { z0 };
  }
  if (src.raw?.initParams) return { z0: Float64Array.from(src.raw.initParams) };
  const d = src.layout ? src.layout.reduce((s, l) => s + l.size, 0) : (src.raw?.dim as number);
  const rng = new ChainRandom(kInit);
  const z0 = new Float64Array(d);
  for (let i = 0; i < d; i++) z0[i] = 4 * rng.uniform() - 2;
  return { z0 };
}

/**
 * What every kernel's `init` does first (HMC/NUTS and the {@link PotentialKernel}s): splits the chain's key
 * into a start key and a sampler key, finds the starting point ({@link chainStart}; a model kernel builds
 * its potential, returned as `built`), and applies the user's per-chain `initParams`. `z0` is the kernel's
 * own copy.
 * @param name - the kernel's name for messages (e.g. "NUTS").
 * @throws PhloxError `kernel-no-initializer` for a model kernel without an initialiser (outside MCMC);
 *   ShapeError `init-params-length` when `initParams` has the wrong length.
 */
export function startChain(
  src: StartSource,
  args: KernelInitArgs,
  name: string,
): { z0: Float64Array; key: KeyPair; built?: ModelPotential } {
  const [kInit, kSample] = splitKey(args.key, 2);
  const noInitializer = () =>
    new PhloxError(
      "kernel-no-initializer",
      `${name}(model): no model initialiser. Run it through MCMC (which loads @phlox/infer's initializeModel), ` +
        `pass { initializeModel }, or build the kernel from a potential: new ${name}({ potentialFn, initParams }).`,
    );
  const started = chainStart(src, kInit, args.modelArgs, noInitializer);
  let z0 = started.built ? Float64Array.from(started.z0) : started.z0;
  if (args.initParams) {
    if (args.initParams.length !== z0.length) {
      throw new ShapeError(
        "init-params-length",
        `${name}.init: initParams has length ${args.initParams.length}, expected ${z0.length} (the model's ` +
          "unconstrained dimension); give one value per unconstrained parameter.",
      );
    }
    z0 = Float64Array.from(args.initParams);
  }
  return { z0, key: kSample, built: started.built };
}

/** Writes the sites of one flat draw `z` into `out` by `layout`; returns `out`. */
export function splitByLayout(
  z: Float64Array,
  layout: readonly SiteLayout[],
  out: Record<string, SiteValue>,
): Record<string, SiteValue> {
  for (const l of layout) out[l.name] = { data: z.slice(l.offset, l.offset + l.size), shape: [...l.shape] };
  return out;
}

/** Copies tensors into `out` as site values; returns `out`. */
export function toSiteValues(
  tensors: Record<string, TensorView>,
  out: Record<string, SiteValue>,
): Record<string, SiteValue> {
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = { data: Float64Array.from(t.dataSync()), shape: [...t.shape] };
  }
  return out;
}

/**
 * Writes the observed values of the model's observed sites, from the trace recorded at init, into `out`;
 * undefined when there is no such trace (a raw potential, or before init).
 */
export function observedSites(
  modelPotential: ModelPotential | undefined,
  out: Record<string, SiteValue>,
): Record<string, SiteValue> | undefined {
  const tr = (modelPotential as { prototypeTrace?: Map<string, TraceSite> } | undefined)?.prototypeTrace;
  if (!tr) return undefined;
  for (const [name, site] of tr) {
    if (site.type === "sample" && site.isObserved && site.value && !site.infer?.isAuxiliary) {
      out[name] = { data: Float64Array.from(site.value.dataSync()), shape: [...site.value.shape] };
    }
  }
  return out;
}

/**
 * Dimension names of each sample and deterministic site, as ArviZ's `from_numpyro` infers them: the names of
 * the enclosing plates ordered by their batch dim (outermost first), then the site's `infer.eventDims`. Sites
 * with neither are left out.
 */
export function plateDims(modelPotential: ModelPotential | undefined): Record<string, string[]> | undefined {
  const tr = (modelPotential as { prototypeTrace?: Map<string, TraceSite> } | undefined)?.prototypeTrace;
  if (!tr) return undefined;
  const out: Record<string, string[]> = Object.create(null);
  for (const [name, site] of tr) {
    if (site.type !== "sample" && site.type !== "deterministic") continue;
    const batch = [...(site.condIndepStack ?? [])].sort((a, b) => a.dim - b.dim).map((f) => f.name);
    const ev = site.infer?.eventDims;
    const event = Array.isArray(ev) ? ev.map(String) : [];
    if (batch.length + event.length > 0) out[name] = [...batch, ...event];
  }
  return out;
}

// `resolveFromHere` lives in the Node-only module (`#node-threads`): browsers resolve nothing by URL.
export { resolveFromHere } from "#node-threads";

/**
 * In a worker: imports the potential's module and calls its factory with the payload.
 * @throws TypeError if the module does not export a function under `exportName` or it returns no function.
 */
export async function workerPotential(spec: WorkerPotentialSpec): Promise<PotentialFn> {
  const factory = await importExport(spec);
  if (typeof factory !== "function") {
    throw new PhloxError(
      "worker-bad-spec",
      `worker: ${spec.module} has no function export "${spec.exportName}".`,
    );
  }
  const potentialFn = (await factory(spec.payload)) as PotentialFn;
  if (typeof potentialFn !== "function") {
    throw new PhloxError(
      "worker-bad-spec",
      `worker: ${spec.module}#${spec.exportName}(payload) did not return a PotentialFn.`,
    );
  }
  return potentialFn;
}
