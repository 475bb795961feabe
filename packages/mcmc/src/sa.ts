import { ChainRandom, PhloxError, splitKey } from "@phlox/tensor";
import type { Model } from "./hmc-kernel.js";
import { cholesky } from "./internal/linalg.js";
import type { KernelInitArgs } from "./kernel.js";
import {
  type ModelSource,
  PotentialKernel,
  type PotentialSource,
  pickDefined,
  randInt,
  rngFrom,
  type WorkerKernelKind,
} from "./potential-kernel.js";

/** Options of {@link SA} (NumPyro's names). */
export interface SAOptions {
  /**
   * Number of points whose Gaussian fit is the proposal. Default 2·d (NumPyro's default). With so few
   * points the proposal is narrow and the draws' spread comes out low on correlated targets (about 15% low
   * on a correlated 3-D Gaussian); give a larger value, e.g. 10·d, when the tails matter.
   */
  adaptStateSize?: number;
  /** Fit a dense (full-covariance) Gaussian instead of a diagonal one. Default true (as NumPyro). */
  denseMass?: boolean;
}

/**
 * State of an {@link SA} chain: the current point `z` and its potential, the `m` adaptation points `zs`
 * ([m·d]) with potentials `pes`, the proposal scale `scale` ([d] or lower Cholesky [d·d]) kept for when
 * the fit of `zs` is singular, and the diagnostics.
 */
export interface SAState {
  i: number;
  z: Float64Array;
  potentialEnergy: number;
  acceptProb: number;
  meanAcceptProb: number;
  diverging: boolean;
  zs: Float64Array;
  pes: Float64Array;
  scale: Float64Array;
  numWarmup: number;
  rng: ChainRandom;
}

interface SAStateJSON {
  i: number;
  z: number[];
  potentialEnergy: number;
  acceptProb: number;
  meanAcceptProb: number;
  diverging: boolean;
  zs: number[];
  pes: (number | null)[];
  scale: number[];
  numWarmup: number;
  rng: ReturnType<ChainRandom["getState"]>;
}

const MAX_DELTA_ENERGY = 1000;
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Sample Adaptive MCMC (NumPyro's `SA`; Zhu 2019): a gradient-free sampler that keeps `adaptStateSize`
 * points, proposes from the Gaussian fitted to them, and drops one of the m + 1 points with probability
 * ∝ q₋ⱼ(zⱼ)/π(zⱼ) (q₋ⱼ: the Gaussian fitted to the others). One potential evaluation per step; needs many
 * warmup steps. The chain's draw at each step is one of the kept points picked at random.
 *
 * Differences from NumPyro 0.21: a point with infinite or NaN potential is dropped at once (NumPyro gives it
 * weight −∞, so it is never dropped).
 * @example
 * const U = (z: Float64Array) => 0.5 * z[0] ** 2;
 * const mcmc = new MCMC(new SA({ potentialFn: U, initParams: [0] }), { numWarmup: 20000, numSamples: 20000 });
 */
export class SA<
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> extends PotentialKernel<SAState, Args, Sites> {
  readonly sampleField = "z";
  readonly defaultFields: readonly string[] = ["diverging", "acceptProb", "meanAcceptProb"];
  protected readonly kind: WorkerKernelKind = "SA";
  private readonly opts: { adaptStateSize?: number; denseMass: boolean };

  constructor(potentialOptions: PotentialSource & SAOptions);
  constructor(model: Model<Args, Sites>, options?: ModelSource & SAOptions);
  constructor(a: (PotentialSource & SAOptions) | Model<Args, Sites>, b: ModelSource & SAOptions = {}) {
    super(a, b, "SA");
    const o: SAOptions = typeof a === "function" ? b : a;
    if (o.adaptStateSize !== undefined && !(Number.isInteger(o.adaptStateSize) && o.adaptStateSize > 1)) {
      throw new PhloxError(
        "sa-bad-adapt-state-size",
        `SA: adaptStateSize must be an integer > 1, got ${o.adaptStateSize}.`,
      );
    }
    this.opts = { adaptStateSize: o.adaptStateSize, denseMass: o.denseMass ?? true };
  }

  /** Starts a chain: m points around z₀ (z₀ + N(0, I)), and one of them as the current point. */
  init(args: KernelInitArgs<Args>): SAState {
    const { z0, key } = this.start(args);
    const d = z0.length;
    const m = this.opts.adaptStateSize ?? 2 * d;
    const dense = this.opts.denseMass;
    const [kSa, kZs, kZ] = splitKey(key, 3);
    const rz = new ChainRandom(kZs);
    const zs = new Float64Array(m * d);
    const pes = new Float64Array(m);
    const g = new Float64Array(d);
    const row = new Float64Array(d);
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < d; i++) row[i] = z0[i] + rz.normal();
      zs.set(row, j * d);
      const pe = this.U(row, g);
      pes[j] = Number.isNaN(pe) ? Number.POSITIVE_INFINITY : pe;
    }
    let scale: Float64Array;
    if (dense) {
      scale = new Float64Array(d * d);
      for (let i = 0; i < d; i++) scale[i * d + i] = 1;
    } else scale = new Float64Array(d).fill(1);
    const fit = fitScale(zs, m, d, dense);
    if (fit) scale = fit;
    const k = randInt(new ChainRandom(kZ), m);
    return {
      i: 0,
      z: zs.slice(k * d, (k + 1) * d),
      potentialEnergy: pes[k],
      acceptProb: 0,
      meanAcceptProb: 0,
      diverging: false,
      zs,
      pes,
      scale,
      numWarmup: args.numWarmup,
      rng: new ChainRandom(kSa),
    };
  }

  /** One SA step: propose from the fit, drop one of the m + 1 points, report one kept point. */
  sample(s: SAState): SAState {
    const d = s.z.length;
    const m = s.pes.length;
    const dense = this.opts.denseMass;
    const { zs, pes } = s;
    const loc = new Float64Array(d);
    for (let j = 0; j < m; j++) for (let i = 0; i < d; i++) loc[i] += zs[j * d + i] / m;
    const fit = fitScale(zs, m, d, dense);
    if (fit) s.scale = fit;
    const scale = s.scale;
    // Proposal z ~ N(loc, scale·scaleᵀ).
    const eps = new Float64Array(d);
    for (let i = 0; i < d; i++) eps[i] = s.rng.normal();
    const z = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let v = 0;
      if (dense) for (let k = 0; k <= i; k++) v += scale[i * d + k] * eps[k];
      else v = scale[i] * eps[i];
      z[i] = loc[i] + v;
    }
    const pe0 = this.U(z, new Float64Array(d));
    const pe = Number.isNaN(pe0) ? Number.POSITIVE_INFINITY : pe0;
    s.diverging = pe - s.potentialEnergy > MAX_DELTA_ENERGY;

    // Centred second moments of the current m points (bias=True), to fit each leave-one-out set quickly.
    const c = new Float64Array(m * d);
    for (let j = 0; j < m; j++) for (let i = 0; i < d; i++) c[j * d + i] = zs[j * d + i] - loc[i];
    const cz = new Float64Array(d);
    for (let i = 0; i < d; i++) cz[i] = z[i] - loc[i];
    const M = new Float64Array(dense ? d * d : d);
    for (let j = 0; j < m; j++) {
      if (dense) {
        for (let a = 0; a < d; a++)
          for (let b = 0; b <= a; b++) M[a * d + b] += (c[j * d + a] * c[j * d + b]) / m;
      } else for (let a = 0; a < d; a++) M[a] += (c[j * d + a] * c[j * d + a]) / m;
    }
    // Log weights of dropping each of the m + 1 points: log q₋ⱼ(zⱼ) + U(zⱼ); +∞ for a point of zero density.
    const logW = new Float64Array(m + 1);
    const delta = new Float64Array(d);
    const S = new Float64Array(dense ? d * d : d);
    const xj = new Float64Array(d);
    for (let j = 0; j <= m; j++) {
      const pj = j < m ? pes[j] : pe;
      if (!Number.isFinite(pj)) {
        logW[j] = Number.POSITIVE_INFINITY;
        continue;
      }
      if (j < m) {
        // Set with point j replaced by z: mean shifts by δ = (cz − cⱼ)/m.
        for (let a = 0; a < d; a++) delta[a] = (cz[a] - c[j * d + a]) / m;
        if (dense) {
          for (let a = 0; a < d; a++)
            for (let b = 0; b <= a; b++) {
              S[a * d + b] =
                M[a * d + b] + (cz[a] * cz[b] - c[j * d + a] * c[j * d + b]) / m - delta[a] * delta[b];
            }
        } else {
          for (let a = 0; a < d; a++)
            S[a] = M[a] + (cz[a] * cz[a] - c[j * d + a] * c[j * d + a]) / m - delta[a] ** 2;
        }
        for (let a = 0; a < d; a++) xj[a] = c[j * d + a] - delta[a];
      } else {
        delta.fill(0);
        S.set(M);
        for (let a = 0; a < d; a++) xj[a] = cz[a];
      }
      logW[j] = gaussLogDensity(xj, S, d, dense, j === m ? s.scale : undefined) + pj;
    }
    // Draw the point to drop.
    let j: number;
    let maxW = Number.NEGATIVE_INFINITY;
    for (const w of logW) if (w > maxW) maxW = w;
    let acceptProb: number;
    if (maxW === Number.POSITIVE_INFINITY) {
      // Points of zero density go first (the proposal's, if it is one).
      const inf: number[] = [];
      for (let t = 0; t <= m; t++) if (logW[t] === Number.POSITIVE_INFINITY) inf.push(t);
      j = inf.includes(m) ? m : inf[randInt(s.rng, inf.length)];
      acceptProb = j === m ? 0 : 1 / inf.length;
      s.rng.uniform(); // keep the stream's consumption per step fixed
    } else if (maxW === Number.NEGATIVE_INFINITY) {
      throw new PhloxError(
        "sa-degenerate",
        "SA: every adaptation point has zero proposal density (the points collapsed); use a larger adaptStateSize or denseMass: false.",
      );
    } else {
      let total = 0;
      for (let t = 0; t <= m; t++) total += Math.exp(logW[t] - maxW);
      const u = s.rng.uniform() * total;
      let acc = 0;
      j = m;
      for (let t = 0; t <= m; t++) {
        acc += Math.exp(logW[t] - maxW);
        if (u < acc) {
          j = t;
          break;
        }
      }
      acceptProb = 1 - Math.exp(logW[m] - maxW) / total;
    }
    if (j < m) {
      zs.set(z, j * d);
      pes[j] = pe;
    }
    s.acceptProb = acceptProb;
    const itr = s.i + 1;
    const n = s.i < s.numWarmup ? itr : itr - s.numWarmup;
    s.meanAcceptProb += (acceptProb - s.meanAcceptProb) / n;
    s.i = itr;
    const k = randInt(s.rng, m);
    s.z = zs.slice(k * d, (k + 1) * d);
    s.potentialEnergy = pes[k];
    return s;
  }

  /** e.g. "acc. prob=0.35". */
  diagnostics(s: SAState): string {
    return `acc. prob=${s.meanAcceptProb.toFixed(2)}`;
  }

  /** JSON form of a chain's state (for `postWarmupState`, `lastState` and parallel chains). */
  stateToJSON(s: SAState): SAStateJSON {
    return {
      i: s.i,
      z: Array.from(s.z),
      potentialEnergy: s.potentialEnergy,
      acceptProb: s.acceptProb,
      meanAcceptProb: s.meanAcceptProb,
      diverging: s.diverging,
      zs: Array.from(s.zs),
      pes: Array.from(s.pes, (p) => (Number.isFinite(p) ? p : null)),
      scale: Array.from(s.scale),
      numWarmup: s.numWarmup,
      rng: s.rng.getState(),
    };
  }

  /** Inverse of `stateToJSON`. */
  stateFromJSON(json: unknown): SAState {
    const j = json as SAStateJSON;
    return {
      i: j.i,
      z: Float64Array.from(j.z),
      potentialEnergy: j.potentialEnergy ?? Number.POSITIVE_INFINITY,
      acceptProb: j.acceptProb,
      meanAcceptProb: j.meanAcceptProb,
      diverging: j.diverging,
      zs: Float64Array.from(j.zs),
      pes: Float64Array.from(j.pes, (p) => (p === null ? Number.POSITIVE_INFINITY : p)),
      scale: Float64Array.from(j.scale),
      numWarmup: j.numWarmup,
      rng: rngFrom(j.rng),
    };
  }

  /** The options a worker passes back to the constructor. */
  protected workerOptions(): Record<string, unknown> {
    return pickDefined(this.opts, ["adaptStateSize", "denseMass"]);
  }
}

/** Scale of the Gaussian fitted to the m points (bias=True): std [d], or the Cholesky factor; undefined if singular. */
function fitScale(zs: Float64Array, m: number, d: number, dense: boolean): Float64Array | undefined {
  const mean = new Float64Array(d);
  for (let j = 0; j < m; j++) for (let i = 0; i < d; i++) mean[i] += zs[j * d + i] / m;
  if (!dense) {
    const sd = new Float64Array(d);
    for (let j = 0; j < m; j++) for (let i = 0; i < d; i++) sd[i] += (zs[j * d + i] - mean[i]) ** 2 / m;
    for (let i = 0; i < d; i++) sd[i] = Math.sqrt(sd[i]);
    return sd;
  }
  const cov = new Float64Array(d * d);
  for (let j = 0; j < m; j++)
    for (let a = 0; a < d; a++)
      for (let b = 0; b <= a; b++)
        cov[a * d + b] += ((zs[j * d + a] - mean[a]) * (zs[j * d + b] - mean[b])) / m;
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[b * d + a] = cov[a * d + b];
  try {
    return cholesky(cov, d, "SA");
  } catch {
    return undefined;
  }
}

/**
 * log N(x | 0, S) with S given by its lower triangle (dense) or as variances (diagonal); −∞ when S is not
 * positive definite. For the proposal's own point (`fallback`), NumPyro uses the scale actually used to
 * propose, which differs from the fit only when the fit is singular.
 */
function gaussLogDensity(
  x: Float64Array,
  S: Float64Array,
  d: number,
  dense: boolean,
  fallback?: Float64Array,
): number {
  if (!dense) {
    let lp = 0;
    for (let a = 0; a < d; a++) {
      const v = fallback ? fallback[a] * fallback[a] : S[a];
      if (!(v > 0)) return Number.NEGATIVE_INFINITY;
      lp += (-0.5 * (x[a] * x[a])) / v - 0.5 * Math.log(v) - 0.5 * LOG_2PI;
    }
    return lp;
  }
  let L: Float64Array;
  if (fallback) L = fallback;
  else {
    const full = new Float64Array(d * d);
    for (let a = 0; a < d; a++)
      for (let b = 0; b <= a; b++) {
        full[a * d + b] = S[a * d + b];
        full[b * d + a] = S[a * d + b];
      }
    try {
      L = cholesky(full, d, "SA");
    } catch {
      return Number.NEGATIVE_INFINITY;
    }
  }
  // Solve L y = x; log N = −½|y|² − Σ log Lᵢᵢ − d/2 log 2π.
  const y = new Float64Array(d);
  let lp = -0.5 * d * LOG_2PI;
  for (let a = 0; a < d; a++) {
    let v = x[a];
    for (let b = 0; b < a; b++) v -= L[a * d + b] * y[b];
    y[a] = v / L[a * d + a];
    lp -= 0.5 * y[a] * y[a] + Math.log(L[a * d + a]);
  }
  return lp;
}
