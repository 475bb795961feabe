import {
  ChainRandom,
  type ChainRandomState,
  ConstraintError,
  type KeyPair,
  PhloxError,
  ShapeError,
} from "@phlox/tensor";
import { type DualAveragingState, dualAveraging } from "./adaptation/dual-averaging.js";
import { type AdaptWindow, buildAdaptationSchedule } from "./adaptation/schedule.js";
import { checkInverseMass, type WelfordState, welfordCovariance } from "./adaptation/welford.js";
import { cholesky, invertSpd } from "./internal/linalg.js";
import {
  type AsyncPotentialFn,
  advance,
  drawMomentum,
  hmcBegin,
  kick,
  kickDrift,
  kinetic,
  type Mass,
  nutsBegin,
  type PotentialFn,
  runTrajectory,
  runTrajectoryAsync,
  setEdge,
  Workspace,
} from "./internal/trajectory.js";

export type { AsyncPotentialFn, PotentialFn } from "./internal/trajectory.js";

/** Options shared by `hmc()`, {@link HMC} and {@link NUTS} (NumPyro's names in camelCase). */
export interface HMCOptions {
  /** `"NUTS"` (default) or `"HMC"` (static trajectory length). */
  algo?: "HMC" | "NUTS";
  /** Initial step size ε. Default 1. */
  stepSize?: number;
  /** Adapt ε by dual averaging during warmup. Default true. */
  adaptStepSize?: boolean;
  /** Adapt the inverse mass matrix in Stan's slow windows. Default true. */
  adaptMassMatrix?: boolean;
  /** Dense (full covariance) mass matrix instead of diagonal. Default false. */
  denseMass?: boolean;
  /** Initial inverse mass matrix: [d] diagonal or [d·d] row-major dense. Default identity. */
  inverseMassMatrix?: ArrayLike<number>;
  /** Target mean acceptance probability of the step-size adaptation. Default 0.8. */
  targetAcceptProb?: number;
  /** HMC only: integration time; numSteps = max(1, ⌊trajectoryLength / ε⌋). Default 2π. */
  trajectoryLength?: number;
  /** HMC only: fixed number of leapfrog steps (overrides trajectoryLength). */
  numSteps?: number;
  /** NUTS only: maximum tree depth (at most 2^depth leapfrog steps). Default 10. */
  maxTreeDepth?: number;
  /** Search a step size with one-step acceptance ≈ 0.8 before adaptation and after each mass update (Hoffman & Gelman 2014, Alg. 4). Default false, as in NumPyro. */
  findHeuristicStepSize?: boolean;
  /** Shrink the adapted (co)variance towards 1e-3·I like Stan. Default true. */
  regularizeMassMatrix?: boolean;
  /** Energy error above which a transition is flagged divergent. Default 1000. */
  maxDeltaEnergy?: number;
}

/** Adaptation state inside {@link HMCState}. */
export interface AdaptState {
  /** Dual averaging state over log ε. */
  stepSize: DualAveragingState;
  /** Welford moments of the current slow window. */
  welford: WelfordState;
  /** Index of the current window in `schedule`. */
  windowIdx: number;
  schedule: AdaptWindow[];
}

/**
 * The state of one chain. `step` owns it and updates it in place (typed arrays included).
 * - `i`: number of transitions done (warmup ones included); adaptation runs while `i < numWarmup`.
 * - `z` (shape [d]): current position (unconstrained); `zGrad` (shape [d]): ∇U(z); `potentialEnergy`: U(z).
 * - `energy`: U(z) + K(r) of the chosen state; `r` (shape [d]): the momentum drawn for the last transition.
 * - `numSteps`: leapfrog steps of the last transition; `treeDepth`: NUTS depth (0 for HMC).
 * - `acceptProb`: the transition's acceptance statistic; `meanAcceptProb`: its running mean (reset after warmup).
 * - `diverging`: energy error > maxDeltaEnergy in the last transition.
 * - `stepSize`, `inverseMassMatrix` ([d] or [d·d]), `massMatrixSqrt` (derived), `adapt`, `rng` (the
 *   chain's counter-based generator), `numWarmup`.
 */
export interface HMCState {
  i: number;
  z: Float64Array;
  zGrad: Float64Array;
  potentialEnergy: number;
  energy: number;
  r: Float64Array;
  numSteps: number;
  treeDepth: number;
  acceptProb: number;
  meanAcceptProb: number;
  diverging: boolean;
  stepSize: number;
  inverseMassMatrix: Float64Array;
  massMatrixSqrt: Float64Array;
  numWarmup: number;
  adapt: AdaptState;
  rng: ChainRandom;
}

/** The functional sampler returned by {@link hmc}. */
export interface HMCCore {
  /** Fills defaults; validated options. */
  readonly options: Readonly<Required<Omit<HMCOptions, "inverseMassMatrix" | "numSteps">>> & {
    numSteps: number | undefined;
  };
  /**
   * Starts a chain at `z0` with key `key`; `numWarmup` fixes the adaptation schedule.
   * @throws ConstraintError (a PhloxError) if U(z0) or its gradient is not finite.
   */
  init(z0: Float64Array, key: KeyPair, numWarmup: number): HMCState;
  /** One transition (with adaptation while `state.i < numWarmup`); mutates and returns `state`. */
  step(state: HMCState): HMCState;
  /** {@link HMCCore.init} awaiting the potential (for an {@link AsyncPotentialFn}; works for a synchronous one too). */
  initAsync(z0: Float64Array, key: KeyPair, numWarmup: number): Promise<HMCState>;
  /** {@link HMCCore.step} awaiting the potential at each leapfrog step; the same draws as `step` for the same state. */
  stepAsync(state: HMCState): Promise<HMCState>;
  /**
   * One transition of each of several chains, in lockstep: at every leapfrog step the positions of all
   * chains whose trajectory still runs are evaluated with one call of `batch` (NumPyro's vectorized chains,
   * without the wasted evaluations of finished trees). Each state gets the same draws as `step` would give
   * it. A chain whose evaluation throws is left out of later steps and its error returned at its index.
   * @param states - the chains' states (same dimension), updated in place.
   * @param batch - U and ∇U at the active chains' points (row i of `zs` [n·d] is chain i); a call that throws
   *   is retried point by point with the kernel's single-point potential, to find the failing chain.
   * @returns per chain, the error that stopped its transition, or undefined.
   */
  stepBatch(states: readonly HMCState[], batch: BatchPotentialFn): (Error | undefined)[];
}

/**
 * U and ∇U of a batch of `n` chains: point i is `zs[i·d … (i+1)·d)`; U goes to `values[i]`, ∇U to the same
 * rows of `grads`. Only the rows listed in `active` (increasing) are needed; the others hold stale points
 * and may be evaluated or skipped.
 */
export type BatchPotentialFn = (
  zs: Float64Array,
  grads: Float64Array,
  values: Float64Array,
  n: number,
  active: readonly number[],
) => void;

/**
 * A computation that needs U at points it chooses: it yields after putting the point in the workspace's
 * active edge (`ws.z`, gradient into `ws.g`) and receives U there. {@link drive} and {@link driveAsync} run it.
 */
type NeedsPotential<T> = Generator<void, T, number>;

function drive<T>(gen: NeedsPotential<T>, U: PotentialFn, ws: Workspace): T {
  let it = gen.next(0);
  while (!it.done) it = gen.next(U(ws.z, ws.g));
  return it.value;
}

async function driveAsync<T>(
  gen: NeedsPotential<T>,
  U: PotentialFn | AsyncPotentialFn,
  ws: Workspace,
): Promise<T> {
  let it = gen.next(0);
  while (!it.done) it = gen.next(await U(ws.z, ws.g));
  return it.value;
}

/**
 * HMC and NUTS as plain functions over an {@link HMCState} (NumPyro's `hmc(potential_fn, algo)`): the
 * trajectory runs in plain JS on preallocated Float64Arrays, calling `potential` once per leapfrog step.
 * `init`/`step` call it synchronously; `initAsync`/`stepAsync` await it, for an {@link AsyncPotentialFn}.
 * @param potential - U(z) = −log density; writes ∇U into its second argument.
 * @param options - see {@link HMCOptions}.
 * @returns `{ init, step }`.
 * @throws ConstraintError (a PhloxError) for invalid options (non-positive step size, target outside (0, 1), ...).
 * @example
 * const U = (z: Float64Array, g: Float64Array) => { g[0] = z[0]; return 0.5 * z[0] * z[0]; };
 * const { init, step } = hmc(U, { algo: "NUTS" });
 * const s = init(new Float64Array(1), [0, 0], 100);
 * for (let i = 0; i < 200; i++) step(s);
 * Number.isFinite(s.z[0]); // → true
 */
export function hmc(potential: PotentialFn | AsyncPotentialFn, options: HMCOptions = {}): HMCCore {
  const syncPotential = potential as PotentialFn;
  const o = {
    algo: options.algo ?? "NUTS",
    stepSize: options.stepSize ?? 1,
    adaptStepSize: options.adaptStepSize ?? true,
    adaptMassMatrix: options.adaptMassMatrix ?? true,
    denseMass: options.denseMass ?? false,
    targetAcceptProb: options.targetAcceptProb ?? 0.8,
    trajectoryLength: options.trajectoryLength ?? 2 * Math.PI,
    numSteps: options.numSteps,
    maxTreeDepth: options.maxTreeDepth ?? 10,
    findHeuristicStepSize: options.findHeuristicStepSize ?? false,
    regularizeMassMatrix: options.regularizeMassMatrix ?? true,
    maxDeltaEnergy: options.maxDeltaEnergy ?? 1000,
  };
  validate(o);
  const initialInvMass = options.inverseMassMatrix ? Float64Array.from(options.inverseMassMatrix) : undefined;
  const da = dualAveraging();
  const welford = welfordCovariance({ diagonal: !o.denseMass });
  let ws: Workspace | undefined;
  const workspace = (d: number) => {
    if (!ws || ws.d !== d) ws = new Workspace(d, o.maxTreeDepth);
    return ws;
  };

  function* findReasonableStepSize(
    s: HMCState,
    eps0: number,
    w = workspace(s.z.length),
  ): NeedsPotential<number> {
    // Hoffman & Gelman (2014), Algorithm 4 / NumPyro's find_reasonable_step_size: double or halve ε until
    // the one-step acceptance crosses 0.8.
    const mass = massOf(s, w);
    const logTarget = Math.log(0.8);
    let eps = eps0;
    let lastDir = 0;
    let dir = 0;
    for (let it = 0; it < 200; it++) {
      if (it > 1 && dir !== lastDir) break;
      const nextEps = 2 ** dir * eps;
      if (!(nextEps > Number.MIN_VALUE && nextEps < Number.MAX_VALUE)) break;
      eps = nextEps;
      drawMomentum(mass, s.rng, w.rR, w.tmp);
      const e0 = s.potentialEnergy + kinetic(mass, w.rR, w.tmp);
      w.zR.set(s.z);
      w.gR.set(s.zGrad);
      setEdge(w, w.zR, w.rR, w.gR, eps);
      kickDrift(w);
      const pe: number = yield;
      kick(w);
      const delta = pe + kinetic(mass, w.rR, w.tmp) - e0;
      lastDir = dir;
      dir = logTarget < -delta ? 1 : -1; // NaN → −1
    }
    return eps;
  }

  /** The chain's state at z0 with U(z0) = pe and ∇U(z0) in zGrad (the step size not yet searched). */
  function initialState(
    z: Float64Array,
    zGrad: Float64Array,
    pe: unknown,
    key: KeyPair,
    numWarmup: number,
  ): HMCState {
    const d = z.length;
    if (typeof pe !== "number") {
      throw new PhloxError(
        "potential-not-number",
        `hmc.init: the potential returned ${pe instanceof Promise ? "a Promise" : typeof pe}, not a number. ` +
          "An asynchronous potential (e.g. one reading a WebGPU result back) needs initAsync/stepAsync: pass it to HMC/NUTS as asyncPotentialFn.",
      );
    }
    if (!Number.isFinite(pe) || !zGrad.every(Number.isFinite)) {
      throw new ConstraintError(
        "init-not-finite",
        `hmc.init: the potential or its gradient is not finite at the initial point (U = ${pe}). ` +
          "Start from a point inside the support (initParams / initStrategy).",
      );
    }
    let inv: Float64Array;
    if (initialInvMass) {
      inv = initialInvMass;
      if (o.denseMass && inv.length === d) {
        const full = new Float64Array(d * d);
        for (let i = 0; i < d; i++) full[i * d + i] = inv[i];
        inv = full;
      }
      checkInverseMass(inv, d, o.denseMass);
      inv = Float64Array.from(inv);
    } else {
      inv = new Float64Array(o.denseMass ? d * d : d);
      if (o.denseMass) for (let i = 0; i < d; i++) inv[i * d + i] = 1;
      else inv.fill(1);
    }
    return {
      i: 0,
      z,
      zGrad,
      potentialEnergy: pe,
      energy: pe,
      r: new Float64Array(d),
      numSteps: 0,
      treeDepth: 0,
      acceptProb: 0,
      meanAcceptProb: 0,
      diverging: false,
      stepSize: o.stepSize,
      inverseMassMatrix: inv,
      massMatrixSqrt: massSqrtOf(inv, d, o.denseMass),
      numWarmup,
      adapt: {
        stepSize: da.init(0),
        welford: welford.init(d),
        windowIdx: 0,
        schedule: buildAdaptationSchedule(numWarmup),
      },
      rng: new ChainRandom(key),
    };
  }

  function* initSteps(s: HMCState): NeedsPotential<HMCState> {
    if (o.adaptStepSize && s.numWarmup > 0 && o.findHeuristicStepSize) {
      s.stepSize = yield* findReasonableStepSize(s, s.stepSize);
    }
    s.adapt.stepSize = da.init(Math.log(10) + Math.log(s.stepSize));
    return s;
  }

  function checkDim(z0: Float64Array): void {
    if (z0.length === 0)
      throw new ShapeError(
        "empty-parameters",
        "hmc.init: the parameter vector is empty (d = 0); nothing to sample.",
      );
  }

  function init(z0: Float64Array, key: KeyPair, numWarmup: number): HMCState {
    checkDim(z0);
    const z = Float64Array.from(z0);
    const zGrad = new Float64Array(z.length);
    const s = initialState(z, zGrad, syncPotential(z, zGrad), key, numWarmup);
    return drive(initSteps(s), syncPotential, workspace(z.length));
  }

  async function initAsync(z0: Float64Array, key: KeyPair, numWarmup: number): Promise<HMCState> {
    checkDim(z0);
    const z = Float64Array.from(z0);
    const zGrad = new Float64Array(z.length);
    const s = initialState(z, zGrad, await potential(z, zGrad), key, numWarmup);
    return driveAsync(initSteps(s), potential, workspace(z.length));
  }

  /**
   * The adaptation after a warmup transition. Returns true at the end of a slow window when the step size
   * restarts: the caller then (optionally) searches a new step size and calls {@link restartStepSize}.
   */
  function adaptUpdate(s: HMCState): boolean {
    const t = s.i;
    const a = s.adapt;
    if (o.adaptStepSize) {
      da.update(o.targetAcceptProb - s.acceptProb, a.stepSize);
      const logEps = t === s.numWarmup - 1 ? a.stepSize.xAvg : a.stepSize.x;
      s.stepSize = Math.min(Math.max(Math.exp(logEps), Number.MIN_VALUE), Number.MAX_VALUE);
    }
    const nWin = a.schedule.length;
    const middle = a.windowIdx > 0 && a.windowIdx < nWin - 1;
    if (o.adaptMassMatrix && middle) welford.update(s.z, a.welford);
    const atEnd = a.windowIdx < nWin && t === a.schedule[a.windowIdx].end;
    if (atEnd) a.windowIdx++;
    if (!(atEnd && middle)) return false;
    if (o.adaptMassMatrix && a.welford.n >= 2) {
      s.inverseMassMatrix = welford.final(a.welford, o.regularizeMassMatrix);
      s.massMatrixSqrt = massSqrtOf(s.inverseMassMatrix, s.z.length, o.denseMass);
      a.welford = welford.init(s.z.length);
    }
    return o.adaptStepSize;
  }

  function restartStepSize(s: HMCState): void {
    s.adapt.stepSize = da.init(Math.log(10) + Math.log(s.stepSize));
  }

  /** Draws the momentum and begins the trajectory in the workspace. */
  function begin(s: HMCState, w = workspace(s.z.length)): Workspace {
    const mass = massOf(s, w);
    drawMomentum(mass, s.rng, s.r, w.tmp);
    if (o.algo === "NUTS") {
      nutsBegin(
        mass,
        s.stepSize,
        o.maxTreeDepth,
        s.z,
        s.zGrad,
        s.potentialEnergy,
        s.r,
        o.maxDeltaEnergy,
        s.rng,
        w,
      );
    } else {
      const n = o.numSteps ?? Math.max(1, Math.floor(o.trajectoryLength / s.stepSize));
      hmcBegin(mass, s.stepSize, n, s.z, s.zGrad, s.potentialEnergy, s.r, o.maxDeltaEnergy, s.rng, w);
    }
    return w;
  }

  /** Takes the finished trajectory's result into the state; true when the step size restarts (see adaptUpdate). */
  function finish(s: HMCState, w: Workspace): boolean {
    s.z.set(w.zP);
    s.zGrad.set(w.gP);
    s.potentialEnergy = w.pe;
    s.energy = w.energy;
    s.numSteps = w.numSteps;
    s.treeDepth = w.depth;
    s.acceptProb = w.acceptProb;
    s.diverging = w.diverging;
    const restart = s.i < s.numWarmup && adaptUpdate(s);
    const itr = s.i + 1;
    const n = s.i < s.numWarmup ? itr : itr - s.numWarmup;
    s.meanAcceptProb += (s.acceptProb - s.meanAcceptProb) / n;
    return restart;
  }

  function step(s: HMCState): HMCState {
    const w = begin(s);
    runTrajectory(syncPotential, w);
    if (finish(s, w)) {
      if (o.findHeuristicStepSize)
        s.stepSize = drive(findReasonableStepSize(s, s.stepSize), syncPotential, w);
      restartStepSize(s);
    }
    s.i++;
    return s;
  }

  async function stepAsync(s: HMCState): Promise<HMCState> {
    const w = begin(s);
    await runTrajectoryAsync(potential, w);
    if (finish(s, w)) {
      if (o.findHeuristicStepSize)
        s.stepSize = await driveAsync(findReasonableStepSize(s, s.stepSize), potential, w);
      restartStepSize(s);
    }
    s.i++;
    return s;
  }

  /** One transition as a computation that yields for U at `w.z` (what {@link stepBatch} interleaves). */
  function* transition(s: HMCState, w: Workspace): NeedsPotential<HMCState> {
    begin(s, w);
    while (advance(w, yield));
    if (finish(s, w)) {
      if (o.findHeuristicStepSize) s.stepSize = yield* findReasonableStepSize(s, s.stepSize, w);
      restartStepSize(s);
    }
    s.i++;
    return s;
  }

  // One workspace per chain of a batch (a chain's trajectory lives in its workspace between steps).
  let batchWs: Workspace[] = [];
  let zs = new Float64Array(0);
  let gs = new Float64Array(0);
  let vs = new Float64Array(0);

  function stepBatch(states: readonly HMCState[], batch: BatchPotentialFn): (Error | undefined)[] {
    const n = states.length;
    const errors: (Error | undefined)[] = new Array(n).fill(undefined);
    if (n === 0) return errors;
    const d = states[0].z.length;
    if (batchWs.length < n || batchWs[0].d !== d) {
      batchWs = Array.from({ length: n }, () => new Workspace(d, o.maxTreeDepth));
      zs = new Float64Array(n * d);
      gs = new Float64Array(n * d);
      vs = new Float64Array(n);
    }
    const gens = states.map((s, i) => transition(s, batchWs[i]));
    let active: number[] = [];
    const resume = (i: number, pe: number): void => {
      try {
        if (!gens[i].next(pe).done) active.push(i);
      } catch (e) {
        errors[i] = asError(e);
      }
    };
    for (let i = 0; i < n; i++) resume(i, 0);
    const Z = zs.subarray(0, n * d);
    const G = gs.subarray(0, n * d);
    const V = vs.subarray(0, n);
    while (active.length > 0) {
      const now = active;
      const m = now.length;
      for (let j = 0; j < m; j++) zs.set(batchWs[now[j]].z, now[j] * d);
      let failed: unknown[] | null = null;
      try {
        batch(Z, G, V, n, now);
      } catch {
        // Find the chain(s) whose point throws: the others get their value from the single-point potential.
        failed = new Array(m).fill(null);
        for (let j = 0; j < m; j++) {
          const w = batchWs[now[j]];
          try {
            vs[now[j]] = syncPotential(w.z, w.g);
            gs.set(w.g, now[j] * d);
          } catch (e) {
            failed[j] = e ?? asError(e);
          }
        }
      }
      active = [];
      for (let j = 0; j < m; j++) {
        const i = now[j];
        const err = failed?.[j];
        if (err !== undefined && err !== null) {
          errors[i] = asError(err);
          continue;
        }
        const g = batchWs[i].g;
        const off = i * d;
        for (let k = 0; k < d; k++) g[k] = gs[off + k];
        resume(i, vs[i]);
      }
    }
    return errors;
  }

  return { options: o, init, step, initAsync, stepAsync, stepBatch };
}

function massOf(s: HMCState, w: Workspace): Mass {
  const m = w.mass;
  m.dense = isDense(s);
  m.inv = s.inverseMassMatrix;
  m.sqrt = s.massMatrixSqrt;
  return m;
}

function isDense(s: HMCState): boolean {
  return s.inverseMassMatrix.length === s.z.length * s.z.length && s.z.length > 1;
}

/** Momentum scale for an inverse mass matrix: 1/√inv (diagonal) or chol(inv⁻¹) (dense). */
export function massSqrtOf(inv: Float64Array, d: number, dense: boolean): Float64Array {
  if (!dense) return inv.map((x) => 1 / Math.sqrt(x));
  return cholesky(invertSpd(inv, d, "inverseMassMatrix"), d, "mass matrix");
}

function validate(o: {
  stepSize: number;
  targetAcceptProb: number;
  trajectoryLength: number;
  numSteps: number | undefined;
  maxTreeDepth: number;
  maxDeltaEnergy: number;
  algo: string;
}): void {
  if (o.algo !== "HMC" && o.algo !== "NUTS")
    throw new ConstraintError("hmc-algo", `hmc: algo must be "HMC" or "NUTS", got ${o.algo}.`);
  if (!(o.stepSize > 0 && Number.isFinite(o.stepSize)))
    throw new ConstraintError("hmc-step-size", `hmc: stepSize must be finite and > 0, got ${o.stepSize}.`);
  if (!(o.targetAcceptProb > 0 && o.targetAcceptProb < 1)) {
    throw new ConstraintError(
      "hmc-target-accept-prob",
      `hmc: targetAcceptProb must be in (0, 1), got ${o.targetAcceptProb}.`,
    );
  }
  if (!(o.trajectoryLength > 0))
    throw new ConstraintError(
      "hmc-trajectory-length",
      `hmc: trajectoryLength must be > 0, got ${o.trajectoryLength}.`,
    );
  if (o.numSteps !== undefined && !(Number.isInteger(o.numSteps) && o.numSteps >= 1)) {
    throw new ConstraintError("hmc-num-steps", `hmc: numSteps must be an integer ≥ 1, got ${o.numSteps}.`);
  }
  if (!(Number.isInteger(o.maxTreeDepth) && o.maxTreeDepth >= 1 && o.maxTreeDepth <= 30)) {
    throw new ConstraintError(
      "hmc-max-tree-depth",
      `hmc: maxTreeDepth must be an integer in [1, 30], got ${o.maxTreeDepth}.`,
    );
  }
  if (!(o.maxDeltaEnergy > 0))
    throw new ConstraintError(
      "hmc-max-delta-energy",
      `hmc: maxDeltaEnergy must be > 0, got ${o.maxDeltaEnergy}.`,
    );
}

/** JSON form of an {@link HMCState} (typed arrays as number arrays). */
export interface HMCStateJSON {
  i: number;
  z: number[];
  zGrad: number[];
  potentialEnergy: number;
  energy: number;
  r: number[];
  numSteps: number;
  treeDepth: number;
  acceptProb: number;
  meanAcceptProb: number;
  diverging: boolean;
  stepSize: number;
  inverseMassMatrix: number[];
  numWarmup: number;
  adapt: {
    stepSize: DualAveragingState;
    welford: { n: number; mean: number[]; m2: number[] };
    windowIdx: number;
    schedule: AdaptWindow[];
  };
  rng: ChainRandomState;
}

/**
 * Converts a state to plain JSON (exact: doubles survive `JSON.stringify` round trips).
 * @example
 * JSON.parse(JSON.stringify(hmcStateToJSON(state)));
 */
export function hmcStateToJSON(s: HMCState): HMCStateJSON {
  return {
    i: s.i,
    z: Array.from(s.z),
    zGrad: Array.from(s.zGrad),
    potentialEnergy: s.potentialEnergy,
    energy: s.energy,
    r: Array.from(s.r),
    numSteps: s.numSteps,
    treeDepth: s.treeDepth,
    acceptProb: s.acceptProb,
    meanAcceptProb: s.meanAcceptProb,
    diverging: s.diverging,
    stepSize: s.stepSize,
    inverseMassMatrix: Array.from(s.inverseMassMatrix),
    numWarmup: s.numWarmup,
    adapt: {
      stepSize: { ...s.adapt.stepSize },
      welford: {
        n: s.adapt.welford.n,
        mean: Array.from(s.adapt.welford.mean),
        m2: Array.from(s.adapt.welford.m2),
      },
      windowIdx: s.adapt.windowIdx,
      schedule: s.adapt.schedule.map((w) => ({ ...w })),
    },
    rng: s.rng.getState(),
  };
}

/**
 * Rebuilds a state from {@link hmcStateToJSON}'s output; stepping it continues the chain exactly.
 * @throws ConstraintError (a PhloxError) if the arrays have inconsistent lengths.
 */
export function hmcStateFromJSON(j: HMCStateJSON): HMCState {
  const d = j.z.length;
  const dense = j.inverseMassMatrix.length === d * d && d > 1;
  if (j.zGrad.length !== d || j.r.length !== d || !(j.inverseMassMatrix.length === d || dense)) {
    throw new ShapeError(
      "hmc-state-json",
      `hmcStateFromJSON: inconsistent lengths (z ${d}, zGrad ${j.zGrad.length}, inverseMassMatrix ${j.inverseMassMatrix.length}).`,
    );
  }
  const inv = Float64Array.from(j.inverseMassMatrix);
  return {
    i: j.i,
    z: Float64Array.from(j.z),
    zGrad: Float64Array.from(j.zGrad),
    potentialEnergy: j.potentialEnergy,
    energy: j.energy,
    r: Float64Array.from(j.r),
    numSteps: j.numSteps,
    treeDepth: j.treeDepth,
    acceptProb: j.acceptProb,
    meanAcceptProb: j.meanAcceptProb,
    diverging: j.diverging,
    stepSize: j.stepSize,
    inverseMassMatrix: inv,
    massMatrixSqrt: massSqrtOf(inv, d, dense),
    numWarmup: j.numWarmup,
    adapt: {
      stepSize: { ...j.adapt.stepSize },
      welford: {
        n: j.adapt.welford.n,
        mean: Float64Array.from(j.adapt.welford.mean),
        m2: Float64Array.from(j.adapt.welford.m2),
        delta: new Float64Array(d),
      },
      windowIdx: j.adapt.windowIdx,
      schedule: j.adapt.schedule.map((w) => ({ ...w })),
    },
    rng: new ChainRandom(j.rng.key, j.rng.counter, j.rng.spare),
  };
}

/** A chain's failure as an Error: thrown non-Error values (a string, `undefined`) become a PhloxError naming them. */
function asError(e: unknown): Error {
  return e instanceof Error
    ? e
    : new PhloxError(
        "potential-threw",
        `The potential threw a non-Error value (${String(e)}) while a vectorized chain was evaluated; throw an Error from the model.`,
      );
}
