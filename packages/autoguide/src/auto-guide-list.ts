import { PhloxError } from "@phlox/tensor";
import type { ParticleMode } from "@phlox/vi";
import { AutoContinuous, type LatentSite } from "./auto-continuous.js";
import { AutoLaplaceApproximation } from "./auto-laplace-approximation.js";
import type { LatentFamily, ParamSpec } from "./internal/family.js";
import { GuideListMinibatchView, type ListPart } from "./internal/guide-list-minibatch.js";
import type { LocalLatents } from "./internal/local-latents.js";
import type { MinibatchView } from "./internal/minibatch-family.js";

interface Block {
  guide: AutoContinuous;
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
   * @param guide - an autoguide (constructed on the same model; its own model is not used).
   * @param options - `sites`: the latent sites it covers (default: all not claimed by other parts).
   * @returns this list.
   * @throws PhloxError for an AutoLaplaceApproximation part.
   */
  append(guide: AutoContinuous, options: { sites?: readonly string[] } = {}): this {
    if (guide instanceof AutoLaplaceApproximation) {
      throw new PhloxError(
        "guide-list-laplace",
        "AutoGuideList.append: AutoLaplaceApproximation cannot be part of an AutoGuideList.",
      );
    }
    this.blocks.push({ guide, sites: options.sites ?? null });
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
    return super.setup(key, args);
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
      const { family, specs: sub } = b.guide.blockFor(idx.length, local);
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
        guide: b.guide.constructor.name,
        kind: b.guide.localKind(),
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
