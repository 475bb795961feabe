import { PhloxError, type Tensor } from "@phlox/tensor";
import { FunctionGuide, type GuideFn, type ParticleMode } from "@phlox/vi";
import { AutoContinuous } from "./auto-continuous.js";
import { AutoDelta } from "./auto-delta.js";
import type { LatentSite, SamplePosteriorOptions } from "./auto-guide-types.js";
import { AutoLaplaceApproximation } from "./auto-laplace-approximation.js";
import { AutoNormal } from "./auto-normal.js";
import type { LatentFamily, ParamSpec } from "./internal/family.js";
import { customListGuide, type ListEntry } from "./internal/guide-list-custom.js";
import { GuideListMinibatchView, type ListPart } from "./internal/guide-list-minibatch.js";
import type { LocalLatents } from "./internal/local-latents.js";
import type { MinibatchView } from "./internal/minibatch-family.js";

interface Block {
  guide: AutoContinuous | null;
  /** A hand-written guide part (when `guide` is null). */
  fn: GuideFn | null;
  sites: readonly string[] | null;
}

interface Part {
  family: LatentFamily;
  /** z index of each of the block's latent coordinates. */
  idx: Int32Array;
  uOff: number;
  eOff: number;
  z: Float64Array;
  gz: Float64Array;
}

/** The product of the parts' families over disjoint blocks of latent coordinates. */
class CompositeFamily implements LatentFamily {
  readonly numParams: number;
  readonly noiseDim: number;
  private readonly views = new WeakMap<Float64Array, Float64Array[]>();
  constructor(
    readonly dim: number,
    private readonly parts: Part[],
  ) {
    this.numParams = parts.reduce((a, p) => a + p.family.numParams, 0);
    this.noiseDim = parts.reduce((a, p) => a + p.family.noiseDim, 0);
  }
  /** Per-part subarray views of a parameter-, noise- or gradient-sized buffer (cached per buffer). */
  private split(buf: Float64Array, kind: "u" | "e"): Float64Array[] {
    let v = this.views.get(buf);
    if (v === undefined) {
      v = this.parts.map((p) =>
        kind === "u"
          ? buf.subarray(p.uOff, p.uOff + p.family.numParams)
          : buf.subarray(p.eOff, p.eOff + p.family.noiseDim),
      );
      this.views.set(buf, v);
    }
    return v;
  }
  init(z0: Float64Array, u: Float64Array): void {
    const us = this.split(u, "u");
    this.parts.forEach((p, j) => {
      for (let k = 0; k < p.idx.length; k++) p.z[k] = z0[p.idx[k]];
      p.family.init(p.z, us[j]);
    });
  }
  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number {
    const us = this.split(u, "u");
    const es = this.split(eps, "e");
    let lq = 0;
    for (let j = 0; j < this.parts.length; j++) {
      const p = this.parts[j];
      lq += p.family.forward(us[j], es[j], p.z, mode);
      for (let k = 0; k < p.idx.length; k++) z[p.idx[k]] = p.z[k];
    }
    return lq;
  }
  backward(
    u: Float64Array,
    eps: Float64Array,
    gz: Float64Array,
    grad: Float64Array,
    mode: ParticleMode,
  ): void {
    const us = this.split(u, "u");
    const es = this.split(eps, "e");
    const gs = this.split(grad, "u");
    for (let j = 0; j < this.parts.length; j++) {
      const p = this.parts[j];
      for (let k = 0; k < p.idx.length; k++) p.gz[k] = gz[p.idx[k]];
      p.family.backward(us[j], es[j], p.gz, gs[j], mode);
    }
  }
  median(u: Float64Array, z: Float64Array): void {
    const us = this.split(u, "u");
    this.parts.forEach((p, j) => {
      p.family.median(us[j], p.z);
      for (let k = 0; k < p.idx.length; k++) z[p.idx[k]] = p.z[k];
    });
  }
  quantile(u: Float64Array, q: number, z: Float64Array): void {
    const us = this.split(u, "u");
    this.parts.forEach((p, j) => {
      p.family.quantile(us[j], q, p.z);
      for (let k = 0; k < p.idx.length; k++) z[p.idx[k]] = p.z[k];
    });
  }
}

/**
 * A guide made of autoguides over disjoint groups of latent sites (NumPyro's `AutoGuideList`): q is the
 * product of the parts. `append(guide, { sites })` gives a guide the named sites; the last guide appended
 * without `sites` takes the remaining ones. Each part keeps its own parameter names, so give parts of the
 * same kind distinct `prefix`es.
 *
 * An `AutoDelta` part takes the mode of the unconstrained density of its sites (the constrained-space
 * Jacobian correction applies to a stand-alone AutoDelta only); `AutoLaplaceApproximation` cannot be a part.
 *
 * A part may also be a hand-written guide function (NumPyro appends any guide callable), e.g. an amortised
 * guide for the local latents of a subsampled plate: it runs as it is, its `param`s join the list's
 * parameters, and its latent sites are taken from the automatic parts. Beside such a part the automatic parts
 * must be `AutoNormal` or `AutoDelta` over global sites; they run in their guide-function form (same
 * parameter names and values as stand-alone), and the list is optimised as one guide function. Such a list
 * has no `samplePosterior`/`median`/`quantiles` (a guide function has none in NumPyro either): draw with
 * `Predictive(model, { guide: list.asFunction(), params, numSamples })`.
 * @example
 * // amortised local guide for z inside plate("N", N, { subsampleSize: 20 }), AutoNormal for the globals
 * const localGuide = (y: Tensor) => {
 *   const a = param("a", tensor(0.5));
 *   const b = param("b", tensor(0));
 *   const s = param("s", tensor(0.3), { constraint: positive });
 *   plate("N", N, () => sample("z", new Normal(subsample(y, 0).mul(a).add(b), s)), { subsampleSize: 20 });
 * };
 * const guide = new AutoGuideList(model).append(localGuide).append(new AutoNormal(model));
 * @example
 * const guide = new AutoGuideList(model);
 * guide.append(new AutoDelta(model), { sites: ["sigma"] });
 * guide.append(new AutoMultivariateNormal(model));       // every other latent site
 * new SVI(model, guide, new Adam(0.01), new TraceELBO()).run(key(0), 2000, data);
 */
export class AutoGuideList extends AutoContinuous {
  private readonly blocks: Block[] = [];

  /**
   * Adds a part.
   * @param guide - an autoguide (constructed on the same model; its own model is not used), or a hand-written
   *   guide function (same arguments as the model) whose latent sites are its own.
   * @param options - `sites`: the latent sites an autoguide part covers (default: all not claimed by other
   *   parts); not for a guide function, whose sites are those it samples.
   * @returns this list.
   * @throws PhloxError for an AutoLaplaceApproximation part, a guide function given `sites`, or a part that is
   *   neither an autoguide nor a function.
   */
  append(guide: AutoContinuous | GuideFn, options: { sites?: readonly string[] } = {}): this {
    if (typeof guide === "function") {
      if (options.sites !== undefined)
        throw new PhloxError(
          "guide-list-custom-sites",
          "AutoGuideList.append: a guide function covers the sites it samples; do not pass `sites` with it.",
        );
      this.blocks.push({ guide: null, fn: guide, sites: null });
      return this;
    }
    if (!(guide instanceof AutoContinuous))
      throw new PhloxError(
        "guide-list-bad-part",
        `AutoGuideList.append: a part must be an autoguide or a guide function, got ${typeof guide}.`,
      );
    if (guide instanceof AutoLaplaceApproximation) {
      throw new PhloxError(
        "guide-list-laplace",
        "AutoGuideList.append: AutoLaplaceApproximation cannot be part of an AutoGuideList.",
      );
    }
    this.blocks.push({ guide, fn: null, sites: options.sites ?? null });
    return this;
  }

  protected makeFamily(dim: number): LatentFamily {
    return this.assemble(dim, this.currentLayout).family;
  }
  protected paramSpecs(): ParamSpec[] {
    return this.specs;
  }

  /** Local latent sites in subsampled plates pass to the parts: AutoNormal and AutoDelta parts fit them. */
  protected override get acceptsLocalLatents(): boolean {
    return true;
  }
  protected override minibatchView(local: LocalLatents): MinibatchView {
    return new GuideListMinibatchView(local, this.listParts);
  }

  private listParts: ListPart[] = [];
  private currentLayout: readonly LatentSite[] = [];
  private specs: ParamSpec[] = [];

  override setup(
    key: Parameters<AutoContinuous["setup"]>[0],
    args: readonly unknown[],
  ): ReturnType<AutoContinuous["setup"]> {
    if (this.blocks.length === 0)
      throw new PhloxError("guide-list-empty", "AutoGuideList.setup: append at least one guide first.");
    if (!this.blocks.some((b) => b.fn !== null)) return super.setup(key, args);
    const entries: ListEntry[] = this.blocks.map((b): ListEntry => {
      if (b.fn !== null) return { kind: "custom", fn: b.fn };
      const g = b.guide as AutoContinuous;
      const name = g.constructor.name;
      if (g instanceof AutoNormal || g instanceof AutoDelta)
        return {
          kind: g instanceof AutoNormal ? "normal" : "delta",
          name,
          prefix: g.prefix,
          initScale: g.initScale,
          sites: b.sites,
        };
      return { kind: "other", name, sites: b.sites };
    });
    const fn = customListGuide(this.model, entries, key, args);
    this.customFn = fn;
    return new FunctionGuide(this.model as GuideFn, fn).setup(key, args);
  }

  /** The list as one guide function, once set up with a hand-written part (else null). */
  private customFn: GuideFn | null = null;

  private refuseCustom(who: string): void {
    if (this.blocks.some((b) => b.fn !== null))
      throw new PhloxError(
        "guide-list-custom-part",
        `AutoGuideList.${who}: the list has a hand-written guide part, which has no ${who} (as in NumPyro); ` +
          "draw from the fitted list with Predictive(model, { guide: list.asFunction(), params, numSamples }).",
      );
  }

  override samplePosterior(
    key: Parameters<AutoContinuous["samplePosterior"]>[0],
    params: Parameters<AutoContinuous["samplePosterior"]>[1],
    options: SamplePosteriorOptions = {},
  ): Record<string, Tensor> {
    this.refuseCustom("samplePosterior");
    return super.samplePosterior(key, params, options);
  }

  override median(params: Parameters<AutoContinuous["median"]>[0]): Record<string, Tensor> {
    this.refuseCustom("median");
    return super.median(params);
  }

  override quantiles(
    params: Parameters<AutoContinuous["quantiles"]>[0],
    quantiles: Parameters<AutoContinuous["quantiles"]>[1],
  ): Record<string, Tensor> {
    this.refuseCustom("quantiles");
    return super.quantiles(params, quantiles);
  }

  /**
   * The fitted list as a guide function for `Predictive`'s `guide` + `params` options; with a hand-written
   * part, the list's own guide function (available once SVI has set the list up).
   */
  override asFunction(): (...args: unknown[]) => void {
    if (this.blocks.some((b) => b.fn !== null)) {
      const fn = this.customFn;
      if (fn === null)
        throw new PhloxError(
          "guide-list-not-set-up",
          "AutoGuideList.asFunction: the guide is not set up yet; run SVI (svi.init / svi.run) first.",
        );
      return (...args: unknown[]) => void (fn as (...a: unknown[]) => unknown)(...args);
    }
    return super.asFunction();
  }

  /** Layout hook: AutoContinuous.setup calls makeFamily after computing the layout. */
  protected override blockLayout(layout: readonly LatentSite[]): void {
    this.currentLayout = layout;
  }

  private assemble(dim: number, layout: readonly LatentSite[]): { family: LatentFamily } {
    const claimed = new Set<string>();
    for (const b of this.blocks)
      for (const s of b.sites ?? []) {
        if (!layout.some((l) => l.name === s)) {
          throw new PhloxError(
            "guide-list-unknown-site",
            `AutoGuideList: site "${s}" is not a latent site of the model (${layout.map((l) => l.name).join(", ")}).`,
          );
        }
        if (claimed.has(s))
          throw new PhloxError("guide-list-site-twice", `AutoGuideList: site "${s}" is given to two parts.`);
        claimed.add(s);
      }
    const parts: Part[] = [];
    const listParts: ListPart[] = [];
    const specs: ParamSpec[] = [];
    const names = new Set<string>();
    let uOff = 0;
    let eOff = 0;
    let restTaken = false;
    for (const b of this.blocks) {
      let mine: LatentSite[];
      if (b.sites === null) {
        if (restTaken)
          throw new PhloxError(
            "guide-list-two-rest",
            "AutoGuideList: only one part may omit `sites` (it takes the remaining sites).",
          );
        restTaken = true;
        mine = layout.filter((l) => !claimed.has(l.name));
      } else {
        mine = layout.filter((l) => (b.sites as readonly string[]).includes(l.name));
      }
      if (mine.length === 0) continue;
      const local: LatentSite[] = [];
      const idx: number[] = [];
      for (const l of mine) {
        local.push({ name: l.name, shape: [...l.shape], offset: idx.length, size: l.size });
        for (let k = 0; k < l.size; k++) idx.push(l.offset + k);
      }
      const part = b.guide as AutoContinuous;
      const { family, specs: sub } = part.blockFor(idx.length, local);
      for (const s of sub) {
        if (names.has(s.name)) {
          throw new PhloxError(
            "guide-list-param-clash",
            `AutoGuideList: two parts both name a parameter "${s.name}"; give them distinct prefixes.`,
          );
        }
        names.add(s.name);
        const site = s.site
          ? { name: s.site.name, offset: mine.find((l) => l.name === s.site?.name)?.offset ?? 0 }
          : undefined;
        specs.push({ ...s, offset: s.offset + uOff, site });
      }
      listParts.push({
        family,
        idx: Int32Array.from(idx),
        uOff,
        guide: part.constructor.name,
        kind: part.localKind(),
      });
      parts.push({
        family,
        idx: Int32Array.from(idx),
        uOff,
        eOff,
        z: new Float64Array(idx.length),
        gz: new Float64Array(idx.length),
      });
      uOff += family.numParams;
      eOff += family.noiseDim;
    }
    const covered = parts.reduce((a, p) => a + p.idx.length, 0);
    if (covered !== dim) {
      const missing = layout.filter((l) => !parts.some((p) => p.idx.includes(l.offset))).map((l) => l.name);
      throw new PhloxError(
        "guide-list-uncovered-sites",
        `AutoGuideList: no part covers the latent sites ${missing.join(", ")}; append a guide without \`sites\`.`,
      );
    }
    this.specs = specs;
    this.listParts = listParts;
    return { family: new CompositeFamily(dim, parts) };
  }
}
