import { ConstraintError } from "@phlox/tensor";
/**
 * The state of {@link dualAveraging}: the current iterate `x`, its weighted average `xAvg`, the average
 * statistic `gAvg`, the step count `t` and the centre `mu` the iterates are pulled towards.
 */
export interface DualAveragingState {
  x: number;
  xAvg: number;
  gAvg: number;
  t: number;
  mu: number;
}

/** Options of {@link dualAveraging} (Hoffman & Gelman 2014, §3.2; NumPyro's and Stan's defaults). */
export interface DualAveragingOptions {
  /** Stabilises the first iterations. Default 10. */
  t0?: number;
  /** Forgetting rate of the average, in (0.5, 1]. Default 0.75. */
  kappa?: number;
  /** Speed of convergence. Default 0.05. */
  gamma?: number;
}

/** The `{ init, update }` pair returned by {@link dualAveraging}. */
export interface DualAveraging {
  /** Starts the scheme with proximity centre `mu` (for step sizes, log(10·ε₀)). */
  init(mu?: number): DualAveragingState;
  /** Feeds statistic `g` (for step sizes, target − acceptProb); updates `state` in place and returns it. */
  update(g: number, state: DualAveragingState): DualAveragingState;
}

/**
 * Nesterov's dual averaging as adapted for MCMC step sizes (Hoffman & Gelman 2014, eq. 6; NumPyro's
 * `dual_averaging`): x_t = μ − √t/γ · ḡ_t with ḡ_t the (t₀-damped) mean of the statistics, and
 * x̄_t = t^(−κ)·x_t + (1 − t^(−κ))·x̄_{t−1}. Driving g = δ − α to zero finds log ε with mean acceptance δ.
 * @param options - `t0`, `kappa`, `gamma`.
 * @returns `{ init, update }` over a {@link DualAveragingState}.
 * @throws RangeError if kappa ∉ (0.5, 1] or t0 < 0 or gamma ≤ 0.
 * @example
 * const da = dualAveraging();
 * const s = da.init(0);
 * for (let i = 0; i < 2000; i++) da.update(s.x - 1, s); // minimises ½(x − 1)²
 * Math.abs(s.xAvg - 1) < 1e-3; // → true
 */
export function dualAveraging(options: DualAveragingOptions = {}): DualAveraging {
  const t0 = options.t0 ?? 10;
  const kappa = options.kappa ?? 0.75;
  const gamma = options.gamma ?? 0.05;
  if (!(kappa > 0.5 && kappa <= 1))
    throw new ConstraintError(
      "dual-averaging-options",
      `dualAveraging: kappa must be in (0.5, 1], got ${kappa}.`,
    );
  if (!(t0 >= 0))
    throw new ConstraintError("dual-averaging-options", `dualAveraging: t0 must be ≥ 0, got ${t0}.`);
  if (!(gamma > 0))
    throw new ConstraintError("dual-averaging-options", `dualAveraging: gamma must be > 0, got ${gamma}.`);
  return {
    init: (mu = 0) => ({ x: 0, xAvg: 0, gAvg: 0, t: 0, mu }),
    update(g, s) {
      s.t += 1;
      const w = 1 / (s.t + t0);
      s.gAvg = (1 - w) * s.gAvg + w * g;
      s.x = s.mu - (Math.sqrt(s.t) / gamma) * s.gAvg;
      const eta = s.t ** -kappa;
      s.xAvg = (1 - eta) * s.xAvg + eta * s.x;
      return s;
    },
  };
}
