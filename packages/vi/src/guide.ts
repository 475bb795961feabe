/**
 * The contract between SVI, its losses and a guide (an autoguide from `@phlox/autoguide` or your own).
 *
 * SVI optimizes one flat `Float64Array` of *unconstrained* parameters. A guide says how long that vector is,
 * where its initial value comes from, how it maps to named, constrained parameters, and — per Monte Carlo
 * particle — what `log q(z) − log p(x, z)` is and its gradient with respect to the flat parameters.
 */
import type { KeyLike } from "./random.js";

/** One parameter's value as plain data: row-major `data` and its `shape` (as `@phlox/infer`'s `SiteValue`). */
export interface ParamValue {
  data: Float64Array;
  shape: number[];
}

/** Named, constrained parameters (what `SVI.getParams` returns and `initParams` takes). */
export type Params = Record<string, ParamValue>;

/**
 * Which estimator a particle computes (set by the loss):
 * - `"elbo"`: log q(z) − log p(x, z) at the reparameterised draw z (`TraceELBO`);
 * - `"meanfield"`: −H[q] − log p(x, z), with the guide's entropy in closed form where it has one
 *   (`TraceMeanFieldELBO`); a guide without one computes `"elbo"`;
 * - `"graph"`: `"elbo"` plus score-function terms for non-reparameterisable sites (`TraceGraphELBO`); a
 *   fully reparameterised guide computes `"elbo"`;
 * - `"enum"`: `"elbo"` with the model's discrete latent sites that the guide does not sample summed out
 *   (`TraceEnumELBO`). Guides built on `initializeModel`'s potential (every autoguide) compute `"elbo"`,
 *   whose potential already sums them out.
 */
export type ParticleMode = "elbo" | "meanfield" | "graph" | "enum";

/**
 * A guide bound to one model and one set of model arguments: the parameter layout and the per-particle
 * loss. Built by {@link Guide.setup}; SVI keeps it for the run.
 */
export interface GuideSetup {
  /** Length of the flat unconstrained parameter vector. */
  readonly numParams: number;
  /** Number of N(0, 1) draws one particle consumes (the reparameterisation noise ε). */
  readonly noiseDim: number;
  /** A fresh copy of the initial unconstrained parameters, length `numParams`. */
  initialParams(): Float64Array;
  /** Named, constrained parameters from the flat unconstrained vector (copies). */
  constrainParams(u: Float64Array): Params;
  /**
   * The flat unconstrained vector for named, constrained values; names left out keep their initial value.
   * @throws Error naming the parameter when a name is unknown or a shape does not match.
   */
  unconstrainParams(params: Readonly<Params>): Float64Array;
  /**
   * One Monte Carlo particle: draws z from q with the noise `eps` (length `noiseDim`, N(0, 1)), writes
   * ∂/∂u of the particle's loss into `grad` (overwriting it, length `numParams`) and returns the loss,
   * `log q(z) − log p(x, z)` (or the `mode`'s variant). Must not allocate in the steady state.
   * `k0`, `k1` are a per-particle uint32 key for guides that draw their own randomness.
   */
  particle(
    u: Float64Array,
    eps: Float64Array,
    grad: Float64Array,
    mode: ParticleMode,
    k0: number,
    k1: number,
  ): number;
}

/**
 * A guide: the variational family q. Implemented by every autoguide; implement it to plug your own family
 * into `SVI` (NumPyro's guide callable, as an object).
 *
 * @example
 * // q(θ) = Normal(m, s) over a model whose potential U(θ) = −log p(x, θ) you can evaluate:
 * // a hand-written, fully reparameterised guide with params "m" and "s" (s = exp(u₁) > 0).
 * class MyNormalGuide implements Guide {
 *   constructor(private readonly U: (z: Float64Array, g: Float64Array) => number) {}
 *   setup(): GuideSetup {
 *     const U = this.U;
 *     const z = new Float64Array(1);
 *     const g = new Float64Array(1);
 *     return {
 *       numParams: 2,
 *       noiseDim: 1,
 *       initialParams: () => Float64Array.of(0, Math.log(0.1)),
 *       constrainParams: (u) => ({ m: { data: u.slice(0, 1), shape: [] }, s: { data: Float64Array.of(Math.exp(u[1])), shape: [] } }),
 *       unconstrainParams: (p) => Float64Array.of(p.m?.data[0] ?? 0, Math.log(p.s?.data[0] ?? 0.1)),
 *       particle(u, eps, grad) {
 *         const s = Math.exp(u[1]);
 *         z[0] = u[0] + s * eps[0];
 *         const value = U(z, g) - u[1] - 0.5 * eps[0] * eps[0] - 0.5 * Math.log(2 * Math.PI); // U(z) + log q(z)
 *         grad[0] = g[0];
 *         grad[1] = g[0] * eps[0] * s - 1;
 *         return value;
 *       },
 *     };
 *   }
 * }
 * const svi = new SVI(potentialModel, new MyNormalGuide(U), new Adam(0.05), new TraceELBO());
 */
export interface Guide {
  /**
   * Binds the guide to the model's arguments: traces what it needs, lays out the parameters.
   * @param key - PRNG key for initialization (e.g. the init strategy's draws).
   * @param args - the model's arguments.
   * @returns the {@link GuideSetup} SVI optimizes.
   */
  setup(key: KeyLike, args: readonly unknown[]): GuideSetup;
}

/**
 * A model given directly by its potential on the flat unconstrained latent space — the `ModelInfo` that
 * `@phlox/infer`'s `initializeModel` returns satisfies it, and so does a hand-written object.
 */
export interface PotentialModel {
  /** U(z) = −(log p(x, T(z)) + log|det J_T(z)|); writes ∇U(z) into `grad`. */
  potentialFn(z: Float64Array, grad: Float64Array): number;
  /** Length of z. */
  readonly dim: number;
  /** A starting point (finite U and ∇U), length `dim`. */
  readonly initialZ: Float64Array;
  /** True when `potentialFn` is compiled (informational; `initializeModel` sets it). */
  readonly compiled?: boolean;
  /** Latent sites in z, in order; absent means one site named `"z"` of shape `[dim]`. */
  readonly layout?: readonly { name: string; shape: number[]; offset: number; size: number }[];
  /** Constrained latent values (and deterministic sites) at z, as plain data; absent means the identity. */
  postprocess?(z: Float64Array): Record<string, ParamValue>;
  /** The flat vector of constrained latent values by site name (inverse of `postprocess`). Optional. */
  unconstrain?(values: Readonly<Record<string, ParamValue>>): Float64Array;
  /**
   * Σ log|det J_T(z)| alone, writing its gradient into `grad`, so that a guide can form the log joint in the
   * constrained space (`AutoDelta`'s MAP is taken there, as in NumPyro). Optional.
   */
  logJacobianFn?(z: Float64Array, grad: Float64Array): number;
}

/** True for an object meeting {@link PotentialModel} (a function is a model to trace, not a potential). */
export function isPotentialModel(m: unknown): m is PotentialModel {
  return (
    typeof m === "object" &&
    m !== null &&
    typeof (m as PotentialModel).potentialFn === "function" &&
    typeof (m as PotentialModel).dim === "number"
  );
}
