import { Condition, type Message, type Trace } from "@phlox/handlers";
import { dataOf, fromData, PhloxError, reshape, slice1, type Tensor } from "./ops.js";
import { isLatent } from "./unconstrained.js";

/** Where one Gibbs site lies in the flat vector of Gibbs values (constrained values, no transform). */
export interface GibbsLayout {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/**
 * @internal The latent sites a Gibbs-style kernel updates itself (`initializeModel`'s `gibbsSites`): the
 * model is run conditioned on their current values (NumPyro's `condition(data=gibbs_sites)`), so they
 * leave the flat vector of HMC and their log densities stay in the potential. Their values live in one
 * flat Float64Array; while a potential is being compiled they come from a traced extra input instead, so
 * the compiled function reads them at each call rather than baking them in as constants.
 */
export class GibbsSites {
  readonly layout: GibbsLayout[] = [];
  readonly dim: number;
  /** The values the model is conditioned on (flat, in `layout` order). */
  values: Float64Array;
  /** The traced flat values while a potential is compiled; `null` otherwise. */
  traced: Tensor | null = null;
  private readonly byName = new Map<string, GibbsLayout>();

  constructor(names: readonly string[], proto: Trace) {
    let dim = 0;
    const init: number[] = [];
    for (const name of names) {
      if (this.byName.has(name)) {
        throw new PhloxError(
          "gibbs-site-duplicate",
          `initializeModel: gibbsSites names "${name}" twice; list each site once.`,
        );
      }
      const site = proto.get(name);
      if (site === undefined || !isLatent(site) || site.value === null) {
        const what =
          site === undefined
            ? "is not a site of the model"
            : site.type !== "sample"
              ? `is a ${site.type} site, not a sample site`
              : "is observed";
        throw new PhloxError(
          "gibbs-site-not-latent",
          `initializeModel: gibbsSites names "${name}", which ${what}. Name latent sample sites only ` +
            `(latent sites of this model: ${latentNames(proto)}).`,
        );
      }
      const l: GibbsLayout = { name, shape: [...site.value.shape], offset: dim, size: site.value.size };
      this.layout.push(l);
      this.byName.set(name, l);
      for (const x of dataOf(site.value)) init.push(x);
      dim += l.size;
    }
    this.dim = dim;
    this.values = Float64Array.from(init);
  }

  /** True when `name` is a Gibbs site. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The model conditioned on the current (or traced) Gibbs values. */
  wrap(model: (...args: never[]) => unknown): (...args: never[]) => unknown {
    const lookUp = (msg: Message): Tensor | undefined => {
      const l = this.byName.get(msg.name);
      if (l === undefined || msg.isObserved) return undefined;
      const flat = this.traced ?? fromData(this.values, [this.dim]);
      return reshape(slice1(flat, l.offset, l.offset + l.size), l.shape);
    };
    return (...args: never[]) => {
      const handler = new Condition(lookUp);
      return handler.run(() => (model as (...a: readonly unknown[]) => unknown)(...args));
    };
  }

  /** The Gibbs values of a trace, flat (e.g. to check shapes). */
  flatten(values: Readonly<Record<string, Tensor>>): Float64Array {
    const out = new Float64Array(this.dim);
    for (const l of this.layout) {
      const v = values[l.name];
      if (v === undefined)
        throw new PhloxError("missing-site-value", `Gibbs values: no value for site "${l.name}".`);
      const d = dataOf(v);
      if (d.length !== l.size) {
        throw new PhloxError(
          "gibbs-site-shape",
          `Gibbs values: site "${l.name}" has ${d.length} elements, expected ${l.size} (shape [${l.shape.join(", ")}]).`,
        );
      }
      out.set(d, l.offset);
    }
    return out;
  }
}

function latentNames(tr: Trace): string {
  const names: string[] = [];
  for (const site of tr.values()) if (isLatent(site)) names.push(`"${site.name}"`);
  return names.length > 0 ? names.join(", ") : "none";
}
