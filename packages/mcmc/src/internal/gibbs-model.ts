import { type Message, seed, substitute, trace } from "@phlox/handlers";
import { type GibbsSitesInfo, initToUniform } from "@phlox/infer";
import { type ChainRandom, type KeyPair, PhloxError, splitKey, type Tensor, tensor } from "@phlox/tensor";
import type { Model, ModelKernelOptions, ModelPotential } from "../hmc-kernel.js";
import type { KernelInitArgs, SiteLayout, SiteValue } from "../kernel.js";

/** A traced site as the Gibbs kernels read it (structurally, from `@phlox/handlers`' trace). */
export interface ProtoSite {
  type: string;
  name: string;
  isObserved: boolean;
  value: Tensor | null;
  infer?: { enumerate?: unknown };
  fn: {
    support: { isDiscrete: boolean };
    hasEnumerateSupport?: boolean;
    enumerateSupport?(expand?: boolean): Tensor;
  } | null;
}

/** The model potential of a Gibbs kernel: `@phlox/infer`'s ModelInfo with `gibbs` set. */
export type GibbsPotential = ModelPotential & { gibbs: GibbsSitesInfo; dim?: number };

/** The chain-level parts every Gibbs kernel's state carries on top of the HMC state. */
export interface GibbsPart {
  /** Flat position reported to MCMC: [HMC z (unconstrained), Gibbs values (constrained)]. */
  position: Float64Array;
  /** Current values of the Gibbs sites, flat in the kernel's Gibbs layout. */
  gibbs: Float64Array;
  /** The key the next Gibbs update splits (HMCGibbs passes a subkey to `gibbsFn`). */
  gibbsKey: KeyPair;
  /** Generator of the discrete proposals (DiscreteHMCGibbs, MixedHMC). */
  gibbsRng: ChainRandom;
}

/**
 * The model's trace under `seed(key)`: discrete latent sites drawn from the prior, continuous ones by
 * `initToUniform()` (as `initializeModel` starts them; it also covers sites such as ImproperUniform that
 * cannot be sampled), observed sites fixed.
 */
export function priorTrace(model: Model, args: readonly unknown[], key: KeyPair): Map<string, ProtoSite> {
  const call = model as (...a: readonly unknown[]) => unknown;
  const [kSeed, kInit] = splitKey(key, 2);
  const strategy = initToUniform();
  let k = kInit;
  const init = (msg: Message): Tensor | undefined => {
    if (msg.type !== "sample" || msg.isObserved || msg.fn === null || msg.fn.support.isDiscrete)
      return undefined;
    const [next, sub] = splitKey(k, 2);
    k = next;
    return strategy(msg, tensor(new Uint32Array(sub))) ?? undefined;
  };
  const seeded = seed(() => substitute(() => call(...args), init)(), tensor(new Uint32Array(kSeed)));
  return trace(seeded).getTrace() as unknown as Map<string, ProtoSite>;
}

/** `"a", "b"` for error messages. */
export function quoteNames(names: Iterable<string>): string {
  const out = [...names].map((n) => `"${n}"`);
  return out.length > 0 ? out.join(", ") : "none";
}

/** Latent sample sites of a trace. */
export function latentSites(tr: Map<string, ProtoSite>): ProtoSite[] {
  return [...tr.values()].filter((s) => s.type === "sample" && !s.isObserved && s.fn !== null);
}

/**
 * The model potential with the Gibbs sites held out, built by the kernel's initialiser (`@phlox/infer`'s
 * `initializeModel` with `gibbsSites`).
 * @throws PhloxError when the initialiser ignores `gibbsSites`, or leaves no continuous site for HMC.
 */
export function buildGibbsPotential(
  kernel: string,
  options: ModelKernelOptions,
  key: KeyPair,
  model: Model,
  args: readonly unknown[],
  gibbsSites: readonly string[],
): GibbsPotential {
  const factory = options.initializeModel;
  if (!factory) {
    throw new PhloxError(
      "gibbs-no-initializer",
      `${kernel}: no model initialiser. Run it through MCMC (which loads @phlox/infer's initializeModel) or pass { initializeModel } to the inner kernel.`,
    );
  }
  const info = factory(key, model, args, {
    initStrategy: options.initStrategy,
    gibbsSites,
  } as never) as GibbsPotential;
  if (!info.gibbs) {
    throw new PhloxError(
      "gibbs-initializer-unsupported",
      `${kernel}: the inner kernel's initializeModel does not support gibbsSites (it returned no 'gibbs' part); use @phlox/infer's initializeModel.`,
    );
  }
  return info;
}

/** The kernel layout: HMC sites (unconstrained shapes) then Gibbs sites (their shapes). */
export function combinedLayout(info: GibbsPotential): SiteLayout[] {
  const d = info.initialZ.length;
  return [
    ...info.layout.map((l) => ({ name: l.name, shape: [...l.shape], offset: l.offset, size: l.size })),
    ...info.gibbs.layout.map((l) => ({
      name: l.name,
      shape: [...l.shape],
      offset: d + l.offset,
      size: l.size,
    })),
  ];
}

/** [z, gibbs] in one new array. */
export function joinPosition(z: Float64Array, gibbs: Float64Array): Float64Array {
  const out = new Float64Array(z.length + gibbs.length);
  out.set(z);
  out.set(gibbs, z.length);
  return out;
}

/** The Gibbs values of a prior draw (each chain after the first starts from its own draw). */
export function priorGibbsValues(
  kernel: string,
  model: Model,
  args: readonly unknown[],
  key: KeyPair,
  info: GibbsPotential,
): Float64Array {
  const tr = priorTrace(model, args, key);
  const out = new Float64Array(info.gibbs.dim);
  for (const l of info.gibbs.layout) {
    const v = tr.get(l.name)?.value;
    if (!v || v.size !== l.size) {
      throw new PhloxError(
        "gibbs-site-shape-changed",
        `${kernel}: site "${l.name}" ${v ? `has ${v.size} elements in another draw from the prior, expected ${l.size}` : "is missing from another run of the model"}; Gibbs sites must exist with a fixed shape.`,
      );
    }
    out.set(v.dataSync() as ArrayLike<number>, l.offset);
  }
  return out;
}

/**
 * The continuous and Gibbs starting points of one chain: the initialiser's for the first chain, a fresh
 * prior draw of the Gibbs sites and a start search conditioned on it for the others; `initParams` may give
 * the whole position or only the HMC part.
 */
export function chainStartValues(
  kernel: string,
  info: GibbsPotential,
  fresh: boolean,
  model: Model,
  args: KernelInitArgs,
  kInit: KeyPair,
): { z0: Float64Array; gibbs: Float64Array } {
  const d = info.initialZ.length;
  let gibbs: Float64Array;
  let z0: Float64Array;
  if (fresh) {
    gibbs = Float64Array.from(info.gibbs.initial);
    z0 = Float64Array.from(info.initialZ);
  } else {
    const [kG, kZ] = splitKey(kInit, 2);
    gibbs = priorGibbsValues(kernel, model, args.modelArgs, kG, info);
    info.gibbs.set(gibbs);
    z0 = info.initialize ? info.initialize(kZ) : Float64Array.from(info.initialZ);
  }
  const p = args.initParams;
  if (p) {
    if (p.length === d + info.gibbs.dim) {
      z0 = Float64Array.from(p.subarray(0, d));
      gibbs = Float64Array.from(p.subarray(d));
    } else if (p.length === d) {
      z0 = Float64Array.from(p);
    } else {
      throw new PhloxError(
        "gibbs-bad-init-params",
        `${kernel}.init: initParams has length ${p.length}; expected ${d + info.gibbs.dim} (HMC sites then Gibbs sites) or ${d} (HMC sites only).`,
      );
    }
  }
  return { z0, gibbs };
}

/** Constrained values of one position: the model potential's postprocess at the Gibbs values, plus them. */
export function postprocessPosition(info: GibbsPotential, position: Float64Array): Record<string, SiteValue> {
  const d = info.initialZ.length;
  const gibbs = position.subarray(d);
  info.gibbs.set(gibbs);
  const out: Record<string, SiteValue> = Object.create(null);
  for (const l of info.gibbs.layout) {
    out[l.name] = {
      data: Float64Array.from(gibbs.subarray(l.offset, l.offset + l.size)),
      shape: [...l.shape],
    };
  }
  const rest = info.postprocess(position.subarray(0, d));
  for (const [k, v] of Object.entries(rest)) out[k] = v;
  return out;
}

/** Random permutation of 0..n−1 (Fisher–Yates). */
export function permutation(rng: ChainRandom, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(rng.uniform() * (i + 1)));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
