import { PhloxError } from "@phlox/tensor";
import { HMCGibbs, type HMCGibbsState } from "./hmc-gibbs.js";
import type { HMC } from "./hmc-kernel.js";
import {
  acceptDiscrete,
  type DiscreteProposal,
  type DiscreteProposalFn,
  proposalFor,
} from "./internal/discrete-proposals.js";
import {
  type GibbsPotential,
  latentSites,
  type ProtoSite,
  permutation,
  quoteNames,
} from "./internal/gibbs-model.js";
import type { KernelModuleSpec } from "./worker-model-kernel.js";

/** Options of {@link DiscreteHMCGibbs} (NumPyro's `random_walk`, `modified`). */
export interface DiscreteHMCGibbsOptions {
  /**
   * Propose a value drawn uniformly over the site's support (Metropolis-corrected) instead of a draw from
   * the site's full conditional. Default false.
   */
  randomWalk?: boolean;
  /**
   * Never propose the current value (Liu's 1996 "modified" or Metropolised Gibbs sampler), with the
   * matching Metropolis correction. Default false.
   */
  modified?: boolean;
  /**
   * How a worker rebuilds this kernel for `chainMethod: "parallel"` (the model is a closure): a module that
   * exports a function building the same kernel (see `KernelModuleSpec`).
   */
  workerModule?: KernelModuleSpec;
}

/** A discrete Gibbs site's finite support and the element → site map. */
interface DiscreteSupports {
  /** Support values of each flat Gibbs element's site. */
  supports: Float64Array[];
  /** Value → index in its support, per flat element. */
  index: Map<number, number>[];
  /** Site name per flat element (for messages). */
  site: string[];
}

/**
 * HMC-within-Gibbs for models with discrete latent sites (NumPyro's `DiscreteHMCGibbs`): each step updates
 * every element of every discrete latent site with finite support, in a random order, by a Metropolis
 * step whose proposal is a Gibbs draw from its conditional (default), a uniform draw over its support
 * (`randomWalk`), or either without the current value (`modified`); then one HMC/NUTS transition of the
 * continuous sites, conditioned on the discrete ones. Discrete sites marked `infer: { enumerate: "parallel" }`
 * are left to enumeration, as in NumPyro.
 *
 * Chains run "sequential", "vectorized" or "parallel" (with `workerModule`). Draws (`getSamples`) hold the discrete sites too.
 * @example
 * const model = (probs: Tensor, locs: Tensor) => {
 *   const c = sample("c", new Categorical({ probs }));
 *   sample("x", new Normal(take(locs, c), 0.5));
 * };
 * const kernel = new DiscreteHMCGibbs(new NUTS(model), { modified: true });
 * const mcmc = new MCMC(kernel, { numWarmup: 1000, numSamples: 10000 });
 * await mcmc.run(0, tensor([0.15, 0.3, 0.3, 0.25]), tensor([-2, 0, 2, 4]));
 */
export class DiscreteHMCGibbs extends HMCGibbs {
  /** Validated options. */
  readonly randomWalk: boolean;
  readonly modified: boolean;
  protected readonly proposal: DiscreteProposalFn;
  protected discrete?: DiscreteSupports;

  /**
   * @param innerKernel - an HMC or NUTS kernel built from a model.
   * @param options - `randomWalk`, `modified` (both default false).
   * @throws PhloxError for an inner kernel built from a potential, or non-boolean options.
   */
  constructor(innerKernel: HMC, options: DiscreteHMCGibbsOptions = {}) {
    const name = new.target === DiscreteHMCGibbs ? "DiscreteHMCGibbs" : "MixedHMC";
    super(innerKernel, undefined, [], name, { workerModule: options.workerModule });
    for (const k of ["randomWalk", "modified"] as const) {
      const v = options[k];
      if (v !== undefined && typeof v !== "boolean") {
        throw new PhloxError("gibbs-bad-option", `${name}: ${k} must be true or false, got ${String(v)}.`);
      }
    }
    this.randomWalk = options.randomWalk ?? false;
    this.modified = options.modified ?? false;
    this.proposal = proposalFor(this.randomWalk, this.modified);
  }

  protected override get kernelName(): string {
    return "DiscreteHMCGibbs";
  }

  /** The discrete latent sites with a finite support, except those marked for parallel enumeration. */
  protected override resolveGibbsSites(proto: Map<string, ProtoSite>): readonly string[] {
    const names: string[] = [];
    const latent = latentSites(proto);
    for (const site of latent) {
      const fn = site.fn;
      if (!fn?.support.isDiscrete) continue;
      if (site.infer?.enumerate === "parallel") continue;
      if (!fn.hasEnumerateSupport || typeof fn.enumerateSupport !== "function") {
        throw new PhloxError(
          "gibbs-discrete-infinite-support",
          `${this.kernelName}: discrete latent site "${site.name}" has no finite support to enumerate (support ${String(fn.support)}); ` +
            "Gibbs updates need one (Bernoulli, Categorical, Binomial, DiscreteUniform, ...). Bound it, observe it or marginalise it with factor().",
        );
      }
      names.push(site.name);
    }
    if (names.length === 0) {
      throw new PhloxError(
        "gibbs-no-discrete-site",
        `${this.kernelName}: the model has no discrete latent site to update (its latent sites, ${quoteNames(latent.map((s) => s.name))}, are all continuous); use HMC or NUTS directly.`,
      );
    }
    this.discrete = supportsOf(this.kernelName, proto, names);
    return names;
  }

  /** Index of the current value of flat element `i` in its support. */
  protected currentIndex(gibbs: Float64Array, i: number): number {
    const d = this.discrete as DiscreteSupports;
    const cur = d.index[i].get(gibbs[i]);
    if (cur === undefined) {
      throw new PhloxError(
        "gibbs-value-outside-support",
        `${this.kernelName}: discrete site "${d.site[i]}" holds ${gibbs[i]}, which is not in its support [${Array.from(d.supports[i]).join(", ")}] (check initParams).`,
      );
    }
    return cur;
  }

  /** The proposal for flat element `i` at the HMC position `z`, U(z, gibbs) = `pe`; `gibbs` is restored. */
  protected propose(
    z: Float64Array,
    gibbs: Float64Array,
    i: number,
    pe: number,
    s: HMCGibbsState,
  ): DiscreteProposal {
    const d = this.discrete as DiscreteSupports;
    const old = gibbs[i];
    const U = (value: number): number => {
      gibbs[i] = value;
      const u = this.potentialAt(z, gibbs);
      gibbs[i] = old;
      return u;
    };
    return this.proposal(s.gibbsRng, this.currentIndex(gibbs, i), d.supports[i], pe, U);
  }

  /** Metropolis-within-Gibbs over every discrete element in a random order. */
  protected override gibbsUpdate(s: HMCGibbsState): void {
    const gibbs = Float64Array.from(s.gibbs);
    let pe = s.potentialEnergy;
    for (const i of permutation(s.gibbsRng, gibbs.length)) {
      const p = this.propose(s.z, gibbs, i, pe, s);
      if (acceptDiscrete(s.gibbsRng, p.logAcceptRatio)) {
        gibbs[i] = p.value;
        pe = p.pe;
      }
    }
    s.gibbs = gibbs;
  }

  /** The conditioned potential, after checking every Gibbs site's support shape. */
  protected override buildPotential(key: [number, number], modelArgs: readonly unknown[]): GibbsPotential {
    const info = super.buildPotential(key, modelArgs);
    const d = this.discrete as DiscreteSupports;
    if (d.supports.length !== info.gibbs.dim) {
      throw new PhloxError(
        "gibbs-site-shape-changed",
        `${this.kernelName}: the discrete sites hold ${info.gibbs.dim} elements in the initialiser's trace but ${d.supports.length} in the prototype trace.`,
      );
    }
    return info;
  }
}

function supportsOf(
  kernel: string,
  proto: Map<string, ProtoSite>,
  names: readonly string[],
): DiscreteSupports {
  const out: DiscreteSupports = { supports: [], index: [], site: [] };
  for (const name of names) {
    const site = proto.get(name) as ProtoSite;
    const fn = site.fn as NonNullable<ProtoSite["fn"]>;
    let values: Float64Array;
    try {
      const e = (
        fn.enumerateSupport as (expand?: boolean) => {
          dataSync(): ArrayLike<number>;
          shape: readonly number[];
        }
      )(false);
      const k = e.shape[0] ?? 1;
      const data = e.dataSync();
      if (data.length !== k)
        throw new PhloxError(
          "discrete-support",
          `its support depends on the batch element (shape [${e.shape.join(", ")}])`,
        );
      values = Float64Array.from(data);
    } catch (err) {
      throw new PhloxError(
        "gibbs-discrete-support",
        `${kernel}: cannot enumerate the support of discrete site "${name}": ${err instanceof Error ? err.message : String(err)}. ` +
          "Gibbs updates need one support shared by all its elements.",
      );
    }
    const index = new Map<number, number>();
    for (let j = 0; j < values.length; j++) index.set(values[j], j);
    const n = site.value?.size ?? 1;
    for (let i = 0; i < n; i++) {
      out.supports.push(values);
      out.index.push(index);
      out.site.push(name);
    }
  }
  return out;
}
