import { positive, real } from "@phlox/distributions";
import { seed, substitute, trace } from "@phlox/handlers";
import { exp, PhloxError, reshape, slice, type Tensor } from "@phlox/tensor";
import { AutoDAIS, type AutoDAISOptions } from "./auto-dais.js";
import type { LatentSite } from "./auto-guide-types.js";
import { DaisFamily } from "./internal/dais-family.js";
import type { LatentFamily, ParamSpec } from "./internal/family.js";
import { tensorPotential } from "./internal/resolve-model.js";

type AnyModel = (...args: never[]) => unknown;

interface SurrogateParam {
  name: string;
  shape: number[];
  /** Offset in the extra block. */
  offset: number;
  size: number;
  constraint: "real" | "positive";
  init: Float64Array;
}

/**
 * AutoDAIS whose annealed HMC dynamics follow a cheap surrogate model instead of the full model (NumPyro's
 * `AutoSurrogateLikelihoodDAIS`; Jankowiak & Phan 2022, "Surrogate likelihoods for variational annealed
 * importance sampling"): `surrogateModel` (called with no arguments) has the same prior as the model and a
 * parametric stand-in for the likelihood, typically the likelihood of a fixed data subset scaled by
 * learnable positive weights (`param("omegas", …, { constraint: positive })` under `scale`). Its `param`
 * sites become parameters of the guide under their own names. The ELBO's final log p(x, z_K) is the real
 * model's, so, unlike AutoDAIS, the model may subsample its data.
 *
 * Parameters: the surrogate's params, then AutoDAIS's (`<prefix>_eta0`, …, `<prefix>_z_0_loc`, and
 * `<prefix>_z_0_scale` or — as NumPyro names it for this guide — `<prefix>_scale_tril`).
 * @example
 * const surrogate = () => {
 *   const theta = sample("theta", new Normal(zeros([3]), 1).toEvent(1));
 *   const omegas = param("omegas", full([32], 2), { constraint: positive });
 *   plate("N", 32, () => scale(() => sample("obs", new Bernoulli({ logits: matmul(Xs, theta) }), { obs: Ys }), omegas)());
 * };
 * const guide = new AutoSurrogateLikelihoodDAIS(model, surrogate, { K: 3, etaMax: 0.25, etaInit: 0.005 });
 */
export class AutoSurrogateLikelihoodDAIS extends AutoDAIS {
  /** The surrogate model (no arguments). */
  readonly surrogateModel: AnyModel;
  private surrogateParams: SurrogateParam[] = [];

  /**
   * @param model - the model (a function; it may subsample).
   * @param surrogateModel - the surrogate model, called with no arguments.
   * @param options - as {@link AutoDAIS}.
   * @throws ConstraintError (a PhloxError) for an option outside its range; PhloxError when
   *   `surrogateModel` is not a function.
   */
  constructor(model: unknown, surrogateModel: AnyModel, options: AutoDAISOptions = {}) {
    super(model, options);
    if (typeof surrogateModel !== "function") {
      throw new PhloxError(
        "autoguide-surrogate-model",
        `AutoSurrogateLikelihoodDAIS: surrogateModel must be a model function, got ${typeof surrogateModel}.`,
      );
    }
    this.surrogateModel = surrogateModel;
  }

  /** Subsampling is allowed: only the surrogate drives the dynamics. */
  protected override checkSubsampling(): void {}

  /** The surrogate's `param` sites (real or positive). */
  private findSurrogateParams(): SurrogateParam[] {
    const tr = trace(seed(this.surrogateModel as (...a: unknown[]) => unknown, 0)).getTrace();
    const out: SurrogateParam[] = [];
    let off = 0;
    for (const [name, site] of tr) {
      if (site.type !== "param" || site.value === null) continue;
      const c = site.constraint;
      const kind = c === undefined || c === null || c === real ? "real" : c === positive ? "positive" : null;
      if (kind === null) {
        throw new PhloxError(
          "autoguide-surrogate-param",
          `AutoSurrogateLikelihoodDAIS: surrogate parameter "${name}" has constraint ${String(c)}; ` +
            "only real and positive surrogate parameters are supported.",
        );
      }
      const v = Float64Array.from(site.value.dataSync() as ArrayLike<number>);
      const init = kind === "positive" ? v.map(Math.log) : v;
      out.push({ name, shape: [...site.value.shape], offset: off, size: v.length, constraint: kind, init });
      off += v.length;
    }
    return out;
  }

  protected override makeFamily(dim: number): LatentFamily {
    const sp = this.findSurrogateParams();
    this.surrogateParams = sp;
    const layout: readonly LatentSite[] = this.layoutForFamily;
    const extraInit = new Float64Array(sp.reduce((a, p) => a + p.size, 0));
    for (const p of sp) extraInit.set(p.init, p.offset);
    const name = this.constructor.name;
    const surrogate = this.surrogateModel as (...a: unknown[]) => unknown;
    const U = (z: Tensor, extra: Tensor): Tensor => {
      const values: Record<string, Tensor> = {};
      for (const p of sp) {
        const raw = reshape(slice(extra, [p.offset], [p.offset + p.size]), p.shape);
        values[p.name] = p.constraint === "positive" ? exp(raw) : raw;
      }
      return tensorPotential(name, substitute(surrogate, values), [], layout)(z);
    };
    return new DaisFamily(dim, this.settings, U, extraInit);
  }

  protected override paramSpecs(family: LatentFamily): ParamSpec[] {
    const f = family as DaisFamily;
    const own: ParamSpec[] = this.surrogateParams.map((p) => ({
      name: p.name,
      shape: [...p.shape],
      offset: f.extraOffset + p.offset,
      size: p.size,
      constraint: p.constraint,
    }));
    return [...own, ...f.specs(this.prefix, `${this.prefix}_scale_tril`)];
  }
}
