import { Delta } from "@phlox/distributions";
import { block, param, prngKey, sample } from "@phlox/handlers";
import { ConstraintError, PhloxError, ShapeError, type Tensor, tensor } from "@phlox/tensor";
import {
  fillNormal,
  type Guide,
  type GuideSetup,
  type KeyLike,
  type Params,
  type ParamsLike,
  type ParamValue,
  type ParticleMode,
  type PotentialModel,
  splitInPlace,
  toKeyPair,
} from "@phlox/vi";
import type {
  AutoGuideOptions,
  Bound,
  LatentSite,
  LatentTransform,
  SamplePosteriorOptions,
} from "./auto-guide-types.js";
import type { LatentFamily, ParamSpec } from "./internal/family.js";
import type { LocalLatents } from "./internal/local-latents.js";
import { MinibatchMeanField, type MinibatchView } from "./internal/minibatch-family.js";
import {
  checkRequiredWith,
  collectDraws,
  constrainParams,
  prod,
  toTensors,
  unconstrainParams,
} from "./internal/param-codec.js";
import { type DefaultInit, type KeyedPotentialModel, resolveModel } from "./internal/resolve-model.js";

// The public types of the continuous autoguides, exported with their base class.
export type {
  AutoGuideOptions,
  LatentSite,
  LatentTransform,
  SamplePosteriorOptions,
} from "./auto-guide-types.js";

/**
 * Base class of the continuous autoguides (NumPyro's `AutoContinuous`, ADVI of Kucukelbir et al. 2017):
 * q is a distribution over the model's whole flat unconstrained latent vector z, and the latent sites are
 * T(z) with T the model's `bijectTo` transforms. The model is reduced to its potential U(z) =
 * −(log p(x, T(z)) + log|det J_T(z)|) (by `@phlox/infer`'s `initializeModel`, compiled), so one particle is
 * U(z) + log q(z) with z = T_u(ε), and its gradient is the chain rule through the family's hand-written
 * transform: no tracing per step.
 *
 * Subclasses choose the family and name its parameters. Every method taking `params` accepts the named
 * constrained values SVI returns (`svi.getParams(state)` or `run(...).params`).
 */
export abstract class AutoContinuous implements Guide {
  readonly model: unknown;
  readonly prefix: string;
  readonly initScale: number;
  protected readonly initLocFn: unknown;
  protected bound: Bound | null = null;

  /**
   * @param model - a model function, or a `PotentialModel` (e.g. `initializeModel(...)`'s result).
   * @param options - `prefix`, `initLocFn`, `initScale`.
   * @throws ConstraintError (a PhloxError) when `initScale` is not positive.
   */
  constructor(model: unknown, options: AutoGuideOptions = {}) {
    const initScale = options.initScale ?? 0.1;
    if (!(initScale > 0) || !Number.isFinite(initScale)) {
      throw new ConstraintError(
        "autoguide-init-scale",
        `${this.constructor.name}: initScale must be a positive number, got ${initScale}.`,
      );
    }
    this.model = model;
    this.prefix = options.prefix ?? "auto";
    this.initScale = initScale;
    this.initLocFn = options.initLocFn;
  }

  /** The init strategy used when `initLocFn` is not given. */
  protected get defaultInit(): DefaultInit {
    return "uniform";
  }

  /** Makes the family over a `dim`-dimensional latent space. */
  protected abstract makeFamily(dim: number): LatentFamily;
  /** Names the family's parameters. */
  protected abstract paramSpecs(family: LatentFamily, layout: readonly LatentSite[]): ParamSpec[];

  /**
   * @internal The family and named parameters this guide uses over a block of latent sites (for
   * `AutoGuideList`); `layout` offsets are relative to the block.
   */
  blockFor(dim: number, layout: readonly LatentSite[]): { family: LatentFamily; specs: ParamSpec[] } {
    const family = this.makeFamily(dim);
    return { family, specs: this.paramSpecs(family, layout) };
  }

  /**
   * How the guide fits latent sites inside subsampled plates (local latent variables): `"normal"` (AutoNormal)
   * and `"delta"` (AutoDelta) keep parameters of the plates' full size and read the minibatch's rows, as
   * NumPyro's AutoNormal and AutoDelta do; `null` (every other guide) refuses such sites, as NumPyro's
   * AutoContinuous does.
   */
  protected get localLatentFamily(): "normal" | "delta" | null {
    return null;
  }

  /** @internal {@link localLatentFamily}, for a guide composed of this one (AutoGuideList). */
  localKind(): "normal" | "delta" | null {
    return this.localLatentFamily;
  }

  /** Whether `setup` lets local latent sites through (to {@link minibatchView}). */
  protected get acceptsLocalLatents(): boolean {
    return this.localLatentFamily !== null;
  }

  /** The per-particle view of the full-size parameters on a minibatch (AutoGuideList composes its parts'). */
  protected minibatchView(local: LocalLatents, _family: LatentFamily): MinibatchView {
    return new MinibatchMeanField(this.localLatentFamily as "normal" | "delta", local);
  }

  /** Latent sites inside subsampled plates (full-size parameters), after `setup`. */
  private localSites: string[] = [];
  /** Indices pinned by {@link fixSubsample}, by plate name. */
  private pinnedSubsample: Record<string, readonly number[]> | null = null;
  private pinSubsample: ((p: Record<string, readonly number[]> | null) => void) | null = null;

  /**
   * Fixes the minibatch of each subsampled plate for every particle (NumPyro's
   * `handlers.substitute(guide, data={"N": idx})` on both model and guide), or draws it from each particle's
   * key again with `null`. Takes effect now if the guide is set up, else at `setup`.
   * @param indices - by plate name, `subsampleSize` distinct indices in [0, size); `null` to unfix.
   * @throws PhloxError (`autoguide-subsample-indices`) for a plate left out or indices of the wrong length or range.
   */
  fixSubsample(indices: Record<string, readonly number[]> | null): void {
    this.pinnedSubsample = indices;
    this.pinSubsample?.(indices);
  }

  /** Hook called with the layout before `makeFamily` (AutoGuideList partitions it). */
  protected blockLayout(_layout: readonly LatentSite[]): void {}

  /** The potential the particle evaluates (AutoDelta adds back the Jacobian). */
  protected potential(pm: PotentialModel): (z: Float64Array, g: Float64Array) => number {
    return (z, g) => pm.potentialFn(z, g);
  }

  /** Number of latent dimensions (after `setup`). */
  get latentDim(): number {
    return this.requireBound("latentDim").family.dim;
  }

  /** The latent sites in the flat vector (after `setup`). */
  get latentSites(): readonly LatentSite[] {
    return this.requireBound("latentSites").layout;
  }

  /** @internal The set-up family and parameter names, for a guide composed over this one (AutoSemiDAIS). */
  composedBound(who: string): Bound {
    return this.requireBound(who);
  }

  protected requireBound(who: string): Bound {
    if (this.bound === null) {
      throw new PhloxError(
        "autoguide-not-setup",
        `${this.constructor.name}.${who}: the guide is not set up yet; run SVI (svi.init / svi.run) first, ` +
          "or call guide.setup(key, args).",
      );
    }
    return this.bound;
  }

  /**
   * Binds the guide to the model's arguments (the {@link Guide} contract): resolves the model's potential,
   * lays out the parameters, and returns the per-particle loss SVI optimizes.
   * @param key - PRNG key (for the init strategy).
   * @param args - the model's arguments.
   * @returns the guide's {@link GuideSetup}.
   * @throws PhloxError when the model has no continuous latent variables.
   */
  setup(key: KeyLike, args: readonly unknown[]): GuideSetup {
    const name = this.constructor.name;
    const k = toKeyPair(key, `${name}.setup`);
    const pm = resolveModel(
      name,
      this.model,
      k,
      args,
      this.initLocFn,
      this.defaultInit,
      this.acceptsLocalLatents,
    );
    const keyed = pm as Partial<KeyedPotentialModel>;
    if (keyed.subsampled !== undefined) {
      const sm = keyed.subsampled;
      this.pinSubsample = (p) => sm.pin(p === null ? null : sm.plates.map((q) => p[q.name]));
      if (this.pinnedSubsample !== null) this.pinSubsample(this.pinnedSubsample);
    } else this.pinSubsample = null;
    this.localSites = keyed.local
      ? keyed.local.sites.filter((l) => l.axes.length > 0).map((l) => l.name)
      : [];
    if (keyed.local) return this.setupLocal(pm as KeyedPotentialModel, keyed.local);
    const D = pm.dim;
    if (D === 0) {
      throw new PhloxError(
        "autoguide-no-latents",
        `${name}: the model has no continuous latent variables; there is nothing to fit.`,
      );
    }
    const layout: LatentSite[] = pm.layout
      ? pm.layout.map((l) => {
          const site: LatentSite = { name: l.name, shape: [...l.shape], offset: l.offset, size: l.size };
          const extra = l as { constrainedShape?: number[]; eventDim?: number };
          if (extra.constrainedShape !== undefined) site.constrainedShape = [...extra.constrainedShape];
          if (extra.eventDim !== undefined) site.eventDim = extra.eventDim;
          return site;
        })
      : [{ name: "z", shape: [D], offset: 0, size: D }];
    this.blockLayout(layout);
    const family = this.makeFamily(D);
    const specs = this.paramSpecs(family, layout);
    const bound: Bound = { pm, family, specs, layout };
    this.bound = bound;
    const u0 = new Float64Array(family.numParams);
    family.init(pm.initialZ, u0);
    // A model with subsampled plates draws each particle's minibatch from its key.
    const setKey = (pm as Partial<KeyedPotentialModel>).setKey?.bind(pm);
    return this.guideSetup(bound, u0, family, this.potential(pm), D, setKey);
  }

  /**
   * The `GuideSetup` of a bound guide: each particle keys the model (`setKey`, when it subsamples), maps ε to
   * z with `flow` (the family, or its minibatch view), evaluates the potential `U` at z, and runs `flow`
   * backward with ∇U(z). `dim` is the length of z.
   */
  private guideSetup(
    bound: Bound,
    u0: Float64Array,
    flow: MinibatchView,
    U: (z: Float64Array, g: Float64Array) => number,
    dim: number,
    setKey: ((k0: number, k1: number) => void) | undefined,
  ): GuideSetup {
    const z = new Float64Array(dim);
    const gz = new Float64Array(dim);
    return {
      numParams: bound.family.numParams,
      noiseDim: flow.noiseDim,
      initialParams: () => Float64Array.from(u0),
      constrainParams: (u) => this.constrain(bound, u),
      unconstrainParams: (p) => this.unconstrain(bound, p, u0),
      particle(
        u: Float64Array,
        eps: Float64Array,
        grad: Float64Array,
        mode: ParticleMode,
        k0: number,
        k1: number,
      ): number {
        setKey?.(k0, k1);
        const lq = flow.forward(u, eps, z, mode);
        const v = U(z, gz);
        flow.backward(u, eps, gz, grad, mode);
        return v + lq;
      },
    };
  }

  /**
   * `setup` for a model with local latent variables in subsampled plates (AutoNormal, AutoDelta): the
   * parameters live on the full-size latent space (the bound's family and `pm` are full-size, for the
   * posterior methods); each particle reads its minibatch's rows.
   */
  private setupLocal(pm: KeyedPotentialModel, local: LocalLatents): GuideSetup {
    const full = local.fullModel();
    const layout: LatentSite[] = local.sites.map((l) => ({
      name: l.name,
      shape: [...l.fullShape],
      offset: l.fullOffset,
      size: l.fullSize,
      constrainedShape: [...l.fullConstrainedShape],
    }));
    this.blockLayout(layout);
    const family = this.makeFamily(full.dim);
    const specs = this.paramSpecs(family, layout);
    const bound: Bound = { pm: full, family, specs, layout };
    this.bound = bound;
    const u0 = this.initialU(bound);
    const view = this.minibatchView(local, family);
    return this.guideSetup(bound, u0, view, this.potential(pm), local.dim, pm.setKey.bind(pm));
  }

  /** Named constrained parameters from the flat vector. */
  protected constrain(b: Bound, u: Float64Array): Params {
    return constrainParams(b, u);
  }

  /** The flat vector for named constrained parameters; names left out keep `u0`'s values. */
  protected unconstrain(b: Bound, params: ParamsLike, u0: Float64Array): Float64Array {
    return unconstrainParams(b, params, u0, this.constructor.name);
  }

  /**
   * Draws latent values from the fitted guide, constrained, with deterministic sites when the model has any
   * (NumPyro's `sample_posterior`).
   * @param key - PRNG key or seed.
   * @param params - the fitted parameters (`svi.getParams(state)`).
   * @param options - `sampleShape` (default `[]`).
   * @returns by site name, a float64 tensor of shape `[...sampleShape, ...siteShape]` (new each call).
   * @example
   * const post = guide.samplePosterior(key(1), params, { sampleShape: [1000] });
   * post.mu.shape; // → [1000]
   */
  samplePosterior(
    key: KeyLike,
    params: ParamsLike,
    options: SamplePosteriorOptions = {},
  ): Record<string, Tensor> {
    return toTensors(this.drawPosterior(key, params, options));
  }

  /** {@link samplePosterior} as plain `{ data, shape }` arrays (what `asFunction` reads). */
  protected drawPosterior(
    key: KeyLike,
    params: ParamsLike,
    options: SamplePosteriorOptions = {},
  ): Record<string, ParamValue> {
    const b = this.requireBound("samplePosterior");
    const sampleShape = [...(options.sampleShape ?? [])];
    const n = prod(sampleShape);
    const u = this.unconstrain(b, params, this.initialU(b));
    const draw = this.latentSampler(b, u);
    const k = toKeyPair(key, `${this.constructor.name}.samplePosterior`);
    const sub = new Uint32Array(2);
    return collectDraws(b, n, sampleShape, (_i, z) => {
      splitInPlace(k, sub);
      draw(sub[0], sub[1], z);
    });
  }

  /**
   * The guide as a model-like function for `@phlox/infer`'s `Predictive` (NumPyro's
   * `Predictive(model, guide=guide, params=params)`): it reads its parameters with `param` (so the
   * `params` Predictive substitutes are used), draws the latent vector with the key `prngKey()` gives, and
   * declares each latent site as `sample(name, Delta(value))`.
   * @returns `(...args) => void`.
   * @throws PhloxError (`autoguide-local-predictive`), when called, for a guide with local latent sites in a
   *   subsampled plate: their full-size draws do not fit the model's minibatch; use `samplePosterior` with
   *   `Predictive` on the model without `subsampleSize`.
   * @example
   * const ppc = new Predictive(model, { guide: guide.asFunction(), params, numSamples: 1000 }).run(key(1));
   */
  asFunction(): (...args: unknown[]) => void {
    return () => {
      const b = this.requireBound("asFunction");
      if (this.localSites.length > 0) {
        throw new PhloxError(
          "autoguide-local-predictive",
          `${this.constructor.name}.asFunction: the local latent sites ${this.localSites.join(", ")} are drawn at ` +
            "their plates' full size, which does not fit a model whose plate draws a minibatch. Draw them with " +
            "guide.samplePosterior(key, params, { sampleShape }) and run Predictive with those posteriorSamples on " +
            "the model without subsampleSize.",
        );
      }
      const init = this.constrain(b, this.initialU(b));
      const params: Params = {};
      const substituted = new Set<string>();
      for (const s of b.specs) {
        const v = init[s.name];
        const initial = tensor(v.data, { shape: v.shape });
        const t = param(s.name, initial);
        if (t !== initial) substituted.add(s.name);
        params[s.name] = { data: Float64Array.from(t.dataSync() as ArrayLike<number>), shape: [...t.shape] };
      }
      // params from Predictive that leave out a required one (an earlier BNAF layout) must not start it at init
      checkRequiredWith(b.specs, (name) => substituted.has(name), `${this.constructor.name}.asFunction`);
      const k = prngKey();
      // postprocess runs the model; block hides its sites from the handlers around this guide
      const draw = block(() => this.drawPosterior(k ?? 0, params))() as Record<string, ParamValue>;
      for (const l of b.layout) {
        const v = draw[l.name];
        if (v !== undefined) sample(l.name, new Delta(tensor(v.data, { shape: v.shape }), 0, v.shape.length));
      }
    };
  }

  /** Alias of {@link samplePosterior} with NumPyro's `guide.sample_posterior` spelling of the method. */
  sample(key: KeyLike, params: ParamsLike, options: SamplePosteriorOptions = {}): Record<string, Tensor> {
    return this.samplePosterior(key, params, options);
  }

  /** Writes one draw of the unconstrained latent z from key (k0, k1). */
  protected latentSampler(b: Bound, u: Float64Array): (k0: number, k1: number, z: Float64Array) => void {
    const eps = new Float64Array(b.family.noiseDim);
    return (k0, k1, z) => {
      fillNormal(k0, k1, eps);
      b.family.forward(u, eps, z, "elbo");
    };
  }

  protected initialU(b: Bound): Float64Array {
    const u0 = new Float64Array(b.family.numParams);
    b.family.init(b.pm.initialZ, u0);
    return u0;
  }

  /**
   * Constrained latent values (and deterministic sites) for rows of unconstrained latent vectors, as
   * `samplePosterior` returns them (used by `NeuTraReparam.transformSample`).
   * @param zs - `prod(batchShape)` rows of length `latentDim`, row-major.
   * @param batchShape - the leading shape of the result.
   * @returns by site name, float64 tensors of shape `[...batchShape, ...siteShape]`.
   * @throws ShapeError (a PhloxError) when `zs` does not hold `prod(batchShape)` rows.
   */
  constrainLatent(zs: Float64Array, batchShape: readonly number[]): Record<string, Tensor> {
    const b = this.requireBound("constrainLatent");
    const D = b.family.dim;
    const n = prod(batchShape);
    if (zs.length !== n * D) {
      throw new ShapeError(
        "autoguide-latent-shape",
        `${this.constructor.name}.constrainLatent: expected ${n} rows of ${D} values, got ${zs.length} values.`,
      );
    }
    return toTensors(collectDraws(b, n, batchShape, (i, z) => z.set(zs.subarray(i * D, (i + 1) * D))));
  }

  /**
   * The guide's transform from its base N(0, I) to the unconstrained latent space at the given parameters
   * (NumPyro's `get_transform`), for `NeuTraReparam`. Gaussian guides give the affine map
   * loc + L ε (L the Cholesky factor of the covariance); AutoIAFNormal and AutoBNAFNormal their flows.
   * @param params - the fitted parameters.
   * @returns a {@link LatentTransform}.
   * @throws PhloxError (`autoguide-no-transform`) for a guide without one (AutoDelta, the batched and DAIS
   *   guides).
   */
  getTransform(params: ParamsLike): LatentTransform {
    const b = this.requireBound("getTransform");
    const f = b.family;
    if (f.tensorTransform === undefined) {
      throw new PhloxError(
        "autoguide-no-transform",
        `${this.constructor.name}.getTransform: this guide has no transform from a standard Normal base; ` +
          "use AutoDiagonalNormal, AutoMultivariateNormal, AutoLowRankMultivariateNormal, AutoLaplaceApproximation, " +
          "AutoIAFNormal or AutoBNAFNormal.",
      );
    }
    const apply = f.tensorTransform(this.unconstrain(b, params, this.initialU(b)));
    return { dim: f.dim, apply };
  }

  /**
   * The posterior median of each latent site, constrained (for the Gaussian families, T(loc)).
   * @param params - the fitted parameters.
   * @returns by site name, a float64 tensor of the site's shape.
   */
  median(params: ParamsLike): Record<string, Tensor> {
    const b = this.requireBound("median");
    const u = this.unconstrain(b, params, this.initialU(b));
    return toTensors(collectDraws(b, 1, [], (_i, z) => b.family.median(u, z)));
  }

  /**
   * Marginal quantiles of each latent site, constrained (computed in the unconstrained space and mapped
   * through the monotone transforms, as NumPyro does).
   * @param params - the fitted parameters.
   * @param quantiles - probabilities in (0, 1), e.g. `[0.05, 0.5, 0.95]`.
   * @returns by site name, a float64 tensor of shape `[quantiles.length, ...siteShape]`.
   * @throws ConstraintError (a PhloxError) for a probability outside (0, 1).
   */
  quantiles(params: ParamsLike, quantiles: readonly number[]): Record<string, Tensor> {
    const b = this.requireBound("quantiles");
    for (const q of quantiles) {
      if (!(q > 0 && q < 1))
        throw new ConstraintError(
          "autoguide-quantile",
          `${this.constructor.name}.quantiles: ${q} is not in (0, 1).`,
        );
    }
    const u = this.unconstrain(b, params, this.initialU(b));
    return toTensors(
      collectDraws(b, quantiles.length, [quantiles.length], (i, z) =>
        this.latentQuantile(b, u, quantiles[i], z),
      ),
    );
  }

  protected latentQuantile(b: Bound, u: Float64Array, q: number, z: Float64Array): void {
    b.family.quantile(u, q, z);
  }
}
