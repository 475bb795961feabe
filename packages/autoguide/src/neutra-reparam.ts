import { bijectTo, type Distribution, Normal } from "@phlox/distributions";
import { factor, type Reparam, type ReparamResult, reparam, sample } from "@phlox/handlers";
import { PhloxError, reshape, slice, sum, type Tensor, tensor, zeros } from "@phlox/tensor";
import { type Params, type ParamsLike, paramValues } from "@phlox/vi";
import { AutoContinuous } from "./auto-continuous.js";
import type { LatentSite, LatentTransform } from "./auto-guide-types.js";

type AnyModel = (...args: never[]) => unknown;

/**
 * Neural transport reparameterisation (NumPyro's `NeuTraReparam`; Hoffman et al. 2019, "NeuTra-lizing bad
 * geometry in Hamiltonian Monte Carlo using neural transport"): a trained autoguide's map T from N(0, I)
 * to the model's unconstrained latent space warps the model, so that MCMC samples a shared latent
 * `<prefix>_shared_latent` in which the posterior is close to a standard Normal. Every latent site the
 * guide covers becomes the deterministic T(ε) piece, constrained by `bijectTo(support)`, and its density
 * (with the Jacobians of T and of the constraint) enters through a factor `_<name>_log_prob`.
 *
 * Differences from NumPyro: the shared latent and log|det ∂T/∂ε| (factor `_<prefix>_shared_latent_log_det`)
 * are added once before the model runs, outside every plate (NumPyro adds the Jacobian to the first site's
 * factor, which counts it once per element when that site sits in a plate). Guides with a transform:
 * AutoDiagonalNormal, AutoMultivariateNormal, AutoLowRankMultivariateNormal, AutoIAFNormal, AutoBNAFNormal
 * (and AutoNormal).
 * @example
 * const guide = new AutoBNAFNormal(funnel);
 * const { params } = new SVI(funnel, guide, new Adam(0.003), new TraceELBO()).run(key(0), 5000);
 * const neutra = new NeuTraReparam(guide, params);
 * const mcmc = new MCMC(new NUTS(neutra.reparam(funnel)), { numWarmup: 500, numSamples: 1000 });
 * mcmc.run(key(1));
 * const draws = neutra.transformSample(mcmc.getSamples().auto_shared_latent); // { x, y }
 */
export class NeuTraReparam {
  /** The trained guide. */
  readonly guide: AutoContinuous;
  /** Its parameters (as `{ data, shape }` copies of what the constructor was given). */
  readonly params: Readonly<Params>;
  /** T, the guide's transform at `params`. */
  readonly transform: LatentTransform;
  private readonly sites: readonly LatentSite[];
  private pending: Map<string, Tensor> | null = null;

  /**
   * @param guide - a trained autoguide, set up (by SVI) for the model.
   * @param params - its fitted parameters.
   * @throws PhloxError (`neutra-bad-guide`) when `guide` is not an AutoContinuous guide, or
   *   (`autoguide-no-transform`) when it has no transform.
   */
  constructor(guide: AutoContinuous, params: ParamsLike) {
    if (!(guide instanceof AutoContinuous)) {
      throw new PhloxError(
        "neutra-bad-guide",
        `NeuTraReparam expected an AutoContinuous guide, but got ${(guide as object)?.constructor?.name ?? typeof guide}.`,
      );
    }
    this.guide = guide;
    this.params = paramValues(params);
    this.transform = guide.getTransform(this.params);
    this.sites = guide.latentSites;
  }

  /** The latent T(ε) split by site (unconstrained). */
  private unpack(x: Tensor): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const l of this.sites) out.set(l.name, reshape(slice(x, [l.offset], [l.offset + l.size]), l.shape));
    return out;
  }

  /** The per-site reparameteriser: takes the site's piece of the shared latent. */
  private readonly siteReparam: Reparam = {
    apply: (name: string, fn: Distribution, obs: Tensor | null): ReparamResult => {
      if (obs !== null) {
        throw new PhloxError(
          "reparam-observed",
          `NeuTraReparam at site "${name}": observed sites cannot be reparameterised.`,
        );
      }
      const u = this.pending?.get(name);
      if (u === undefined) {
        throw new PhloxError(
          "neutra-site",
          `NeuTraReparam: site "${name}" was sampled twice, or outside the model the guide was trained on.`,
        );
      }
      this.pending?.delete(name);
      const t = bijectTo(fn.support);
      const value = t.forward(u);
      // log p(value) + log|det J| of the constraint, summed over the event dimensions
      const lj = t.logAbsDetJacobian(u, value);
      const extra = lj.shape.length - (value.shape.length - fn.eventShape.length);
      const ljSummed =
        extra > 0
          ? sum(
              lj,
              Array.from({ length: extra }, (_, i) => lj.shape.length - 1 - i),
            )
          : lj;
      factor(`_${name}_log_prob`, fn.logProb(value).add(ljSummed));
      return { fn: null, value };
    },
  };

  /**
   * The model warped by the guide's transform (NumPyro's `neutra.reparam(model)`): it samples
   * `<prefix>_shared_latent` (a masked N(0, I), so only the factors carry density) and then runs the model
   * with every latent site the guide covers replaced.
   * @param model - the model the guide was trained on.
   * @returns the reparameterised model, with the same arguments.
   */
  reparam<F extends AnyModel>(model: F): (...args: Parameters<F>) => ReturnType<F> {
    const names = new Set(this.sites.map((l) => l.name));
    const inner = reparam(model as unknown as (...a: unknown[]) => unknown, (msg) =>
      names.has(msg.name) && !msg.isObserved ? this.siteReparam : null,
    );
    const D = this.transform.dim;
    const prefix = this.guide.prefix;
    return ((...args: unknown[]) => {
      const eps = sample(`${prefix}_shared_latent`, new Normal(zeros([D]), 1).toEvent(1).mask(false));
      const [x, logDet] = this.transform.apply(eps);
      factor(`_${prefix}_shared_latent_log_det`, logDet);
      this.pending = this.unpack(x);
      try {
        return inner(...args);
      } finally {
        this.pending = null;
      }
    }) as (...args: Parameters<F>) => ReturnType<F>;
  }

  /**
   * Latent-site draws from draws of the shared latent (NumPyro's `transform_sample`): T applied to each row,
   * then the guide's constraining postprocess (deterministic sites included).
   * @param latent - shape `[..., D]` (e.g. `mcmc.getSamples().auto_shared_latent`).
   * @returns by site name, tensors of shape `[..., ...siteShape]`.
   * @throws PhloxError (`neutra-latent-shape`) when the last dimension is not D.
   */
  transformSample(latent: Tensor): Record<string, Tensor> {
    const D = this.transform.dim;
    const shape = latent.shape;
    if (shape.length === 0 || shape[shape.length - 1] !== D) {
      throw new PhloxError(
        "neutra-latent-shape",
        `NeuTraReparam.transformSample: expected draws of shape [..., ${D}], got [${shape.join(", ")}].`,
      );
    }
    const batch = shape.slice(0, -1);
    const n = batch.reduce((a, b) => a * b, 1);
    const data = Float64Array.from(latent.dataSync() as ArrayLike<number>);
    const xs = new Float64Array(n * D);
    for (let i = 0; i < n; i++) {
      const [x] = this.transform.apply(tensor(data.subarray(i * D, (i + 1) * D)));
      xs.set(x.dataSync() as ArrayLike<number>, i * D);
    }
    return this.guide.constrainLatent(xs, batch);
  }
}
