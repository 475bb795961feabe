import { type Constraint, independent, real } from "./constraints/constraint.js";
import {
  asTensor,
  broadcastTo,
  ConstraintError,
  type Key,
  PhloxError,
  ShapeError,
  sqrt,
  stopGradient,
  sumRightmost,
  type Tensor,
  type TensorLike,
  values,
  where,
} from "./internal/ops.js";
import { broadcastShapes, fmtShape } from "./internal/shape.js";

/** Options every distribution constructor accepts. */
export interface DistributionOptions {
  /** Check every parameter (at construction) and every value (in `logProb`) against its constraint. */
  validateArgs?: boolean;
}

let globalValidation = false;

/**
 * Turns argument validation on or off for every distribution built afterwards that does not say otherwise
 * (NumPyro `enable_validation`).
 * @param on - true to validate by default.
 * @example
 * enableValidation(true);
 * new Normal(0, 1).validateArgs; // → true
 * enableValidation(false);
 */
export function enableValidation(on = true): void {
  globalValidation = on;
}

/** Static members every distribution class declares. */
export interface DistributionClass {
  readonly argConstraints: Readonly<Record<string, Constraint>>;
  readonly support?: Constraint;
  readonly hasRsample?: boolean;
  readonly hasEnumerateSupport?: boolean;
  readonly reparametrizedParams?: readonly string[];
}

/**
 * Base class of every distribution, with NumPyro's semantics: a distribution has a `batchShape` (independent,
 * not identically distributed copies) and an `eventShape` (the shape of one draw); `logProb(x)` returns one
 * number per batch element, of shape `[...sample, ...batchShape]`.
 *
 * Subclasses declare `static argConstraints`, `static support` and `static hasRsample`, call
 * `super(batchShape, eventShape, options, params)` from their constructor (which validates `params` when
 * validation is on), and implement `logProb` plus `rsample` or `sample`.
 *
 * @example
 * class Flat extends Distribution {
 *   static readonly argConstraints = {};
 *   constructor() { super([], []); }
 *   logProb(x: TensorLike): Tensor { return mul(x, 0); }
 * }
 * new Flat().logProb(3).item(); // → 0
 */
export abstract class Distribution {
  /** Shape of the independent batch of distributions. */
  readonly batchShape: readonly number[];
  /** Shape of one draw. */
  readonly eventShape: readonly number[];
  /** Whether parameters and values are validated. */
  readonly validateArgs: boolean;

  static readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  static readonly support: Constraint = real;
  static readonly hasRsample: boolean = false;
  static readonly hasEnumerateSupport: boolean = false;

  /**
   * @param batchShape - shape of the batch of independent distributions.
   * @param eventShape - shape of one draw.
   * @param options - `{ validateArgs }`.
   * @param params - the constructor's parameters by name, checked against `argConstraints` when validating.
   * @throws ConstraintError when validation is on and a parameter is outside its constraint.
   */
  constructor(
    batchShape: readonly number[],
    eventShape: readonly number[],
    options?: DistributionOptions,
    params?: Readonly<Record<string, TensorLike | undefined>>,
  ) {
    this.batchShape = Object.freeze([...batchShape]);
    this.eventShape = Object.freeze([...eventShape]);
    this.validateArgs = options?.validateArgs ?? globalValidation;
    if (this.validateArgs && params) this.checkParams(params);
  }

  private get cls(): DistributionClass {
    return this.constructor as unknown as DistributionClass;
  }

  /** Name used in messages (the class name). */
  get name(): string {
    return this.constructor.name;
  }
  /** Constraint per parameter name. */
  get argConstraints(): Readonly<Record<string, Constraint>> {
    return this.cls.argConstraints;
  }
  /** The set of values with positive density. */
  get support(): Constraint {
    return this.cls.support ?? real;
  }
  /** True when `rsample` exists (draws are differentiable in the parameters). */
  get hasRsample(): boolean {
    return this.cls.hasRsample ?? false;
  }
  /** True when `enumerateSupport` exists. */
  get hasEnumerateSupport(): boolean {
    return this.cls.hasEnumerateSupport ?? false;
  }
  /** True for integer-valued distributions. */
  get isDiscrete(): boolean {
    return this.support.isDiscrete;
  }
  /** Number of event axes. */
  get eventDim(): number {
    return this.eventShape.length;
  }

  /** `[...sampleShape, ...batchShape, ...eventShape]`. */
  shape(sampleShape: readonly number[] = []): number[] {
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  /**
   * Draws with reparameterisation (gradients flow to the parameters).
   * @param _key - PRNG key.
   * @param _sampleShape - dimensions prepended to `batchShape`.
   * @returns tensor of shape `[...sampleShape, ...batchShape, ...eventShape]`.
   * @throws PhloxError when the distribution has no reparameterised sampler.
   */
  rsample(_key: Key, _sampleShape: readonly number[] = []): Tensor {
    throw new PhloxError(
      "distribution-no-rsample",
      `${this.name}.rsample: this distribution has no reparameterised sampler (hasRsample is false). ` +
        `Use sample(key, shape), which does not carry gradients.`,
    );
  }

  /**
   * Draws samples (no gradient through the draw).
   * @param key - PRNG key.
   * @param sampleShape - dimensions prepended to `batchShape`.
   * @returns tensor of shape `[...sampleShape, ...batchShape, ...eventShape]`.
   */
  sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return stopGradient(this.rsample(key, sampleShape));
  }

  /**
   * Log density (or mass) of `value`.
   * @param value - shape `[...sample, ...batchShape, ...eventShape]` (broadcastable).
   * @returns shape `[...sample, ...batchShape]`.
   */
  abstract logProb(value: TensorLike): Tensor;

  /** Mean, shape `[...batchShape, ...eventShape]`. */
  get mean(): Tensor {
    throw this.notImplemented("mean");
  }
  /** Variance, shape `[...batchShape, ...eventShape]`. */
  get variance(): Tensor {
    throw this.notImplemented("variance");
  }
  /** Standard deviation, √variance. */
  get stddev(): Tensor {
    return sqrt(this.variance);
  }
  /** Differential entropy, shape `batchShape`. */
  entropy(): Tensor {
    throw this.notImplemented("entropy");
  }
  /** Cumulative distribution function P(X ≤ value). */
  cdf(_value: TensorLike): Tensor {
    throw this.notImplemented("cdf");
  }
  /** Inverse CDF (quantile function) at probabilities `q`. */
  icdf(_q: TensorLike): Tensor {
    throw this.notImplemented("icdf");
  }
  /**
   * All values of a finite discrete support, stacked along a new leading axis.
   * @param _expand - broadcast to `[n, ...batchShape]` (true) or keep `[n, 1, …, 1]`.
   */
  enumerateSupport(_expand = true): Tensor {
    throw this.notImplemented("enumerateSupport");
  }

  protected notImplemented(what: string): PhloxError {
    return new PhloxError(
      "distribution-not-implemented",
      `${this.name}.${what} is not available for this distribution (no closed form in Phlox).`,
    );
  }

  /**
   * Checks `value` against the support when validation is on (reads values; eager only).
   * @throws ConstraintError naming the distribution, the shape and the first offending value.
   */
  protected validateSample(value: TensorLike): void {
    if (!this.validateArgs) return;
    const v = asTensor(value);
    // Under jit the value is a tracer: the check ran on the concrete trace at initialisation (values are
    // read only when they exist), so validation never stops a model from compiling.
    const okT = isConcrete(v) ? this.support.check(v) : null;
    // Under jit even constants' checks are staged (omnistaging): read only concrete results.
    if (okT === null || !isConcrete(okT)) return;
    const ok = values(okT);
    const bad = ok.findIndex((b) => !b);
    if (bad >= 0) {
      const vs = values(v);
      const per = Math.max(1, vs.length / Math.max(1, ok.length));
      const offending = vs.slice(bad * per, bad * per + per);
      throw new ConstraintError(
        "distribution-value-outside-support",
        `${this.name}.logProb: value of shape ${fmtShape(v.shape)} is outside the support ` +
          `${this.support.name} at flat index ${bad} (value ${fmtValues(offending)}). ` +
          `Pass values inside the support, or build the distribution without validateArgs.`,
      );
    }
  }

  /**
   * Checks `params` against `argConstraints` when validation is on; subclasses whose constructor forwards
   * derived parameters to `super` call it with their own parameters.
   * @throws ConstraintError naming the distribution, parameter, shape and offending element.
   */
  protected validateParams(params: Readonly<Record<string, TensorLike | undefined>>): void {
    if (this.validateArgs) this.checkParams(params);
  }

  private checkParams(params: Readonly<Record<string, TensorLike | undefined>>): void {
    for (const [name, c] of Object.entries(this.argConstraints)) {
      const p = params[name];
      if (p === undefined) continue;
      const t = asTensor(p);
      const okT = isConcrete(t) ? c.check(t) : null;
      if (okT === null || !isConcrete(okT)) continue;
      const ok = values(okT);
      const bad = ok.findIndex((b) => !b);
      if (bad >= 0) {
        const vs = values(t);
        const per = Math.max(1, vs.length / Math.max(1, ok.length));
        throw new ConstraintError(
          "distribution-invalid-parameter",
          `${this.name}: parameter ${name} of shape ${fmtShape(t.shape)} must satisfy ${c.name}, ` +
            `but element ${bad} is ${fmtValues(vs.slice(bad * per, bad * per + per))}. ` +
            `Pass a valid ${name}.`,
        );
      }
    }
  }

  /** `[...sampleShape, ...batchShape, ...eventShape]`, the shape a draw needs. */
  protected extendedShape(sampleShape: readonly number[] = []): number[] {
    return this.shape(sampleShape);
  }

  /**
   * The same distribution broadcast to a larger batch shape.
   * @param batchShape - the new batch shape (the old one must broadcast to it).
   */
  expand(batchShape: readonly number[]): Distribution {
    return new ExpandedDistribution(this, batchShape);
  }
  /** Prepends `sampleShape` to the batch shape. */
  expandBy(sampleShape: readonly number[]): Distribution {
    return this.expand([...sampleShape, ...this.batchShape]);
  }
  /**
   * Reinterprets the rightmost `n` batch axes as event axes (an `Independent` distribution).
   * @param n - number of batch axes to move (defaults to all).
   */
  toEvent(n?: number): Distribution {
    return new Independent(this, n ?? this.batchShape.length);
  }
  /**
   * Masks `logProb`: where `mask` is false the log density is 0.
   * @param mask - boolean (or tensor broadcastable to `batchShape`).
   */
  mask(mask: TensorLike | boolean): Distribution {
    return new MaskedDistribution(this, mask);
  }
}

/** True when `t` holds values (not a jit/makeProgram tracer; autodiff tracers carry their primal's values). */
function isConcrete(t: Tensor): boolean {
  let x = t;
  while (x._primal !== null) x = x._primal;
  return x._trace === null;
}

const fmtValues = (vs: readonly number[]): string => (vs.length === 1 ? String(vs[0]) : `[${vs.join(", ")}]`);

/**
 * A distribution broadcast to a larger batch shape; draws are independent across the new batch entries
 * (NumPyro `ExpandedDistribution`).
 * @example
 * new Normal(0, 1).expand([3]).batchShape; // → [3]
 */
export class ExpandedDistribution extends Distribution {
  readonly baseDist: Distribution;
  constructor(base: Distribution, batchShape: readonly number[]) {
    const bb = base.batchShape;
    if (batchShape.length < bb.length) {
      throw new PhloxError(
        "distribution-expand",
        `${base.name}.expand(${fmtShape(batchShape)}): the new batch shape has fewer dimensions than the ` +
          `current one ${fmtShape(bb)}. Pass a shape with at least ${bb.length} dimensions.`,
      );
    }
    const off = batchShape.length - bb.length;
    bb.forEach((d, i) => {
      if (d !== 1 && d !== batchShape[off + i]) {
        throw new PhloxError(
          "distribution-expand",
          `${base.name}.expand(${fmtShape(batchShape)}): batch shape ${fmtShape(bb)} cannot be expanded ` +
            `(dimension ${i} is ${d}). Only dimensions of size 1 and new leading dimensions expand.`,
        );
      }
    });
    super(batchShape, base.eventShape, { validateArgs: base.validateArgs });
    this.baseDist = base instanceof ExpandedDistribution ? base.baseDist : base;
  }
  override get name(): string {
    return `ExpandedDistribution(${this.baseDist.name})`;
  }
  override get support(): Constraint {
    return this.baseDist.support;
  }
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  override get hasEnumerateSupport(): boolean {
    return this.baseDist.hasEnumerateSupport;
  }
  private draw(key: Key, sampleShape: readonly number[], r: boolean): Tensor {
    const bb = this.baseDist.batchShape;
    const lead = this.batchShape.slice(0, this.batchShape.length - bb.length);
    const off = lead.length;
    const inter: number[] = [];
    const interPos: number[] = [];
    bb.forEach((d, i) => {
      if (d === 1 && this.batchShape[off + i] !== 1) {
        inter.push(this.batchShape[off + i]!);
        interPos.push(i);
      }
    });
    const s = [...sampleShape, ...lead, ...inter];
    let x = r ? this.baseDist.rsample(key, s) : this.baseDist.sample(key, s);
    if (inter.length > 0) {
      const nS = sampleShape.length + lead.length;
      const perm: number[] = [];
      for (let i = 0; i < nS; i++) perm.push(i);
      bb.forEach((_, i) => {
        const k = interPos.indexOf(i);
        if (k >= 0) perm.push(nS + k);
        perm.push(nS + inter.length + i);
      });
      for (let i = 0; i < this.eventShape.length; i++) perm.push(nS + inter.length + bb.length + i);
      x = x.transpose(perm).reshape(this.shape(sampleShape));
    }
    return x;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.draw(key, sampleShape, true);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.draw(key, sampleShape, false);
  }
  logProb(value: TensorLike): Tensor {
    const lp = this.baseDist.logProb(value);
    return broadcastTo(lp, broadcastShapes(`${this.name}.logProb`, lp.shape, this.batchShape));
  }
  private full(t: Tensor): Tensor {
    return broadcastTo(t, [...this.batchShape, ...this.eventShape]);
  }
  override get mean(): Tensor {
    return this.full(this.baseDist.mean);
  }
  override get variance(): Tensor {
    return this.full(this.baseDist.variance);
  }
  override entropy(): Tensor {
    return broadcastTo(this.baseDist.entropy(), this.batchShape);
  }
  override cdf(value: TensorLike): Tensor {
    const c = this.baseDist.cdf(value);
    return broadcastTo(c, broadcastShapes(`${this.name}.cdf`, c.shape, this.batchShape));
  }
  override icdf(q: TensorLike): Tensor {
    const c = this.baseDist.icdf(q);
    return broadcastTo(c, broadcastShapes(`${this.name}.icdf`, c.shape, this.batchShape));
  }
  override enumerateSupport(expand = true): Tensor {
    const v = this.baseDist.enumerateSupport(false);
    const n = v.shape[0]!;
    const ones = this.batchShape.map(() => 1);
    const r = v.reshape([n, ...ones, ...this.eventShape]);
    return expand ? broadcastTo(r, [n, ...this.batchShape, ...this.eventShape]) : r;
  }
}

/**
 * Reinterprets the rightmost `reinterpretedBatchNdims` batch axes of `base` as event axes: `logProb` sums
 * over them (NumPyro `Independent`, `to_event`).
 * @example
 * new Normal([0, 0], 1).toEvent(1).eventShape; // → [2]
 */
export class Independent extends Distribution {
  readonly baseDist: Distribution;
  readonly reinterpretedBatchNdims: number;
  constructor(base: Distribution, reinterpretedBatchNdims: number, options?: DistributionOptions) {
    const nb = base.batchShape.length;
    if (reinterpretedBatchNdims < 0 || reinterpretedBatchNdims > nb) {
      throw new ShapeError(
        "distribution-to-event",
        `Independent(${base.name}, ${reinterpretedBatchNdims}): needs 0 ≤ n ≤ ${nb}, the number of batch ` +
          `dimensions of batch shape ${fmtShape(base.batchShape)}. Expand the distribution first.`,
      );
    }
    const cut = nb - reinterpretedBatchNdims;
    super(
      base.batchShape.slice(0, cut),
      [...base.batchShape.slice(cut), ...base.eventShape],
      options ?? { validateArgs: base.validateArgs },
    );
    this.baseDist = base;
    this.reinterpretedBatchNdims = reinterpretedBatchNdims;
  }
  override get name(): string {
    return `Independent(${this.baseDist.name})`;
  }
  override get support(): Constraint {
    return independent(this.baseDist.support, this.reinterpretedBatchNdims);
  }
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  override get hasEnumerateSupport(): boolean {
    return false;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.baseDist.rsample(key, sampleShape);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.baseDist.sample(key, sampleShape);
  }
  logProb(value: TensorLike): Tensor {
    return sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims);
  }
  override get mean(): Tensor {
    return this.baseDist.mean;
  }
  override get variance(): Tensor {
    return this.baseDist.variance;
  }
  override entropy(): Tensor {
    return sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims);
  }
  override toEvent(n?: number): Distribution {
    const k = n ?? this.batchShape.length;
    return new Independent(this.baseDist, this.reinterpretedBatchNdims + k);
  }
}

/**
 * Masks a distribution's log density: 0 where `mask` is false (NumPyro `MaskedDistribution`).
 * Sampling is unchanged.
 * @example
 * new Normal(0, 1).mask(false).logProb(3).item(); // → 0
 */
export class MaskedDistribution extends Distribution {
  readonly baseDist: Distribution;
  readonly maskValue: Tensor | boolean;
  constructor(base: Distribution, mask: TensorLike | boolean) {
    const m = typeof mask === "boolean" ? mask : asTensor(mask);
    const batch =
      typeof m === "boolean"
        ? base.batchShape
        : broadcastShapes(`${base.name}.mask`, base.batchShape, m.shape);
    super(batch, base.eventShape, { validateArgs: base.validateArgs });
    // As NumPyro: a mask wider than the batch expands the base first, so draws are independent per entry.
    const wider = batch.length !== base.batchShape.length || batch.some((d, i) => d !== base.batchShape[i]);
    this.baseDist = wider ? base.expand(batch) : base;
    this.maskValue = m;
  }
  override get name(): string {
    return `MaskedDistribution(${this.baseDist.name})`;
  }
  override get support(): Constraint {
    return this.baseDist.support;
  }
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  override get hasEnumerateSupport(): boolean {
    return this.baseDist.hasEnumerateSupport;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return broadcastTo(this.baseDist.rsample(key, sampleShape), this.shape(sampleShape));
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return broadcastTo(this.baseDist.sample(key, sampleShape), this.shape(sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    const lp = this.baseDist.logProb(value);
    const m = this.maskValue;
    if (m === true) return lp;
    const shape = broadcastShapes(`${this.name}.logProb`, lp.shape, this.batchShape);
    if (m === false) return where(broadcastTo(false, shape), broadcastTo(lp, shape), 0);
    return where(broadcastTo(m, shape), broadcastTo(lp, shape), 0);
  }
  override get mean(): Tensor {
    return broadcastTo(this.baseDist.mean, [...this.batchShape, ...this.eventShape]);
  }
  override get variance(): Tensor {
    return broadcastTo(this.baseDist.variance, [...this.batchShape, ...this.eventShape]);
  }
  override enumerateSupport(expand = true): Tensor {
    return this.baseDist.enumerateSupport(expand);
  }
}
