/** The public types shared by the continuous autoguides, and what a guide keeps after `setup`. */
import type { Tensor } from "@phlox/tensor";
import type { PotentialModel } from "@phlox/vi";
import type { LatentFamily, ParamSpec } from "./internal/family.js";

/** Options shared by the autoguides. */
export interface AutoGuideOptions {
  /** Prefix of the parameter names (default `"auto"`). */
  prefix?: string;
  /**
   * Init strategy for the latent locations, from `@phlox/infer` (`initToMedian()`, `initToValue(...)`, ...);
   * default `initToUniform()` (AutoDelta: `initToMedian()`), as in NumPyro.
   */
  initLocFn?: unknown;
  /** Initial scale of the guide's standard deviations (default 0.1; must be > 0). */
  initScale?: number;
}

/**
 * A guide's learned map T from its base distribution N(0, I_D) to the model's flat unconstrained latent
 * space (NumPyro's `AutoContinuous.get_transform`), as traceable tensor code.
 */
export interface LatentTransform {
  /** D, the latent dimension. */
  readonly dim: number;
  /** x = T(ε) (shape [D]) and log|det ∂T/∂ε| (a scalar), for ε of shape [D]. */
  apply(eps: Tensor): [Tensor, Tensor];
}

/** Options of `samplePosterior`. */
export interface SamplePosteriorOptions {
  /** Leading shape of the draws (default `[]`: one draw). */
  sampleShape?: readonly number[];
}

/** A latent site of the model in the flat unconstrained vector. */
export interface LatentSite {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  /** Shape of the site's constrained value, when the model gives it (differs from `shape` for e.g. simplex sites). */
  constrainedShape?: number[];
  /** Event dimensions of the site's distribution, when the model gives them. */
  eventDim?: number;
}

/** @internal What a guide keeps after `setup` (NumPyro's prototype trace). */
export interface Bound {
  pm: PotentialModel;
  family: LatentFamily;
  specs: ParamSpec[];
  layout: LatentSite[];
}
