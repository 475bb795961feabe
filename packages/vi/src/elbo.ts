/**
 * ELBO losses. A loss turns a {@link GuideSetup} into an {@link Objective}: a stochastic estimate of
 * −ELBO = E_q[log q(z) − log p(x, z)] and its gradient with respect to the flat unconstrained parameters,
 * from the noise a step's key determines. All buffers are allocated once, in `build`.
 */
import { ConstraintError } from "@phlox/tensor";
import type { GuideSetup, ParticleMode } from "./guide.js";
import { fillNormal } from "./random.js";

/**
 * One stochastic loss evaluation: returns the loss at `u` and writes its gradient into `grad`; the Monte
 * Carlo noise is a function of the key (k0, k1) only. Allocation-free.
 */
export type Objective = (u: Float64Array, grad: Float64Array, k0: number, k1: number) => number;

/** A variational loss (NumPyro's `ELBO`): builds the objective SVI minimizes. */
export interface ELBO {
  /** Name, e.g. `"TraceELBO"`. */
  readonly name: string;
  /** Monte Carlo particles per step. */
  readonly numParticles: number;
  /**
   * Builds the objective for a guide bound to its model.
   * @param setup - the guide's {@link GuideSetup}.
   * @returns the {@link Objective} (loss = −ELBO estimate).
   */
  build(setup: GuideSetup): Objective;
}

/** Options of the ELBO losses. */
export interface ELBOOptions {
  /** Monte Carlo particles per step (default 1). */
  numParticles?: number;
}

function checkParticles(who: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new ConstraintError("num-particles", `${who}: numParticles must be a positive integer, got ${n}.`);
  }
  return n;
}

/**
 * The second key word of particle k's own stream: (k0, k1 + (k + 1)·φ) differs from the noise stream's key
 * (k0, k1), and threefry makes streams under distinct keys independent.
 */
export const particleKey = (k1: number, k: number): number => (k1 + Math.imul(k + 1, 0x9e3779b9)) >>> 0;

/**
 * The objective that averages `numParticles` particles of one {@link ParticleMode} (what TraceELBO,
 * TraceMeanFieldELBO and TraceGraphELBO build; a building block for custom losses). Noise for all
 * particles is drawn at once from the step's key into one preallocated buffer.
 * @param setup - the guide setup.
 * @param numParticles - K ≥ 1.
 * @param mode - the particle mode.
 * @returns an allocation-free {@link Objective}: the mean particle loss, its gradient in `grad`.
 * @example
 * const obj = averagedObjective(setup, 4, "elbo");
 * const loss = obj(u, grad, k0, k1);
 */
export function averagedObjective(setup: GuideSetup, numParticles: number, mode: ParticleMode): Objective {
  const P = setup.numParams;
  const D = setup.noiseDim;
  const K = numParticles;
  const eps = new Float64Array(K * D);
  const views: Float64Array[] = [];
  for (let k = 0; k < K; k++) views.push(eps.subarray(k * D, (k + 1) * D));
  const g1 = new Float64Array(P);
  const inv = 1 / K;
  return (u, grad, k0, k1) => {
    if (D > 0) fillNormal(k0, k1, eps);
    if (K === 1) return setup.particle(u, views[0], grad, mode, k0, particleKey(k1, 0));
    grad.fill(0);
    let loss = 0;
    for (let k = 0; k < K; k++) {
      loss += setup.particle(u, views[k], g1, mode, k0, particleKey(k1, k));
      for (let i = 0; i < P; i++) grad[i] += g1[i];
    }
    for (let i = 0; i < P; i++) grad[i] *= inv;
    return loss * inv;
  };
}

/**
 * The standard ELBO (NumPyro's `Trace_ELBO`): −ELBO ≈ (1/K) Σₖ [log q(zₖ) − log p(x, zₖ)] with zₖ drawn
 * from the guide by reparameterisation, so the gradient is the path-wise (reparameterisation) gradient.
 * @example
 * const loss = new TraceELBO({ numParticles: 4 });
 * loss.numParticles; // → 4
 * @see Kingma & Welling 2014; Ranganath et al. 2014. NumPyro `numpyro.infer.elbo.Trace_ELBO`.
 */
export class TraceELBO implements ELBO {
  readonly name: string = "TraceELBO";
  readonly numParticles: number;
  /** @param options - `numParticles` (default 1). @throws ConstraintError (a PhloxError) for a non-positive count. */
  constructor(options: ELBOOptions = {}) {
    this.numParticles = checkParticles("TraceELBO", options.numParticles ?? 1);
  }
  build(setup: GuideSetup): Objective {
    return averagedObjective(setup, this.numParticles, "elbo");
  }
}

/**
 * The ELBO with the guide's entropy (or KL) in closed form where the guide has one (NumPyro's
 * `TraceMeanField_ELBO`): −ELBO ≈ −H[q] − (1/K) Σₖ log p(x, zₖ). Same expectation and gradient expectation
 * as {@link TraceELBO}, lower variance. Guides without a closed-form entropy fall back to the sampled
 * log q(z).
 * @example
 * new TraceMeanFieldELBO().name; // → "TraceMeanFieldELBO"
 */
export class TraceMeanFieldELBO implements ELBO {
  readonly name: string = "TraceMeanFieldELBO";
  readonly numParticles: number;
  /** @param options - `numParticles` (default 1). @throws ConstraintError (a PhloxError) for a non-positive count. */
  constructor(options: ELBOOptions = {}) {
    this.numParticles = checkParticles("TraceMeanFieldELBO", options.numParticles ?? 1);
  }
  build(setup: GuideSetup): Objective {
    return averagedObjective(setup, this.numParticles, "meanfield");
  }
}

/**
 * The ELBO with score-function (REINFORCE) gradient terms for guide sites that cannot be reparameterised,
 * each with a moving-average baseline (NumPyro's `TraceGraph_ELBO`). For fully reparameterised guides
 * (every autoguide) it equals {@link TraceELBO}.
 * @example
 * new TraceGraphELBO({ numParticles: 2 }).numParticles; // → 2
 * @see Ranganath, Gerrish & Blei 2014 ("Black box variational inference").
 */
export class TraceGraphELBO implements ELBO {
  readonly name: string = "TraceGraphELBO";
  readonly numParticles: number;
  /** @param options - `numParticles` (default 1). @throws ConstraintError (a PhloxError) for a non-positive count. */
  constructor(options: ELBOOptions = {}) {
    this.numParticles = checkParticles("TraceGraphELBO", options.numParticles ?? 1);
  }
  build(setup: GuideSetup): Objective {
    return averagedObjective(setup, this.numParticles, "graph");
  }
}

/**
 * The ELBO with the model's discrete latent sites summed out (NumPyro's `TraceEnum_ELBO`): the guide covers
 * the continuous sites (an autoguide, or a `FunctionGuide`), and each particle's log p(x, z) is the model's
 * log density with every discrete latent site that the guide does not sample enumerated and eliminated by
 * tensor variable elimination (respecting plates and `markov`), so the estimator has no score-function noise
 * from those sites. Autoguides already see the enumerated potential of `initializeModel`, so with them it
 * equals {@link TraceELBO}; with a `FunctionGuide` it enumerates the model's run.
 * @example
 * new TraceEnumELBO({ numParticles: 2 }).name; // → "TraceEnumELBO"
 */
export class TraceEnumELBO implements ELBO {
  readonly name: string = "TraceEnumELBO";
  readonly numParticles: number;
  /** @param options - `numParticles` (default 1). @throws RangeError for a non-positive count. */
  constructor(options: ELBOOptions = {}) {
    this.numParticles = checkParticles("TraceEnumELBO", options.numParticles ?? 1);
  }
  build(setup: GuideSetup): Objective {
    return averagedObjective(setup, this.numParticles, "enum");
  }
}
