import { initializeModel } from "@phlox/infer";
import { ChainRandom, ConstraintError, PhloxError, type Tensor, tensor } from "@phlox/tensor";
import {
  foldIn,
  type Guide,
  type GuideSetup,
  type KeyLike,
  type ParamsLike,
  type ParamValue,
  paramValues,
  toKeyPair,
} from "@phlox/vi";
import type { AutoContinuous } from "./auto-continuous.js";
import { daisSettings } from "./auto-dais.js";
import type { ParamSpec } from "./internal/family.js";
import { toTensors } from "./internal/param-codec.js";
import { runChain, unpackLocal } from "./internal/semi-dais-chain.js";
import { chainLossAndGrad } from "./internal/semi-dais-compile.js";
import { constrainAll, unconstrainAll } from "./internal/semi-dais-params.js";
import { type AnyModel, type SemiDAISState, semiDaisPrototype } from "./internal/semi-dais-prototype.js";
import { drawIndices } from "./internal/subsample.js";

/** Options of {@link AutoSemiDAIS} (NumPyro's keyword arguments in camelCase). */
export interface AutoSemiDAISOptions {
  /** Prefix of the guide's parameter names (default `"auto"`). */
  prefix?: string;
  /** Number of annealed HMC steps (default 4; at least 1). */
  K?: number;
  /** Initial leapfrog step size (default 0.01; 0 < etaInit < etaMax). */
  etaInit?: number;
  /** Largest learnable step size (default 0.1). */
  etaMax?: number;
  /** Initial momentum damping γ (default 0.9; in (0, 1)). */
  gammaInit?: number;
  /** Initial scale of the local base distribution (default 0.1; positive). */
  initScale?: number;
  /** Name of the subsample plate, when it is a full plate or the model has several plates. */
  subsamplePlate?: string;
  /** Share the DAIS dynamics parameters across the plate's elements (default false: one set per element). */
  useGlobalDaisParams?: boolean;
  /**
   * NumPyro's `local_guide`: a guide function over the local latent sites, called with the local model's
   * arguments (the global model's return value when there is a `globalGuide`, the model's arguments
   * otherwise). Under the minibatch's indices its draws start the DAIS chains and its log density (in
   * unconstrained space) is the chains' base, in place of the learned `z_0_loc`/`z_0_scale` Normal; its
   * `param` sites become parameters of this guide. It must sample every local latent site under the
   * subsampled plate (same name, same plate).
   */
  localGuide?: AnyModel | null;
}

/** Options of {@link AutoSemiDAIS.samplePosterior}. */
export interface SemiDAISSampleOptions {
  /** Leading draw shape (default `[]`). */
  sampleShape?: readonly number[];
  /** The plate elements to draw local latents for (NumPyro's `substitute(data={plate: idx})`); default: drawn from the key. */
  indices?: readonly number[];
}

/**
 * NumPyro's `AutoSemiDAIS` (Jankowiak & Phan 2022; Geffner & Domke's "locally enhanced bounds"): a parametric
 * guide over the global latent variables (`globalGuide`, e.g. an `AutoNormal` of the global part of the
 * model) and, for each element of the model's one subsampled plate, differentiable annealed importance
 * sampling (K damped, uncorrected leapfrog steps from a Normal base) over that element's local latent
 * variables given the global ones. Unlike {@link AutoDAIS} it works with data subsampling: every particle
 * draws a minibatch of the plate and runs the local chains for it only.
 *
 * Parameters (NumPyro's names): the global guide's, then `<prefix>_eta0` `[N]` (in (0, etaMax)),
 * `_eta_coeff` `[N]`, `_gamma` `[N]` (in (0, 1)), `_beta_increments` `[N, K]`, `_mass_matrix` `[N, D]`
 * (with `useGlobalDaisParams` these five lose their `N` axis), `_z_0_loc` `[N, D]` and `_z_0_scale`
 * `[N, D]`, D the number of local latent values per plate element. The chain's dynamics use the model's
 * density at the local sites, which is `localModel`'s when the model is `localModel(globalModel())` as NumPyro
 * requires. With a `localGuide` the chains start from its draws and anneal from its density, and its
 * parameters replace `_z_0_loc`/`_z_0_scale`. Deviation: the damping starts at `gammaInit` (NumPyro 0.21
 * starts it at 0.9 whatever `gamma_init` says; the defaults agree).
 * @example
 * const globalModel = () => sample("theta", new Normal(zeros([3]), 1).toEvent(1));
 * const localModel = (theta: Tensor) => plate("N", 100, () => { ... }, { subsampleSize: 16 });
 * const model = () => localModel(globalModel());
 * const guide = new AutoSemiDAIS(model, localModel, new AutoNormal(globalModel), { K: 4, etaMax: 0.25, etaInit: 0.005 });
 * const { params } = new SVI(model, guide, new Adam(0.001), new TraceELBO()).run(key(0), 5000);
 */
export class AutoSemiDAIS implements Guide {
  readonly model: AnyModel;
  readonly localModel: AnyModel;
  readonly globalGuide: AutoContinuous | null;
  readonly prefix: string;
  readonly K: number;
  readonly etaInit: number;
  readonly etaMax: number;
  readonly gammaInit: number;
  readonly initScale: number;
  readonly subsamplePlate: string | undefined;
  readonly useGlobalDaisParams: boolean;
  readonly localGuide: AnyModel | null;
  private state: SemiDAISState | null = null;
  private fixedIndices: Int32Array | null = null;

  /**
   * @param model - the model, with global and local latent variables and one subsampled plate.
   * @param localModel - the part of the model with the local latent variables (NumPyro's `local_model`).
   * @param globalGuide - an autoguide over the global part of the model, or `null` when there are no global
   *   latent variables.
   * @param options - `K`, `etaInit`, `etaMax`, `gammaInit`, `initScale`, `prefix`, `subsamplePlate`,
   *   `useGlobalDaisParams`, `localGuide`.
   * @throws ConstraintError (a PhloxError) for an option outside its range (NumPyro's ValueError);
   *   PhloxError (`autoguide-bad-model`) when `model`, `localModel` or a given `localGuide` is not a
   *   function.
   */
  constructor(
    model: AnyModel,
    localModel: AnyModel,
    globalGuide: AutoContinuous | null = null,
    options: AutoSemiDAISOptions = {},
  ) {
    for (const [what, f] of [
      ["model", model],
      ["localModel", localModel],
    ] as const) {
      if (typeof f !== "function")
        throw new PhloxError(
          "autoguide-bad-model",
          `AutoSemiDAIS: ${what} must be a model function, got ${typeof f}.`,
        );
    }
    const s = daisSettings("AutoSemiDAIS", options);
    const initScale = options.initScale ?? 0.1;
    if (!(initScale > 0) || !Number.isFinite(initScale))
      throw new ConstraintError(
        "autoguide-init-scale",
        `AutoSemiDAIS: initScale must be positive, got ${initScale}.`,
      );
    const lg = options.localGuide ?? null;
    if (lg !== null && typeof lg !== "function")
      throw new PhloxError(
        "autoguide-bad-model",
        `AutoSemiDAIS: localGuide must be a guide function (or null), got ${typeof lg}.`,
      );
    this.localGuide = lg;
    this.model = model;
    this.localModel = localModel;
    this.globalGuide = globalGuide;
    this.prefix = options.prefix ?? "auto";
    this.K = s.K;
    this.etaInit = s.etaInit;
    this.etaMax = s.etaMax;
    this.gammaInit = s.gammaInit;
    this.initScale = initScale;
    this.subsamplePlate = options.subsamplePlate;
    this.useGlobalDaisParams = options.useGlobalDaisParams ?? false;
  }

  /** @internal Names, offsets and constraints of every parameter in the flat vector (after `setup`). */
  paramSpecs(): ParamSpec[] {
    const st = this.require("paramSpecs");
    const g = st.global?.specs ?? [];
    const lg: ParamSpec[] = (st.localGuide?.params ?? []).map((p) => ({
      name: p.name,
      shape: [...p.shape],
      offset: st.numGlobal + st.chainSize + p.offset,
      size: p.size,
      constraint: "real", // unconstrained by bijectTo of the param's constraint (see the local guide's info)
    }));
    return [...g, ...st.localSpecs.map((p) => ({ ...p, offset: p.offset + st.numGlobal })), ...lg];
  }

  /** @internal Fixes the particles' minibatch (for tests against NumPyro at given indices); `null` draws again. */
  useIndices(indices: readonly number[] | null): void {
    this.fixedIndices = indices === null ? null : Int32Array.from(indices);
  }

  private require(who: string): SemiDAISState {
    if (this.state === null)
      throw new PhloxError(
        "autoguide-not-setup",
        `AutoSemiDAIS.${who}: the guide is not set up yet; run SVI first, or call guide.setup(key, args).`,
      );
    return this.state;
  }

  /**
   * Binds the guide to the model's arguments (the {@link Guide} contract): finds the subsample plate and the
   * local latent sites, sets up the global guide, lays out the parameters.
   * @throws PhloxError (`autoguide-semidais-plates`) unless exactly one plate is subsampled (or named by
   *   `subsamplePlate`); (`autoguide-semidais-no-local`) when that plate holds no latent site;
   *   (`autoguide-semidais-global-latent`) when a global latent site is not covered by the global guide;
   *   (`autoguide-semidais-local-guide`) when the `localGuide` does not sample exactly the local latent sites.
   */
  setup(key: KeyLike, args: readonly unknown[]): GuideSetup {
    const k = toKeyPair(key, "AutoSemiDAIS.setup");
    const st = semiDaisPrototype(this, k, args);
    this.state = st;
    const { shape, numGlobal, numLocal, dimGlobal, globalNoise } = st;
    const { B, D, K, N } = shape;
    const localNoise = (K + 1) * B * D;
    const f = (w: Tensor, xi: Tensor, idx: Tensor, kk: Tensor): Tensor =>
      runChain(shape, numLocal, dimGlobal, st.U, w, xi, idx, st.base ? st.base(kk) : null)[0];
    const W = numLocal + dimGlobal;
    const w0 = new Float64Array(W);
    w0.set(st.u0, 0);
    const vg = chainLossAndGrad(f, W, localNoise, B, w0, k);
    const idx = new Int32Array(B);
    const kg = new Uint32Array(2);
    const seen = new Set<number>();
    const w = new Float64Array(W);
    const gw = new Float64Array(W);
    const zg = new Float64Array(dimGlobal);
    const gz = new Float64Array(dimGlobal);
    const fam = st.global?.family ?? null;
    const u0 = new Float64Array(numGlobal + numLocal);
    if (st.globalSetup) u0.set(st.globalSetup.initialParams(), 0);
    u0.set(st.u0, numGlobal);
    const pick = (k0: number, k1: number): void => {
      if (this.fixedIndices !== null) idx.set(this.fixedIndices);
      else if (st.full) for (let i = 0; i < B; i++) idx[i] = i;
      else drawIndices(new ChainRandom([k0, k1]), N, idx, seen);
    };
    return {
      numParams: numGlobal + numLocal,
      noiseDim: globalNoise + localNoise,
      initialParams: () => Float64Array.from(u0),
      constrainParams: (u) => constrainAll(st, u),
      unconstrainParams: (p) => unconstrainAll(st, p, u0),
      particle(u, eps, grad, mode, k0, k1): number {
        pick(k0, k1);
        const ug = u.subarray(0, numGlobal);
        const eg = eps.subarray(0, globalNoise);
        const lqg = fam ? fam.forward(ug, eg, zg, mode) : 0;
        w.set(u.subarray(numGlobal, numGlobal + numLocal), 0);
        w.set(zg, numLocal);
        foldIn(Uint32Array.of(k0, k1), 1, kg); // the local guide's key, apart from the minibatch's
        const v = vg(w, gw, eps.subarray(globalNoise, globalNoise + localNoise), idx, kg);
        grad.set(gw.subarray(0, numLocal), numGlobal);
        if (fam) {
          gz.set(gw.subarray(numLocal, W));
          fam.backward(ug, eg, gz, grad.subarray(0, numGlobal), mode);
        }
        return v + lqg;
      },
    };
  }

  /**
   * Draws from the guide: global latents from the global guide, then each minibatch element's local latents by
   * the DAIS chain, constrained (plus deterministic sites).
   * @param key - PRNG key.
   * @param params - the fitted parameters (SVI's `params`).
   * @param options - `sampleShape`; `indices` of the plate elements (default: a minibatch drawn from the key).
   * @returns by site name, a float64 tensor of shape `[...sampleShape, ...siteShape]`, freshly allocated on
   *   each call (as every other guide's `samplePosterior`; mutating it changes nothing in the guide).
   */
  samplePosterior(
    key: KeyLike,
    params: ParamsLike,
    options: SemiDAISSampleOptions = {},
  ): Record<string, Tensor> {
    const st = this.require("samplePosterior");
    const k = toKeyPair(key, "AutoSemiDAIS.samplePosterior");
    const { B, D, K, N } = st.shape;
    const init = new Float64Array(st.numGlobal + st.numLocal);
    if (st.globalSetup) init.set(st.globalSetup.initialParams(), 0);
    init.set(st.u0, st.numGlobal);
    const u = unconstrainAll(st, paramValues(params), init);
    const idx = new Int32Array(B);
    if (options.indices !== undefined) {
      if (
        options.indices.length !== B ||
        options.indices.some((i) => !Number.isInteger(i) || i < 0 || i >= N)
      )
        throw new PhloxError(
          "autoguide-semidais-indices",
          `AutoSemiDAIS.samplePosterior: indices must be ${B} integers in [0, ${N}), got [${options.indices}].`,
        );
      idx.set(options.indices);
    } else if (st.full) for (let i = 0; i < B; i++) idx[i] = i;
    else drawIndices(new ChainRandom([k[0], k[1] ^ 0x2545f491]), N, idx, new Set());
    const idxT = tensor(Int32Array.from(idx), { dtype: "int32" });
    const info = initializeModel([k[0], k[1]], st.withIndices(idxT), st.args);
    const shape = options.sampleShape ?? [];
    const n = shape.reduce((a, b) => a * b, 1);
    const rng = new ChainRandom([k[0], k[1]]);
    const eps = new Float64Array(st.globalNoise + (K + 1) * B * D);
    const zg = new Float64Array(st.dimGlobal);
    const draws: Record<string, ParamValue>[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < eps.length; j++) eps[j] = rng.normal();
      if (st.global)
        st.global.family.forward(u.subarray(0, st.numGlobal), eps.subarray(0, st.globalNoise), zg, "elbo");
      const w = new Float64Array(st.numLocal + st.dimGlobal);
      w.set(u.subarray(st.numGlobal), 0);
      w.set(zg, st.numLocal);
      const [, zK] = runChain(
        st.shape,
        st.numLocal,
        st.dimGlobal,
        st.U,
        tensor(w),
        tensor(eps.slice(st.globalNoise)),
        idxT,
        st.base
          ? st.base(tensor(Uint32Array.of(k[0] ^ 0x6a09e667, (k[1] + i) >>> 0), { dtype: "uint32" }))
          : null,
      );
      const local = unpackLocal(st.localSites, B, zK);
      const z = new Float64Array(info.dim);
      for (const l of info.layout) {
        const g = st.globalSites.find((s) => s.name === l.name);
        if (g) z.set(zg.subarray(g.offset, g.offset + g.size), l.offset);
        else z.set(local[l.name].dataSync() as Float64Array, l.offset);
      }
      draws.push(info.postprocess(z));
    }
    const out: Record<string, ParamValue> = {};
    for (const name of Object.keys(draws[0] ?? {})) {
      const siteShape = draws[0][name].shape;
      const size = draws[0][name].data.length;
      const data = new Float64Array(n * size);
      draws.forEach((d, i) => {
        data.set(d[name].data, i * size);
      });
      out[name] = { data, shape: [...shape, ...siteShape] };
    }
    return toTensors(out);
  }

  /** Alias of {@link AutoSemiDAIS.samplePosterior}. */
  sample(key: KeyLike, params: ParamsLike, options: SemiDAISSampleOptions = {}): Record<string, Tensor> {
    return this.samplePosterior(key, params, options);
  }
}
