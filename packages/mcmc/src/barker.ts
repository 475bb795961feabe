import type { ChainRandom } from "@phlox/tensor";
import { PhloxError, ChainRandom as Rng } from "@phlox/tensor";
import type { Model } from "./hmc-kernel.js";
import {
  checkMHOptions,
  type MHAdaptOptions,
  type MHAdaptState,
  type MHAdaptStateJSON,
  mhAdaptFromJSON,
  mhAdaptInit,
  mhAdaptToJSON,
  mhAdaptUpdate,
  scaleMul,
  scaleTMul,
} from "./internal/mh-adapt.js";
import type { KernelInitArgs } from "./kernel.js";
import {
  type ModelSource,
  PotentialKernel,
  type PotentialSource,
  pickDefined,
  rngFrom,
  type WorkerKernelKind,
} from "./potential-kernel.js";

/** Step-size and mass-matrix options of {@link BarkerMH} and {@link RandomWalkMH} (NumPyro's names). */
export interface MHOptions {
  /** (Initial) step size. Default 1. */
  stepSize?: number;
  /** Adapt the step size by dual averaging during warmup. Default true. */
  adaptStepSize?: boolean;
  /** Adapt the (inverse) mass matrix in Stan's windows during warmup. Default true. */
  adaptMassMatrix?: boolean;
  /** Dense instead of diagonal mass matrix. Default false. */
  denseMass?: boolean;
  /** Acceptance probability the step-size adaptation aims at. Default 0.4 (BarkerMH), 0.234 (RandomWalkMH). */
  targetAcceptProb?: number;
  /** Initial inverse mass matrix ([d] diagonal or [d·d] dense). Default identity. */
  inverseMassMatrix?: ArrayLike<number>;
  /** Shrink adapted (co)variances towards 1e-3·I like Stan. Default true. */
  regularizeMassMatrix?: boolean;
}

/**
 * State of a {@link BarkerMH} or {@link RandomWalkMH} chain. `i` counts transitions (warmup included);
 * `stepSize` and `inverseMassMatrix` mirror the adaptation state for `extraFields`.
 */
export interface MHState {
  i: number;
  z: Float64Array;
  potentialEnergy: number;
  /** ∇U at `z` (BarkerMH; zeros for RandomWalkMH). */
  zGrad: Float64Array;
  acceptProb: number;
  meanAcceptProb: number;
  stepSize: number;
  numWarmup: number;
  adapt: MHAdaptState;
  rng: ChainRandom;
}

/** JSON form of {@link MHState}. */
export interface MHStateJSON {
  i: number;
  z: number[];
  potentialEnergy: number;
  zGrad: number[];
  acceptProb: number;
  meanAcceptProb: number;
  numWarmup: number;
  adapt: MHAdaptStateJSON;
  rng: ReturnType<ChainRandom["getState"]>;
}

const MH_KEYS = [
  "stepSize",
  "adaptStepSize",
  "adaptMassMatrix",
  "denseMass",
  "targetAcceptProb",
  "inverseMassMatrix",
  "regularizeMassMatrix",
] as const;

/** Numerically safe log(1 + eˣ). */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * The Metropolis–Hastings kernels with an adapted step size and mass matrix: {@link BarkerMH} and
 * {@link RandomWalkMH} differ only in the proposal.
 */
abstract class AdaptiveMH<
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> extends PotentialKernel<MHState, Args, Sites> {
  readonly sampleField = "z";
  readonly defaultFields: readonly string[] = ["acceptProb", "meanAcceptProb", "stepSize"];
  protected readonly opts: MHAdaptOptions;
  private readonly initialInverseMass?: ArrayLike<number>;
  protected scratch = { a: new Float64Array(0), b: new Float64Array(0), c: new Float64Array(0) };

  protected constructor(
    a: (PotentialSource & MHOptions) | Model<Args, Sites>,
    b: ModelSource & MHOptions,
    name: string,
    defaultTarget: number,
  ) {
    super(a, b, name);
    const o: MHOptions = typeof a === "function" ? b : a;
    this.opts = {
      stepSize: o.stepSize ?? 1,
      adaptStepSize: o.adaptStepSize ?? true,
      adaptMassMatrix: o.adaptMassMatrix ?? true,
      denseMass: o.denseMass ?? false,
      targetAcceptProb: o.targetAcceptProb ?? defaultTarget,
      regularizeMassMatrix: o.regularizeMassMatrix ?? true,
    };
    checkMHOptions(name, this.opts);
    this.initialInverseMass = o.inverseMassMatrix;
  }

  /** Starts a chain at its initial point (models: builds the potential). */
  init(args: KernelInitArgs<Args>): MHState {
    const { z0, key } = this.start(args);
    const d = z0.length;
    const zGrad = new Float64Array(d);
    const pe = this.U(z0, zGrad);
    if (!Number.isFinite(pe)) {
      throw new PhloxError(
        "kernel-bad-start",
        `${this.kind}.init: the potential at the initial point is ${pe}; start where it is finite.`,
      );
    }
    this.scratch = { a: new Float64Array(d), b: new Float64Array(d), c: new Float64Array(d) };
    const adapt = mhAdaptInit(this.opts, d, args.numWarmup, this.initialInverseMass);
    return {
      i: 0,
      z: Float64Array.from(z0),
      potentialEnergy: pe,
      zGrad,
      acceptProb: 0,
      meanAcceptProb: 0,
      stepSize: adapt.stepSize,
      numWarmup: args.numWarmup,
      adapt,
      rng: new Rng(key),
    };
  }

  /**
   * Proposes y from s.z into `y` (and ∇U(y) into `yGrad`); returns [U(y), log q-ratio correction].
   * Implemented by the concrete kernels.
   */
  protected abstract propose(s: MHState, y: Float64Array, yGrad: Float64Array): [number, number];

  /** One Metropolis–Hastings transition, adapting during warmup. */
  sample(s: MHState): MHState {
    const d = s.z.length;
    if (this.scratch.a.length !== d) {
      this.scratch = { a: new Float64Array(d), b: new Float64Array(d), c: new Float64Array(d) };
    }
    const y = new Float64Array(d);
    const yGrad = new Float64Array(d);
    const [pe, logCorrection] = this.propose(s, y, yGrad);
    const logRatio = s.potentialEnergy - pe + logCorrection;
    const acceptProb = Number.isNaN(logRatio) ? 0 : Math.min(1, Math.exp(logRatio));
    if (s.rng.uniform() < acceptProb) {
      s.z = y;
      s.zGrad = yGrad;
      s.potentialEnergy = pe;
    }
    s.acceptProb = acceptProb;
    if (s.i < s.numWarmup) mhAdaptUpdate(this.opts, s.adapt, s.i, s.numWarmup, acceptProb, s.z);
    s.stepSize = s.adapt.stepSize;
    const itr = s.i + 1;
    const n = s.i < s.numWarmup ? itr : itr - s.numWarmup;
    s.meanAcceptProb += (acceptProb - s.meanAcceptProb) / n;
    s.i = itr;
    return s;
  }

  /** e.g. "step size 1.20e+0. acc. prob=0.41". */
  diagnostics(s: MHState): string {
    return `step size ${s.stepSize.toExponential(2)}. acc. prob=${s.meanAcceptProb.toFixed(2)}`;
  }

  /** JSON form of a chain's state (for `postWarmupState`, `lastState` and parallel chains). */
  stateToJSON(s: MHState): MHStateJSON {
    return {
      i: s.i,
      z: Array.from(s.z),
      potentialEnergy: s.potentialEnergy,
      zGrad: Array.from(s.zGrad),
      acceptProb: s.acceptProb,
      meanAcceptProb: s.meanAcceptProb,
      numWarmup: s.numWarmup,
      adapt: mhAdaptToJSON(s.adapt),
      rng: s.rng.getState(),
    };
  }

  /** Inverse of `stateToJSON`. */
  stateFromJSON(json: unknown): MHState {
    const j = json as MHStateJSON;
    const adapt = mhAdaptFromJSON(j.adapt, this.opts.denseMass);
    return {
      i: j.i,
      z: Float64Array.from(j.z),
      potentialEnergy: j.potentialEnergy,
      zGrad: Float64Array.from(j.zGrad),
      acceptProb: j.acceptProb,
      meanAcceptProb: j.meanAcceptProb,
      stepSize: adapt.stepSize,
      numWarmup: j.numWarmup,
      adapt,
      rng: rngFrom(j.rng),
    };
  }

  /** The options a worker passes back to the constructor. */
  protected workerOptions(): Record<string, unknown> {
    return pickDefined({ ...this.opts, inverseMassMatrix: this.initialInverseMass }, MH_KEYS);
  }
}

/**
 * The Barker proposal (NumPyro's `BarkerMH`; Livingstone & Zanella 2022): a gradient-based
 * Metropolis–Hastings kernel whose proposal is skewed towards higher density. Each coordinate (after the
 * mass-matrix transform) moves by ±ε·ξ, ξ ~ N(0, 1), with the sign + taken with probability
 * σ(−ξ·ε·∂U). Step size (target acceptance 0.4) and mass matrix adapt during warmup as for HMC.
 * @example
 * const U = (z: Float64Array, g: Float64Array) => { g[0] = z[0]; return 0.5 * z[0] ** 2; };
 * const mcmc = new MCMC(new BarkerMH({ potentialFn: U, initParams: [0] }), { numWarmup: 500, numSamples: 2000 });
 */
export class BarkerMH<
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> extends AdaptiveMH<Args, Sites> {
  protected readonly kind: WorkerKernelKind = "BarkerMH";
  constructor(potentialOptions: PotentialSource & MHOptions);
  constructor(model: Model<Args, Sites>, options?: ModelSource & MHOptions);
  constructor(a: (PotentialSource & MHOptions) | Model<Args, Sites>, b: ModelSource & MHOptions = {}) {
    super(a, b, "BarkerMH", 0.4);
  }

  /** Barker's skewed proposal (see the class doc) and its log Hastings correction. */
  protected propose(s: MHState, y: Float64Array, yGrad: Float64Array): [number, number] {
    const A = s.adapt.scaleTril;
    const { a: gx, b: dz, c: gy } = this.scratch;
    scaleTMul(A, s.zGrad, gx); // gradient in the whitened coordinates
    const d = s.z.length;
    for (let i = 0; i < d; i++) {
      const z = s.adapt.stepSize * s.rng.normal();
      const p = 1 / (1 + Math.exp(z * gx[i])); // σ(−z·g)
      dz[i] = s.rng.uniform() < p ? z : -z;
    }
    scaleMul(A, dz, y);
    for (let i = 0; i < d; i++) y[i] += s.z[i];
    const pe0 = this.U(y, yGrad);
    const pe = Number.isNaN(pe0) ? Number.POSITIVE_INFINITY : pe0;
    if (!Number.isFinite(pe)) return [pe, 0];
    scaleTMul(A, yGrad, gy);
    let corr = 0;
    for (let i = 0; i < d; i++) corr += softplus(dz[i] * gx[i]) - softplus(-dz[i] * gy[i]);
    return [pe, corr];
  }
}

/**
 * Random-walk Metropolis: y = z + ε·A·ξ, ξ ~ N(0, I), with A·Aᵀ the inverse mass matrix; step size
 * (target acceptance 0.234, Roberts–Gelman–Gilks) and mass matrix adapt during warmup like {@link BarkerMH}.
 * Gradient-free (the potential's gradient is ignored). NumPyro has no such kernel; the options follow BarkerMH.
 * @example
 * const U = (z: Float64Array, g: Float64Array) => 0.5 * z[0] ** 2;
 * const mcmc = new MCMC(new RandomWalkMH({ potentialFn: U, initParams: [0] }), { numWarmup: 500, numSamples: 5000 });
 */
export class RandomWalkMH<
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> extends AdaptiveMH<Args, Sites> {
  protected readonly kind: WorkerKernelKind = "RandomWalkMH";
  constructor(potentialOptions: PotentialSource & MHOptions);
  constructor(model: Model<Args, Sites>, options?: ModelSource & MHOptions);
  constructor(a: (PotentialSource & MHOptions) | Model<Args, Sites>, b: ModelSource & MHOptions = {}) {
    super(a, b, "RandomWalkMH", 0.234);
  }

  /** Gaussian random-walk proposal (symmetric: no Hastings correction). */
  protected propose(s: MHState, y: Float64Array, yGrad: Float64Array): [number, number] {
    const xi = this.scratch.a;
    const d = s.z.length;
    for (let i = 0; i < d; i++) xi[i] = s.adapt.stepSize * s.rng.normal();
    scaleMul(s.adapt.scaleTril, xi, y);
    for (let i = 0; i < d; i++) y[i] += s.z[i];
    const pe = this.U(y, yGrad);
    yGrad.fill(0);
    return [Number.isNaN(pe) ? Number.POSITIVE_INFINITY : pe, 0];
  }
}
