import { param, type Reparam, type ReparamResult, sample } from "@phlox/handlers";
import {
  add,
  asTensor,
  baseSupport,
  type Distribution,
  full,
  mul,
  PhloxError,
  pow,
  realConstraint,
  sub,
  type Tensor,
  type TensorLike,
  unitIntervalConstraint,
} from "../internal/ops.js";
import { unwrap, wrap } from "./unwrap.js";

/** A location–scale distribution class: constructor `(...shapeParams, loc, scale)`, fields `loc` and `scale`. */
type LocScaleCtor = new (...params: Tensor[]) => Distribution;

/**
 * Centring ↔ non-centring of a location–scale site (NumPyro's `LocScaleReparam`; Gorinova, Moore, Hoffman
 * 2019, "Automatic reparameterisation of probabilistic programs"). With centring `c ∈ [0, 1]`, the site
 * `x ~ D(loc, scale)` becomes `x_decentered ~ D(c·loc, scale^c)` and the deterministic
 * `x = loc + scale^(1−c) · (x_decentered − c·loc)`. `c = 0` is fully non-centred, `c = 1` leaves the site
 * alone; without `centered`, `c` is a learnable `param("<name>_centered")` in [0, 1].
 *
 * Works for distributions built as `new D(...shapeParams, loc, scale)` with `loc` and `scale` fields (Normal,
 * Cauchy, Laplace, Logistic, Gumbel; StudentT with `shapeParams: ["df"]`).
 * @example
 * const m = () => plate("n", 3, () => sample("theta", new Normal(1, 2)));
 * const nonCentred = reparam(m, { theta: new LocScaleReparam(0) });
 * initializeModel(0, nonCentred, []).layout[0].name; // → "theta_decentered"
 */
export class LocScaleReparam implements Reparam {
  readonly centered: Tensor | number | null;
  readonly shapeParams: readonly string[];

  /**
   * @param centered - centring in [0, 1] (0: non-centred); `null`/omitted learns it as a param.
   * @param shapeParams - names of other parameters passed before `loc` and `scale` (e.g. `["df"]`).
   * @throws PhloxError when a numeric `centered` is outside [0, 1].
   */
  constructor(centered: TensorLike | null = null, shapeParams: readonly string[] = []) {
    if (typeof centered === "number" && !(centered >= 0 && centered <= 1)) {
      throw new PhloxError(
        "bad-centered",
        `LocScaleReparam(${centered}): centered must satisfy 0 ≤ centered ≤ 1.`,
      );
    }
    this.centered = centered === null ? null : typeof centered === "number" ? centered : asTensor(centered);
    this.shapeParams = shapeParams;
  }

  apply(name: string, fn: Distribution, obs: Tensor | null): ReparamResult {
    if (obs !== null) {
      throw new PhloxError(
        "reparam-observed",
        `LocScaleReparam at site "${name}": observed sites cannot be reparameterised.`,
      );
    }
    if (baseSupport(fn.support) !== realConstraint) {
      throw new PhloxError(
        "reparam-support",
        `LocScaleReparam only supports distributions with real support, but site "${name}" has support ${String(fn.support)}.`,
      );
    }
    if (this.centered === 1) return { fn, value: obs };
    const eventShape = fn.eventShape;
    const { base, expandShape, eventDim } = unwrap(fn);
    const rec = base as unknown as Record<string, Tensor | undefined>;
    const loc = rec.loc;
    const scale = rec.scale;
    if (loc === undefined || scale === undefined) {
      throw new PhloxError(
        "reparam-not-loc-scale",
        `LocScaleReparam at site "${name}": ${base.constructor.name} has no loc/scale fields.`,
      );
    }
    const c: Tensor | number =
      this.centered ??
      param(`${name}_centered`, full(eventShape, 0.5), { constraint: unitIntervalConstraint });
    const shape = this.shapeParams.map((p) => {
      const v = rec[p];
      if (v === undefined)
        throw new PhloxError(
          "reparam-shape-param",
          `LocScaleReparam: ${base.constructor.name} has no field "${p}".`,
        );
      return v;
    });
    const Ctor = base.constructor as LocScaleCtor;
    const decLoc = c === 0 ? mul(loc, 0) : mul(loc, c);
    const decScale = c === 0 ? add(mul(scale, 0), 1) : pow(scale, c);
    const decentered = wrap(new Ctor(...shape, decLoc, decScale), expandShape, eventDim);
    const xd = sample(`${name}_decentered`, decentered);
    const delta = c === 0 ? xd : sub(xd, mul(c, loc));
    const value = add(loc, mul(c === 0 ? scale : pow(scale, sub(1, c)), delta));
    return { fn: null, value };
  }
}
