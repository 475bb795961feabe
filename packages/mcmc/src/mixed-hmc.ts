import { PhloxError } from "@phlox/tensor";
import { dualAveraging } from "./adaptation/dual-averaging.js";
import { type WelfordCovariance, welfordCovariance } from "./adaptation/welford.js";
import { DiscreteHMCGibbs } from "./discrete-hmc-gibbs.js";
import { massSqrtOf } from "./hmc.js";
import type { HMCGibbsState } from "./hmc-gibbs.js";
import type { HMC } from "./hmc-kernel.js";
import { joinPosition } from "./internal/gibbs-model.js";
import { exponential } from "./potential-kernel.js";
import type { KernelModuleSpec } from "./worker-model-kernel.js";

/** Options of {@link MixedHMC} (NumPyro's `num_discrete_updates`, `random_walk`, `modified`). */
export interface MixedHMCOptions {
  /** Discrete updates per step (NumPyro's `num_discrete_updates`). Default: the number of discrete elements. */
  numDiscreteUpdates?: number;
  /** Propose uniformly over the support instead of from the conditional (see DiscreteHMCGibbs). Default false. */
  randomWalk?: boolean;
  /** Never propose the current value (Liu's modified Gibbs). Default false. */
  modified?: boolean;
  /** How a worker rebuilds this kernel for `chainMethod: "parallel"` (see DiscreteHMCGibbs). */
  workerModule?: KernelModuleSpec;
}

/**
 * Mixed Hamiltonian Monte Carlo (NumPyro's `MixedHMC`; Zhou 2020) for models with discrete and continuous
 * latent sites: each step draws a kinetic energy Exp(1) and an arrival time U(0, 1) for every discrete
 * element, splits the HMC trajectory (length `trajectoryLength` of the inner HMC kernel) into
 * `numDiscreteUpdates` sub-trajectories ending at the arrival times, and after each one updates the
 * arriving element by a discrete proposal (Gibbs, `randomWalk` and/or `modified`, as DiscreteHMCGibbs) that
 * is taken when the element's kinetic energy can pay for it; one Metropolis correction on the total energy
 * ends the step. Step size and mass matrix adapt during warmup from that acceptance probability.
 *
 * Needs an `HMC` inner kernel (not NUTS) with a `trajectoryLength` (not `numSteps`).
 * @example
 * const kernel = new MixedHMC(new HMC(model, { trajectoryLength: 1.2 }), { numDiscreteUpdates: 20 });
 * await new MCMC(kernel, { numWarmup: 1000, numSamples: 10000 }).run(0, probs, locs);
 */
export class MixedHMC extends DiscreteHMCGibbs {
  /** The option as given (undefined: one update per discrete element). */
  readonly numDiscreteUpdates?: number;
  private numUpdates = 0;
  private readonly da = dualAveraging();
  private readonly welford: WelfordCovariance;

  /**
   * @param innerKernel - an `HMC` kernel built from a model (NumPyro refuses NUTS here too).
   * @param options - `numDiscreteUpdates`, `randomWalk`, `modified`.
   * @throws PhloxError for a NUTS or potential-built inner kernel, `numSteps` set on it, or a bad
   *   `numDiscreteUpdates`.
   */
  constructor(innerKernel: HMC, options: MixedHMCOptions = {}) {
    super(innerKernel, {
      randomWalk: options.randomWalk,
      modified: options.modified,
      workerModule: options.workerModule,
    });
    if (this.algo !== "HMC") {
      throw new PhloxError(
        "mixed-hmc-needs-hmc",
        "MixedHMC: the inner kernel must be HMC (a fixed trajectory length), not NUTS: new MixedHMC(new HMC(model, { trajectoryLength })).",
      );
    }
    if (this.core.options.numSteps !== undefined) {
      throw new PhloxError(
        "mixed-hmc-num-steps",
        "MixedHMC: the inner HMC kernel sets numSteps; MixedHMC splits a trajectory of fixed length, so give trajectoryLength instead.",
      );
    }
    const n = options.numDiscreteUpdates;
    if (n !== undefined && !(Number.isInteger(n) && n >= 1)) {
      throw new PhloxError(
        "mixed-hmc-bad-num-discrete-updates",
        `MixedHMC: numDiscreteUpdates must be an integer ≥ 1, got ${n}.`,
      );
    }
    this.numDiscreteUpdates = n;
    this.welford = welfordCovariance({ diagonal: !this.core.options.denseMass });
  }

  protected override get kernelName(): string {
    return "MixedHMC";
  }

  protected override afterInit(s: HMCGibbsState): void {
    this.numUpdates = this.numDiscreteUpdates ?? s.gibbs.length;
  }

  /** One MixedHMC step (NumPyro's `MixedHMC.sample`, Algorithm 1 of Zhou 2020 with n_D = 1). */
  override sample(s: HMCGibbsState): HMCGibbsState {
    const d = s.z.length;
    const nd = s.gibbs.length;
    const N = this.numUpdates;
    const eps = s.stepSize;
    const inv = s.inverseMassMatrix;
    const dense = inv.length === d * d && d > 1;
    const rng = s.gibbsRng;
    const ke = new Float64Array(nd);
    for (let i = 0; i < nd; i++) ke[i] = exponential(rng);
    const arrival = new Float64Array(nd);
    for (let i = 0; i < nd; i++) arrival[i] = rng.uniform();
    const sorted = Float64Array.from(arrival).sort();
    const totalTime = Math.floor((N - 1) / nd) + sorted[(N - 1) % nd];
    const timeUnit = this.core.options.trajectoryLength / totalTime;

    const r = new Float64Array(d);
    const noise = new Float64Array(d);
    for (let i = 0; i < d; i++) noise[i] = s.rng.normal();
    const sq = s.massMatrixSqrt;
    if (dense) {
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let j = 0; j <= i; j++) acc += sq[i * d + j] * noise[j];
        r[i] = acc;
      }
    } else for (let i = 0; i < d; i++) r[i] = sq[i] * noise[i];
    const v = new Float64Array(d);
    const kinetic = (): number => {
      velocity(inv, r, v, dense);
      let k = 0;
      for (let i = 0; i < d; i++) k += r[i] * v[i];
      return 0.5 * k;
    };
    const energyOld = kinetic() + s.potentialEnergy;

    const z = Float64Array.from(s.z);
    const grad = Float64Array.from(s.zGrad);
    const gibbs = Float64Array.from(s.gibbs);
    this.potentialAt(z, gibbs, grad);
    let pe = s.potentialEnergy;
    let deltaPeSum = 0;
    let numSteps = 0;
    let failed = false;
    for (let t = 0; t < N && !failed; t++) {
      let idx = 0;
      for (let i = 1; i < nd; i++) if (arrival[i] < arrival[idx]) idx = i;
      const tl = arrival[idx] * timeUnit;
      const a = arrival[idx];
      for (let i = 0; i < nd; i++) arrival[i] -= a;
      arrival[idx] = 1;
      // A sub-trajectory of length tl: ⌈tl/ε⌉ leapfrog steps of size tl/steps, always kept (NumPyro's
      // potential_energy = ∞ trick), unless the energy is no longer finite: then the whole step is rejected.
      // (No continuous site: NumPyro counts one step of nothing.)
      const steps = d === 0 ? 1 : Math.ceil(tl / eps);
      if (steps > 0 && d > 0) {
        const h = tl / steps;
        for (let k = 0; k < steps; k++) {
          for (let i = 0; i < d; i++) r[i] -= 0.5 * h * grad[i];
          velocity(inv, r, v, dense);
          for (let i = 0; i < d; i++) z[i] += h * v[i];
          pe = this.potentialAt(z, gibbs, grad);
          for (let i = 0; i < d; i++) r[i] -= 0.5 * h * grad[i];
        }
        if (!Number.isFinite(pe + kinetic())) failed = true;
      }
      numSteps += steps;
      if (failed) break;
      const p = this.propose(z, gibbs, idx, pe, s);
      const keNew = ke[idx] + p.logAcceptRatio;
      if (keNew > 0) {
        gibbs[idx] = p.value;
        deltaPeSum += p.pe - pe;
        pe = p.pe;
        ke[idx] = keNew;
        this.potentialAt(z, gibbs, grad);
      }
    }
    let delta = failed ? Number.POSITIVE_INFINITY : kinetic() + pe - energyOld - deltaPeSum;
    if (Number.isNaN(delta)) delta = Number.POSITIVE_INFINITY;
    const acceptProb = Math.min(1, Math.exp(-delta));
    s.energy = energyOld;
    if (s.rng.uniform() < acceptProb) {
      s.z.set(z);
      s.zGrad.set(grad);
      s.potentialEnergy = pe;
      s.gibbs = gibbs;
      s.r.set(r);
      s.energy = kinetic() + pe;
    }
    // Leave the model potential conditioned on the state's values.
    this.potentialAt(s.z, s.gibbs);
    s.numSteps = numSteps;
    s.treeDepth = 0;
    s.acceptProb = acceptProb;
    s.diverging = failed || delta > this.core.options.maxDeltaEnergy;
    if (s.i < s.numWarmup) this.adapt(s);
    const itr = s.i + 1;
    const n = s.i < s.numWarmup ? itr : itr - s.numWarmup;
    s.meanAcceptProb += (acceptProb - s.meanAcceptProb) / n;
    s.i = itr;
    s.position = joinPosition(s.z, s.gibbs);
    return s;
  }

  /** Warmup adaptation at the end of a step (NumPyro's warmup_adapter, as HMC's own). */
  private adapt(s: HMCGibbsState): void {
    const o = this.core.options;
    const a = s.adapt;
    const t = s.i;
    if (o.adaptStepSize) {
      this.da.update(o.targetAcceptProb - s.acceptProb, a.stepSize);
      const logEps = t === s.numWarmup - 1 ? a.stepSize.xAvg : a.stepSize.x;
      s.stepSize = Math.min(Math.max(Math.exp(logEps), Number.MIN_VALUE), Number.MAX_VALUE);
    }
    const nWin = a.schedule.length;
    const middle = a.windowIdx > 0 && a.windowIdx < nWin - 1;
    if (o.adaptMassMatrix && middle) this.welford.update(s.z, a.welford);
    const atEnd = a.windowIdx < nWin && t === a.schedule[a.windowIdx].end;
    if (atEnd) a.windowIdx++;
    if (!(atEnd && middle)) return;
    if (o.adaptMassMatrix && a.welford.n >= 2) {
      s.inverseMassMatrix = this.welford.final(a.welford, o.regularizeMassMatrix);
      s.massMatrixSqrt = massSqrtOf(s.inverseMassMatrix, s.z.length, o.denseMass);
      a.welford = this.welford.init(s.z.length);
    }
    if (o.adaptStepSize) a.stepSize = this.da.init(Math.log(10) + Math.log(s.stepSize));
  }
}

/** v = M⁻¹ r (diagonal or dense row-major inverse mass matrix). */
function velocity(inv: Float64Array, r: Float64Array, v: Float64Array, dense: boolean): void {
  const d = r.length;
  if (!dense) {
    for (let i = 0; i < d; i++) v[i] = inv[i] * r[i];
    return;
  }
  for (let i = 0; i < d; i++) {
    let acc = 0;
    for (let j = 0; j < d; j++) acc += inv[i * d + j] * r[j];
    v[i] = acc;
  }
}
