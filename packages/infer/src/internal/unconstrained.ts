import {
  addScanHandler,
  CONTROL_FLOW,
  factor,
  isScannedSite,
  type Message,
  Messenger,
  type ScanStepContext,
  stepValue,
} from "@phlox/handlers";
import {
  add,
  baseSupport,
  bijectTo,
  type Constraint,
  mul,
  PhloxError,
  realConstraint,
  sumAll,
  sumRightmost,
  type Tensor,
  type Transform,
} from "./ops.js";

/** True when `biject_to(support)` is the identity (support `real`, possibly `independent`). */
export function isRealSupport(site: Message): boolean {
  return site.fn !== null && baseSupport(site.fn.support) === realConstraint;
}

/** The bijection from ℝⁿ onto a sample site's support, with the site named in errors. */
export function siteTransform(site: Message): Transform {
  const fn = site.fn;
  if (fn === null)
    throw new PhloxError("site-without-distribution", `site "${site.name}" has no distribution.`);
  try {
    return bijectTo(fn.support);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new PhloxError(
      "no-bijection",
      `site "${site.name}": no bijection onto its support ${String(fn.support)} (${why}). ` +
        `Sites sampled by HMC/NUTS need a continuous support that bijectTo knows; register one with bijectTo.register.`,
    );
  }
}

/** The bijection onto a `param` site's constraint, or `null` when it has none (or it is `real`). */
export function paramTransform(site: Message): Transform | null {
  const c = site.constraint as Constraint | undefined;
  if (c === undefined || c === null || baseSupport(c) === realConstraint) return null;
  return bijectTo(c);
}

/** A latent site is an unobserved sample site with a value to infer. */
export function isLatent(site: Message): boolean {
  return site.type === "sample" && !site.isObserved && site.fn !== null;
}

/**
 * Substitutes unconstrained values into latent sites, mapping them through `bijectTo(support)` (NumPyro's
 * `_unconstrain_reparam`), and accumulates the log |det J| of each map, times the site's scale. It must sit
 * below the model's own handlers (it is pushed before the model runs), so plates and scales are applied.
 */
export class UnconstrainedSubstitute extends Messenger {
  /** Σ scale · log|det J| over the substituted sites; `null` until one is seen (or when not computing). */
  logDet: Tensor | null = null;

  constructor(
    readonly values: ReadonlyMap<string, Tensor>,
    readonly computeLogDet: boolean,
    readonly includeParams = false,
  ) {
    super();
  }

  /** Inside a model-level scan: the per-step slices; log |det J| goes into a factor site per step. */
  private step: ScanStepContext | null = null;
  private static nextTag = 0;
  private tag = "";

  override processMessage(msg: Message): void {
    if (msg.type === CONTROL_FLOW) {
      const tag = `unconstrained${UnconstrainedSubstitute.nextTag++}`;
      addScanHandler(msg, (ctx) => {
        const m = new UnconstrainedSubstitute(this.values, this.computeLogDet, this.includeParams);
        m.step = ctx;
        m.tag = tag;
        return m;
      });
      return;
    }
    if (isScannedSite(msg)) return; // substituted inside the scan body
    if (msg.type === "param" && this.includeParams) {
      const u = this.values.get(msg.name);
      if (u !== undefined) msg.value = paramTransform(msg)?.forward(u) ?? u;
      return;
    }
    if (msg.type !== "sample" || msg.isObserved || msg.fn === null) return;
    let u = this.values.get(msg.name);
    if (u === undefined) return;
    if (this.step !== null) {
      const fn = msg.fn;
      const ndim = msg.sampleShape.length + fn.batchShape.length + fn.eventShape.length;
      const t0 = isRealSupport(msg) ? null : siteTransform(msg);
      const shift = t0 === null ? 0 : t0.codomain.eventDim - t0.domain.eventDim;
      u = stepValue(this.step, `${this.tag}:${msg.name}`, u, ndim - shift);
    }
    if (isRealSupport(msg)) {
      msg.value = u;
      return;
    }
    const t = siteTransform(msg);
    const x = t.forward(u);
    msg.value = x;
    if (!this.computeLogDet) return;
    let ld = t.logAbsDetJacobian(u, x);
    ld = sumRightmost(ld, ld.shape.length - x.shape.length + msg.fn.eventShape.length);
    if (msg.scale !== null && msg.scale !== 1) ld = mul(ld, msg.scale);
    const s = sumAll(ld);
    if (this.step !== null) {
      // no state may leave a scan body: the step's log |det J| is a factor site, stacked along time
      factor(`_${msg.name}_log_det`, s);
      return;
    }
    this.logDet = this.logDet === null ? s : add(this.logDet, s);
  }
}
