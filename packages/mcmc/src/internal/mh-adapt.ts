import { ConstraintError } from "@phlox/tensor";
/**
 * Warmup adaptation of a Metropolis–Hastings proposal's step size (dual averaging towards a target
 * acceptance probability) and its (inverse) mass matrix (Stan's windows), as NumPyro's `warmup_adapter`
 * without the step-size search. Shared by BarkerMH and RandomWalkMH.
 */
import { type DualAveragingState, dualAveraging } from "../adaptation/dual-averaging.js";
import { type AdaptWindow, buildAdaptationSchedule } from "../adaptation/schedule.js";
import { checkInverseMass, type WelfordState, welfordCovariance } from "../adaptation/welford.js";
import { cholesky } from "./linalg.js";

/** Adaptation options (NumPyro's names). */
export interface MHAdaptOptions {
  stepSize: number;
  adaptStepSize: boolean;
  adaptMassMatrix: boolean;
  denseMass: boolean;
  targetAcceptProb: number;
  regularizeMassMatrix: boolean;
}

/** The adaptation part of a chain's state. */
export interface MHAdaptState {
  stepSize: number;
  /** [d] variances or [d·d] covariance. */
  inverseMassMatrix: Float64Array;
  /** A with A·Aᵀ = inverseMassMatrix: [d] standard deviations, or the [d·d] lower Cholesky factor. */
  scaleTril: Float64Array;
  da: DualAveragingState;
  welford: WelfordState;
  windowIdx: number;
  schedule: AdaptWindow[];
}

/** JSON form of {@link MHAdaptState}. */
export interface MHAdaptStateJSON {
  stepSize: number;
  inverseMassMatrix: number[];
  da: DualAveragingState;
  welford: { n: number; mean: number[]; m2: number[] };
  windowIdx: number;
  schedule: AdaptWindow[];
}

const da = dualAveraging();

/** A from inverse mass `inv`: square roots (diagonal) or the lower Cholesky factor (dense). */
export function scaleOf(inv: Float64Array, d: number, dense: boolean): Float64Array {
  return dense ? cholesky(inv, d, "inverseMassMatrix") : inv.map(Math.sqrt);
}

/** Validates the options, with what and how to fix in the message. */
export function checkMHOptions(name: string, o: MHAdaptOptions): void {
  if (!(o.stepSize > 0 && Number.isFinite(o.stepSize)))
    throw new ConstraintError("mh-step-size", `${name}: stepSize must be finite and > 0, got ${o.stepSize}.`);
  if (!(o.targetAcceptProb > 0 && o.targetAcceptProb < 1))
    throw new ConstraintError(
      "mh-target-accept-prob",
      `${name}: targetAcceptProb must be in (0, 1), got ${o.targetAcceptProb}.`,
    );
}

/** The initial adaptation state for dimension `d` (identity mass unless `inverseMassMatrix` is given). */
export function mhAdaptInit(
  o: MHAdaptOptions,
  d: number,
  numWarmup: number,
  inverseMassMatrix?: ArrayLike<number>,
): MHAdaptState {
  let inv: Float64Array;
  if (inverseMassMatrix) {
    inv = Float64Array.from(inverseMassMatrix);
    checkInverseMass(inv, d, o.denseMass);
  } else {
    inv = new Float64Array(o.denseMass ? d * d : d);
    if (o.denseMass) for (let i = 0; i < d; i++) inv[i * d + i] = 1;
    else inv.fill(1);
  }
  return {
    stepSize: o.stepSize,
    inverseMassMatrix: inv,
    scaleTril: scaleOf(inv, d, o.denseMass),
    da: da.init(Math.log(10 * o.stepSize)),
    welford: welfordCovariance({ diagonal: !o.denseMass }).init(d),
    windowIdx: 0,
    schedule: buildAdaptationSchedule(numWarmup),
  };
}

/** One warmup update after transition `t` (0-based) with acceptance probability `acceptProb` at position `z`. */
export function mhAdaptUpdate(
  o: MHAdaptOptions,
  a: MHAdaptState,
  t: number,
  numWarmup: number,
  acceptProb: number,
  z: Float64Array,
): void {
  const welford = welfordCovariance({ diagonal: !o.denseMass });
  if (o.adaptStepSize) {
    da.update(o.targetAcceptProb - acceptProb, a.da);
    const logEps = t === numWarmup - 1 ? a.da.xAvg : a.da.x;
    a.stepSize = Math.min(Math.max(Math.exp(logEps), Number.MIN_VALUE), Number.MAX_VALUE);
  }
  const nWin = a.schedule.length;
  const middle = a.windowIdx > 0 && a.windowIdx < nWin - 1;
  if (o.adaptMassMatrix && middle) welford.update(z, a.welford);
  const atEnd = a.windowIdx < nWin && t === a.schedule[a.windowIdx].end;
  if (atEnd) a.windowIdx++;
  if (!(atEnd && middle)) return;
  if (o.adaptMassMatrix && a.welford.n >= 2) {
    a.inverseMassMatrix = welford.final(a.welford, o.regularizeMassMatrix);
    a.scaleTril = scaleOf(a.inverseMassMatrix, z.length, o.denseMass);
    a.welford = welford.init(z.length);
  }
  if (o.adaptStepSize) a.da = da.init(Math.log(10) + Math.log(a.stepSize));
}

/** out = A·v (A diagonal [d] or lower-triangular [d·d]). */
export function scaleMul(a: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
  const d = v.length;
  if (a.length === d) {
    for (let i = 0; i < d; i++) out[i] = a[i] * v[i];
    return out;
  }
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += a[i * d + k] * v[k];
    out[i] = s;
  }
  return out;
}

/** out = Aᵀ·v (A diagonal [d] or lower-triangular [d·d]). */
export function scaleTMul(a: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
  const d = v.length;
  if (a.length === d) {
    for (let i = 0; i < d; i++) out[i] = a[i] * v[i];
    return out;
  }
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = i; k < d; k++) s += a[k * d + i] * v[k];
    out[i] = s;
  }
  return out;
}

export function mhAdaptToJSON(a: MHAdaptState): MHAdaptStateJSON {
  return {
    stepSize: a.stepSize,
    inverseMassMatrix: Array.from(a.inverseMassMatrix),
    da: { ...a.da },
    welford: { n: a.welford.n, mean: Array.from(a.welford.mean), m2: Array.from(a.welford.m2) },
    windowIdx: a.windowIdx,
    schedule: a.schedule.map((w) => ({ ...w })),
  };
}

export function mhAdaptFromJSON(j: MHAdaptStateJSON, dense: boolean): MHAdaptState {
  const inv = Float64Array.from(j.inverseMassMatrix);
  const d = j.welford.mean.length;
  return {
    stepSize: j.stepSize,
    inverseMassMatrix: inv,
    scaleTril: scaleOf(inv, d, dense),
    da: { ...j.da },
    welford: {
      n: j.welford.n,
      mean: Float64Array.from(j.welford.mean),
      m2: Float64Array.from(j.welford.m2),
      delta: new Float64Array(d),
    },
    windowIdx: j.windowIdx,
    schedule: j.schedule.map((w) => ({ ...w })),
  };
}
