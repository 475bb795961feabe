import { ConstraintError, PhloxError } from "@phlox/tensor";
import { type GuideSetup, type KeyLike, toKeyPair } from "@phlox/vi";
import { AutoContinuous } from "./auto-continuous.js";
import type { AutoGuideOptions, LatentSite } from "./auto-guide-types.js";
import { DaisFamily, type DaisSettings } from "./internal/dais-family.js";
import type { LatentFamily, ParamSpec } from "./internal/family.js";
import { tensorPotential } from "./internal/resolve-model.js";
import { subsampledPlates } from "./internal/subsample.js";

/** Options of {@link AutoDAIS} (NumPyro's keyword arguments in camelCase). */
export interface AutoDAISOptions extends AutoGuideOptions {
  /** Number of annealed HMC steps (default 4; at least 1). */
  K?: number;
  /** The base Normal: `"diagonal"` (default) or full-rank `"cholesky"`. */
  baseDist?: "diagonal" | "cholesky";
  /** Initial leapfrog step size (default 0.01; 0 < etaInit < etaMax). */
  etaInit?: number;
  /** Largest learnable step size (default 0.1). */
  etaMax?: number;
  /** Initial momentum damping γ (default 0.9; in (0, 1)). */
  gammaInit?: number;
}

/** Validates the DAIS options as NumPyro's constructor does. */
export function daisSettings(who: string, options: AutoDAISOptions): DaisSettings {
  const K = options.K ?? 4;
  const baseDist = options.baseDist ?? "diagonal";
  const etaInit = options.etaInit ?? 0.01;
  const etaMax = options.etaMax ?? 0.1;
  const gammaInit = options.gammaInit ?? 0.9;
  const bad = (what: string): never => {
    throw new ConstraintError("autoguide-dais-option", `${who}: ${what}.`);
  };
  if (!Number.isInteger(K) || K < 1) bad(`K must be an integer ≥ 1, got ${K}`);
  if (baseDist !== "diagonal" && baseDist !== "cholesky")
    bad(`baseDist must be "diagonal" or "cholesky", got ${JSON.stringify(baseDist)}`);
  if (!(etaMax > 0)) bad(`etaMax must be positive, got ${etaMax}`);
  if (!(etaInit > 0 && etaInit < etaMax))
    bad(`etaInit must be positive and below etaMax (${etaMax}), got ${etaInit}`);
  if (!(gammaInit > 0 && gammaInit < 1))
    bad(`gammaInit must be in the open interval (0, 1), got ${gammaInit}`);
  return { K, baseDist, etaInit, etaMax, gammaInit, initScale: options.initScale ?? 0.1 };
}

/**
 * Differentiable annealed importance sampling over the flat unconstrained latent vector (NumPyro's
 * `AutoDAIS`; Geffner & Domke 2021 "uncorrected Hamiltonian annealing", Zhang et al. 2021): a Normal base
 * q₀ followed by `K` damped, uncorrected leapfrog steps whose target anneals from q₀ to the posterior, with
 * learnable step size, damping, annealing schedule and mass matrix. The ELBO is differentiated through the
 * whole chain, second derivatives of the model included, so one step costs about 2K potential-gradient
 * evaluations (and compiling them once); it is tighter than the Gaussian guides' ELBO.
 *
 * Parameters (NumPyro's names): `<prefix>_eta0` (in (0, etaMax)), `_eta_coeff`, `_gamma` (in (0, 1)),
 * `_beta_increments` `[K]`, `_mass_matrix` `[D]`, `_z_0_loc` `[D]`, and `_z_0_scale` `[D]` (diagonal) or
 * `_z_0_scale_tril` `[D, D]` (cholesky). `median` and `quantiles` are Monte Carlo (1000 draws). Needs the
 * model function (not a `PotentialModel`); refuses subsampled plates, as NumPyro does.
 * @example
 * const guide = new AutoDAIS(model, { K: 8, baseDist: "cholesky" });
 * const { params } = new SVI(model, guide, new Adam(0.01), new TraceELBO()).run(key(0), 2000, data);
 * const post = guide.samplePosterior(key(1), params, { sampleShape: [1000] });
 */
export class AutoDAIS extends AutoContinuous {
  /** The validated settings (K, baseDist, etaInit, etaMax, gammaInit, initScale). */
  readonly settings: DaisSettings;
  protected args: readonly unknown[] = [];
  protected layoutForFamily: readonly LatentSite[] = [];

  /**
   * @param model - a model function.
   * @param options - `K`, `baseDist`, `etaInit`, `etaMax`, `gammaInit`, `prefix`, `initLocFn`, `initScale`.
   * @throws ConstraintError (a PhloxError) for an option outside its range, as NumPyro's ValueError.
   */
  constructor(model: unknown, options: AutoDAISOptions = {}) {
    super(model, options);
    this.settings = daisSettings(new.target.name, options);
  }

  /** Number of annealed HMC steps. */
  get K(): number {
    return this.settings.K;
  }

  /**
   * Binds the guide to the model's arguments (see {@link AutoContinuous.setup}).
   * @throws PhloxError (`autoguide-dais-subsample`) when the model has a subsampled plate.
   */
  override setup(key: KeyLike, args: readonly unknown[]): GuideSetup {
    const name = this.constructor.name;
    if (typeof this.model === "function") this.checkSubsampling(name, toKeyPair(key, `${name}.setup`), args);
    this.args = args;
    return super.setup(key, args);
  }

  /** NumPyro's AutoDAIS refuses data subsampling; AutoSurrogateLikelihoodDAIS allows it. */
  protected checkSubsampling(name: string, k: Uint32Array, args: readonly unknown[]): void {
    const plates = subsampledPlates(name, this.model as (...a: never[]) => unknown, args, k);
    if (plates.length > 0) {
      throw new PhloxError(
        "autoguide-dais-subsample",
        `${name} cannot be used with data subsampling (plate "${plates[0].name}" is subsampled); ` +
          "use AutoSurrogateLikelihoodDAIS, or keep the plate full.",
      );
    }
  }

  protected override blockLayout(layout: readonly LatentSite[]): void {
    this.layoutForFamily = layout;
  }

  /** @internal AutoGuideList does not take the DAIS guides (as in NumPyro). */
  override blockFor(
    _dim: number,
    _layout: readonly LatentSite[],
  ): { family: LatentFamily; specs: ParamSpec[] } {
    throw new PhloxError(
      "autoguide-list-unsupported",
      "AutoGuideList: AutoDAIS, AutoSemiDAIS, and AutoSurrogateLikelihoodDAIS are not supported.",
    );
  }

  protected makeFamily(dim: number): LatentFamily {
    const U = tensorPotential(this.constructor.name, this.model, this.args, this.layoutForFamily);
    return new DaisFamily(dim, this.settings, (z) => U(z));
  }

  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    return (family as DaisFamily).specs(this.prefix, `${this.prefix}_z_0_scale_tril`);
  }
}
