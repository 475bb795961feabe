import { expect } from "vitest";
import type { ModelInfo } from "../initialize-model.js";
import type { FixtureModel, Point, Z } from "./edge-models.js";
import { eightSchoolsPotential } from "./models.js";

// The DEVIATIONS of potential-edge.test.ts: where Phlox's potential differs from NumPyro's at the fixture's
// points, which side is right, the file at fault, and an independent check of each.

/** a equals b to rtol·max(1, |b|), or is the same ±∞/NaN. */
export const close = (a: number, b: number, rtol: number, scale = Math.max(1, Math.abs(b))): boolean =>
  Object.is(a, b) ||
  (Number.isNaN(a) && Number.isNaN(b)) ||
  (Number.isFinite(b) && Math.abs(a - b) <= rtol * scale);

// ---- independent reference numbers (double precision, written out by hand, stable in log space) ----

const LOG_2PI = Math.log(2 * Math.PI);
const softplus = (t: number): number => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
const sigmoid1 = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));
type D = FixtureModel["data"];
const nums = (d: D, k: string): number[] => d[k] as number[];
const at = (z: Z, k: string, i = 0): number => (z[k] as number[])[i] as number;

/** ∂U/∂(a, b) of the logit GLMs: a/4 + Σ(n·σ(η) − y), b/4 + Σ(n·σ(η) − y)·x. */
function logitGlmGrad(z: Z, d: D): Z {
  const a = at(z, "a");
  const b = at(z, "b");
  let ga = a / 4;
  let gb = b / 4;
  nums(d, "x").forEach((xi, i) => {
    const r =
      (d.n === undefined ? 1 : (nums(d, "n")[i] as number)) * sigmoid1(a + b * xi) -
      (nums(d, "y")[i] as number);
    ga += r;
    gb += r * xi;
  });
  return { a: [ga], b: [gb] };
}

/** U of `dirichlet_categorical` (stick breaking, Dirichlet([1, 2, 3]), y = [0, 2, 2, 1]) in log space, unclipped. */
function dirichletU(z: Z): number {
  const t0 = at(z, "w", 0) - Math.log(2);
  const t1 = at(z, "w", 1);
  const lw0 = -softplus(-t0);
  const l1m0 = -softplus(t0);
  const lw1 = l1m0 - softplus(-t1);
  const lw2 = l1m0 - softplus(t1);
  const logDir = Math.log(60) + lw1 + 2 * lw2; // Γ(6)/(Γ(1)Γ(2)Γ(3)) = 60
  const logLik = lw0 + 2 * lw2 + lw1;
  const logJ = lw0 + l1m0 + lw1 - softplus(t1);
  return -(logDir + logLik + logJ);
}

const EULER_GAMMA = 0.5772156649015329;
/** U and ∇U of `gamma_inverse_gamma` at a = e^0 = 1 (lgamma(1) = 0, ψ(1) = −γ), with log b = z_b exactly. */
function gammaInverseGamma(z: Z, d: D): { value: number; grad: Z } {
  expect(at(z, "a")).toBe(0);
  const zb = at(z, "b");
  const y = nums(d, "y");
  const sy = y.reduce((s, v) => s + v, 0);
  const sly = y.reduce((s, v) => s + Math.log(v), 0);
  const lp =
    2 * Math.log(0.5) - 0.5 + (2 * Math.LN2 - 4 * zb - 2 * Math.exp(-zb)) + (4 * zb - Math.exp(zb) * sy) + zb;
  return {
    value: -lp,
    grad: {
      a: [-(2 - 0.5 + 4 * zb + 4 * EULER_GAMMA + sly)],
      b: [-(-3 + 2 * Math.exp(-zb) + 4 - Math.exp(zb) * sy)],
    },
  };
}

/** U and ∇U of `ordered_transformed`: the two log-Jacobians cancel, U = ½|z|² + ½|y − T(z)|² + 3 log 2π. */
function orderedTransformed(z: Z, d: D): { value: number; grad: Z } {
  const [z0, z1, z2] = z.mu as [number, number, number];
  const t = [z0, z0 + Math.exp(z1), z0 + Math.exp(z1) + Math.exp(z2)];
  const r = t.map((v, k) => v - (nums(d, "y")[k] as number));
  const [r0, r1, r2] = r as [number, number, number];
  return {
    value: 0.5 * (z0 * z0 + z1 * z1 + z2 * z2) + 0.5 * (r0 * r0 + r1 * r1 + r2 * r2) + 3 * LOG_2PI,
    grad: { mu: [z0 + r0 + r1 + r2, z1 + Math.exp(z1) * (r1 + r2), z2 + Math.exp(z2) * r2] },
  };
}

/** Central differences of Phlox's own U, h = 1e-6·max(1, |z_i|), with the rounding of U in the bound. */
function expectCentralDifferences(
  info: ModelInfo,
  z: Float64Array,
  u: number,
  g: Float64Array,
  skip: number[] = [],
): void {
  for (let i = 0; i < z.length; i++) {
    if (skip.includes(i)) continue;
    const h = 1e-6 * Math.max(1, Math.abs(z[i] as number));
    const zp = Float64Array.from(z);
    const zm = Float64Array.from(z);
    zp[i] = (z[i] as number) + h;
    zm[i] = (z[i] as number) - h;
    const tmp = new Float64Array(z.length);
    const cd = (info.potentialFn(zp, tmp) - info.potentialFn(zm, tmp)) / (2 * h);
    const gi = g[i] as number;
    const tol = 1e-5 * Math.max(1, Math.abs(gi)) + (8 * 2.2e-16 * Math.abs(u)) / h;
    expect(Math.abs(gi - cd), `∂U/∂z[${i}] = ${gi}, central differences ${cd}`).toBeLessThanOrEqual(tol);
  }
}

/** What a check sees: Phlox's U and ∇U at the point, by site name. */
export interface Ctx {
  info: ModelInfo;
  z: Float64Array;
  zs: Z;
  d: D;
  u: number;
  g: Float64Array;
  grad: Z;
  /** The fixture's high-precision U and ∇U at the point, for models that have them. */
  truth: Point["truth"];
}

/**
 * How Phlox's numbers differ from NumPyro's jitted ones at the listed points:
 * - `numpyro-eager`: Phlox equals NumPyro *without* `jax.jit` (the fixture's `eager` record): XLA rewrites
 *   log(exp(x)) to x (and the like), which Phlox's compiler does not; where that U is ±∞/NaN the gradients are
 *   not compared (NUTS never uses the gradient at a non-finite potential: mcmc's trajectory.ts turns it into a
 *   divergence).
 * - `nonfinite-potential`: the same ±∞/NaN U as NumPyro; the gradients differ in which components are NaN/±∞
 *   (not compared, for the same reason).
 * - `finite-grad`: the same U; Phlox's gradient is finite where NumPyro's is NaN/±∞, and equals NumPyro's
 *   elsewhere; `check` shows it is right.
 * - `ill-conditioned`: U within `valueRtol`, ∇U within `gradRtol`·max(1, ‖∇U‖∞) of NumPyro's, at points where U is
 *   so large (≥ 1e6) that NUTS rejects any step there, and the digits are set by a matrix with a condition number
 *   near 1/ε (a clipped correlation, a Cholesky factor with diagonal e^±100).
 * - `pinned`: Phlox's U (and, unless `grad` is left out, ∇U: numbers by site, or "finite") given here.
 * - `truth`: Phlox is right and NumPyro is not: Phlox's U and every component of ∇U (but those named in `gradExcept`,
 *   "site[i]", which `check` pins) equal the fixture's high-precision truth (the point's `truth` record: 400-digit
 *   decimal in the script) to `valueRtol` (default 1e-14) and `gradRtol` (default 1e-13) relative to max(1, |truth|).
 */
export type Expect =
  | { kind: "numpyro-eager" }
  | { kind: "nonfinite-potential" }
  | { kind: "finite-grad" }
  | { kind: "ill-conditioned"; valueRtol: number; gradRtol: number }
  | { kind: "pinned"; value: number; grad?: Z | "finite" }
  | { kind: "truth"; valueRtol?: number; gradRtol?: number; gradExcept?: readonly string[] };
export interface Deviation {
  model: string;
  points: readonly string[];
  expect: Expect;
  /** Which number is right and why; where Phlox's is wrong, the file and function at fault. */
  why: string;
  /** An independent check: that Phlox's numbers are right, or (where Phlox is wrong too) what right is. */
  check?: (c: Ctx) => void;
}

const ALL_EXTREMES = (site: string, signs: "+" | "-" | "±" = "±", from = 20): string[] =>
  [20, 50, 100, 300, 700, 750]
    .filter((v) => v >= from)
    .flatMap((v) => (signs === "+" ? [v] : signs === "-" ? [-v] : [v, -v]))
    .map((v) => `${site}=${v}`);

export const DEVIATIONS: Deviation[] = [
  // ---- NumPyro's jit rewrites log(exp(x)) → x; Phlox computes what NumPyro computes without jit ----
  {
    model: "exponential_rate",
    points: ["lam[0]=750", "lam[0]=-750"],
    expect: { kind: "numpyro-eager" },
    why:
      "λ = exp(±750) is ∞ or 0, and Exponential(λ).logProb(y) = log λ − λy is ∞ − ∞ = NaN or log 0 = −∞. Under jit " +
      "XLA folds log(exp(z)) into z, so NumPyro's jitted U is +∞ (right: the true U overflows) at +750 and 3750 " +
      "(the true U, e^z(1 + Σy) − 5z) at −750; Phlox, like un-jitted NumPyro, gives NaN (rejected like +∞) and +∞. " +
      "Root cause: no log(exp(x)) rewrite in @phlox/backend-js's compile (nor an ExpTransform that hands its log on).",
    check: ({ zs, d, u }) => {
      if (at(zs, "lam") < 0) {
        const truth =
          Math.exp(at(zs, "lam")) * (1 + nums(d, "y").reduce((s, v) => s + v, 0)) - 5 * at(zs, "lam");
        expect(truth).toBe(3750);
        expect(u).toBe(Infinity);
      }
    },
  },
  {
    model: "poisson_exp_glm",
    points: ["a[0]=750", "a[0]=-750", "b[0]=700", "b[0]=750", "random2"],
    expect: { kind: "numpyro-eager" },
    why:
      "rate = exp(η) overflows to ∞ (or underflows to 0 at a = −750) and y·log(rate) − rate is ∞ − ∞ (or −∞); jitted " +
      "NumPyro folds log(exp(η)) into η. As for exponential_rate (the true U is +∞ by overflow at the positive points, " +
      "finite at a = −750).",
  },
  {
    model: "positive_ordered",
    points: ["a[0]=750", "a[0]=-750", ...["a[1]", "a[2]"].flatMap((s) => ALL_EXTREMES(s, "+").slice(0, 5))],
    expect: { kind: "numpyro-eager" },
    why:
      "a = exp(ordered(z)) overflows (or a[0] underflows to 0): Gamma(2, 1).logProb(a) = log a − a is ∞ − ∞ (or " +
      "log 0 = −∞ next to Exponential(1/a)'s 1/0): NaN, where jitted NumPyro's log(exp(·)) rewrite gives +∞ " +
      "(the right class: the true U overflows).",
  },
  {
    model: "student_t_df",
    points: ["nu[0]=-750", "sigma[0]=-750"],
    expect: { kind: "numpyro-eager" },
    why:
      "ν or σ = exp(−750) = 0: log-terms of 0 meet 0·∞ (NaN), which jitted NumPyro's log(exp(z)) → z rewrite avoids " +
      "(+∞; the true U is finite but beyond any accepted energy).",
  },
  {
    model: "weibull",
    points: ["k[0]=-750", "lam[0]=-750"],
    expect: { kind: "numpyro-eager" },
    why:
      "k or λ = exp(−750) = 0: log k = −∞ (U = +∞, where jitted NumPyro keeps log k = −750 and the true U is its " +
      "finite 3756.1…), or at λ = 0 −k·log λ = +∞ meets −(y/λ)^k = −∞: NaN, as in un-jitted NumPyro.",
  },
  {
    model: "gamma_inverse_gamma",
    points: ["b[0]=750", "b[0]=-750"],
    expect: { kind: "numpyro-eager" },
    why:
      "b = exp(±750): Gamma(a, b).logProb(y) = a·log b − b·y is ∞ − ∞ = NaN (jitted NumPyro: a·750 − ∞ = −∞, U = +∞, the " +
      "right class), and at b = 0 InverseGamma's −2/b = −∞ meets log b = −∞ (NaN in both, un-jitted).",
  },

  {
    model: "eight_schools_partial",
    points: ["tau[0]=750", "tau[0]=-750"],
    expect: { kind: "numpyro-eager" },
    why:
      "LocScaleReparam(0.3) (packages/infer/src/reparam/loc-scale.ts, the same formulas as NumPyro's): τ = exp(±750) " +
      "is ∞ or 0, so τ^0.3 and τ^0.7 are too, and τ^0.7·(θ_dec − 0.3μ) = ∞·0 = NaN. Jitted NumPyro rewrites " +
      "pow(exp(z), c) into exp(c·z) (e^±225, e^±525: finite), giving +∞ at +750 (from HalfCauchy's log1p(τ²)) and the " +
      "true, finite U at −750. Nothing in LocScaleReparam can recover what exp(−750) = 0 lost; the fix is the same " +
      "compiler rewrite as for log(exp(x)).",
  },

  // ---- the same non-finite U; the gradient there is never used ----
  {
    model: "lkj_cholesky_mvn",
    points: ["sd[0]=-700", "random1", "random3"],
    expect: { kind: "nonfinite-potential" },
    why: "sd·L has a row scaled by e^−700 (or a column by e^750): the MVN's solve overflows to ±∞/NaN in both.",
  },
  {
    model: "wishart_cholesky_mvn",
    points: ["L[5]=-700"],
    expect: { kind: "nonfinite-potential" },
    why: "L₂₂ = e^−700: y/L₂₂ overflows and U = +∞ in both; NumPyro's ∂U/∂L[1..2] are ±∞ where Phlox's are NaN.",
  },
  {
    model: "student_t_df",
    points: ["sigma[0]=-700", "random0"],
    expect: { kind: "nonfinite-potential" },
    why:
      "((y − μ)/σ)² overflows (σ = e^−700, or σ = e^750 with ν = e^−700) before log1p: U = +∞ in both, although the " +
      "true U is finite (StudentT.logProb could use 2·log|z| + log1p(ν/z²) for large |z|, in both libraries). Phlox's " +
      "gradient is finite in ν/σ where NumPyro's is NaN.",
  },

  {
    model: "weibull",
    points: ["lam[0]=750"],
    expect: { kind: "nonfinite-potential" },
    why:
      "λ = e^750 = ∞ with k = 1: U = +∞ in both, the right class (HalfNormal(5)'s λ²/50 alone overflows). Weibull's " +
      "logProb keeps (k − 1)·log x and k·log λ apart, as NumPyro does (before, (k − 1)·log(x/λ) was 0·(−∞) = NaN). " +
      "The gradients differ (Phlox NaN, where ∂/∂k of (x/λ)^k meets log(x/λ)·(x/λ)^k = −∞·0; NumPyro 2996 and ∞) and " +
      "are never used at U = +∞.",
    check: ({ zs, u }) => {
      expect(u).toBe(Infinity);
      expect(Math.exp(2 * at(zs, "lam")) / 50).toBe(Infinity);
    },
  },

  // ---- OrderedLogistic: Phlox's log-space class probabilities against the fixture's 400-digit truth ----
  {
    model: "ordered_logistic",
    points: [
      ...["beta[0]=-20", "beta[0]=50", ...ALL_EXTREMES("beta[0]", "±", 100), "beta[0]=-50"],
      ...ALL_EXTREMES("cutpoints[0]", "+"),
      "cutpoints[0]=-750",
      "cutpoints[1]=20",
      ...ALL_EXTREMES("cutpoints[2]", "+").slice(0, 4),
      "random0",
    ],
    expect: { kind: "truth" },
    why:
      "Phlox right, NumPyro loses precision. NumPyro's OrderedLogistic differences sigmoids, σ(c_k − η) − σ(c_{k−1} − η), " +
      "which round to 0 once both are within ε of 1 (or both underflow): log 0, U = +∞ (or −finfo.min = 1.8e308 " +
      "where it clips log p) with NaN gradients, although the true U is finite; or which keep a digit or two (β = 50: " +
      "σ(36) − σ(35) ≈ 4e−16 from two numbers within 1e−15 of 1, U 0.108 low; c₀ = 20: U 2.4e−9 relative off). " +
      "Phlox's OrderedLogistic (packages/distributions/src/discrete/ordered-logistic.ts) forms log P(k) in log " +
      "space, −softplus(−d_k) − softplus(d_{k−1}) + log(1 − e^(c_{k−1} − c_k)) with d_k = c_k − η, and its U and " +
      "∇U equal the truth to rounding.",
  },
  {
    model: "ordered_logistic",
    points: ["cutpoints[1]=-20"],
    expect: { kind: "truth", gradRtol: 1e-7 },
    why:
      "c₁ − c₀ = e^−20: NumPyro's σ(c₁ − η) − σ(c₀ − η) keeps 7 digits (U 2e−9 relative off the truth); Phlox's U is " +
      "the truth to rounding, its ∂U/∂z₀ 1e−8 off: ∂U/∂c₀ and ∂U/∂c₁ carry ∓1/(e^(c₁−c₀) − 1) ≈ ∓5e8 from " +
      "log(1 − e^(c₀ − c₁)), which cancel in ∂U/∂z₀ (c₁ = c₀ + e^z₁) and leave their rounding.",
  },
  {
    model: "ordered_logistic",
    points: ["cutpoints[1]=-50", "cutpoints[1]=-100", "cutpoints[1]=-300", "cutpoints[1]=-700"],
    expect: { kind: "truth", gradExcept: ["cutpoints[0]"] },
    why:
      "c₁ − c₀ = e^z₁ ≤ e^−50 (c₀ = 0, so c₁ = e^z₁ exactly): NumPyro's σ(c₁ − η) − σ(c₀ − η) rounds to 0 and its U " +
      "is +∞; Phlox's U and its ∂U/∂(β, z₁, z₂) are the truth. Its ∂U/∂z₀ is 0 where the true one is 1.30: the " +
      "∓1/(c₁ − c₀) ≈ ∓5e21 that ∂U/∂c₀ and ∂U/∂c₁ carry from log(1 − e^(c₀ − c₁)) cancel exactly in ∂U/∂z₀ " +
      "(c₁ = c₀ + e^z₁) and take the O(1) rest with them. Root cause: reverse mode through OrderedTransform's " +
      "cumulative sum, as for ordered_transformed below; OrderedLogistic, which sees only c, cannot avoid it.",
    check: ({ grad, truth }) => {
      expect(at(grad, "cutpoints", 0)).toBe(0);
      expect(at(truth?.grad ?? {}, "cutpoints", 0)).toBeCloseTo(1.3042868470011257, 12);
    },
  },
  {
    model: "ordered_logistic",
    points: ["cutpoints[1]=50", "cutpoints[1]=100", "cutpoints[1]=300", "cutpoints[1]=-750", "random2"],
    expect: { kind: "nonfinite-potential" },
    why:
      "U = +∞ in both where the true U is finite: c_k = c_{k−1} + e^z_k rounds to c_{k−1} in float64 (e^50 + 1 = " +
      "e^50; e^−750 = 0), so class k is empty in double precision and an observation in it has log P = −∞. Root " +
      "cause: OrderedTransform's float64 cumulative sum (in both libraries); OrderedLogistic only sees the rounded c. " +
      "NumPyro's gradient is NaN, Phlox's finite.",
    check: ({ u, truth }) => {
      expect(u).toBe(Infinity);
      expect(Number.isFinite(truth?.value)).toBe(true);
    },
  },
  {
    model: "ordered_logistic",
    points: ALL_EXTREMES("cutpoints[2]", "-", 50),
    expect: { kind: "pinned", value: Infinity },
    why:
      "As above (c₂ = c₁ + e^z₂ rounds to c₁ = 1): U = +∞ in Phlox; NumPyro clips log p at the float64 minimum, so " +
      "its U is −(−1.8e308), finite but as meaningless, with NaN gradients. The true U is finite.",
    check: ({ u, truth }) => {
      expect(u).toBe(Infinity);
      expect(Number.isFinite(truth?.value)).toBe(true);
    },
  },
  {
    model: "ordered_logistic",
    points: ["cutpoints[1]=700", "cutpoints[1]=750", "cutpoints[2]=700", "cutpoints[2]=750"],
    expect: { kind: "nonfinite-potential" },
    why:
      "A cutpoint e^700 or e^750 puts c² in the Normal(0, 3) prior beyond float64: U = +∞ in both and in truth; " +
      "NumPyro's gradient is NaN, Phlox's NaN or ±∞ in some components.",
    check: ({ u, truth }) => {
      expect(u).toBe(Infinity);
      expect(truth?.value).toBe(Infinity);
    },
  },
  {
    model: "ordered_logistic",
    points: ["cutpoints[2]=-20"],
    expect: { kind: "ill-conditioned", valueRtol: 1e-9, gradRtol: 1e-7 },
    why:
      "c₂ = c₁ + e^−20 = 1 + 2e−9 keeps the gap to 7 digits in float64 (OrderedTransform, both libraries): both U " +
      "are 6e−10 to 9e−10 (relative) off the truth and the gradients 1e−8 to 1e−7; NumPyro's own jitted and " +
      "un-jitted gradients differ by 3e−8 here.",
    check: ({ u, truth }) => expect(close(u, truth?.value ?? Number.NaN, 1e-9)).toBe(true),
  },

  // ---- Phlox's gradient is finite where NumPyro's is not ----
  {
    model: "eight_schools_centered",
    points: ["tau[0]=-700"],
    expect: { kind: "finite-grad" },
    why:
      "τ = e^−700 with θ = μ: (θ − μ)/τ = 0, and Phlox's gradient is the analytic one; jitted NumPyro's is NaN " +
      "everywhere (0·∞ from 1/τ²), un-jitted NumPyro's NaN in τ.",
    check: ({ z, u, g }) => {
      const want = new Float64Array(z.length);
      const uw = eightSchoolsPotential(z, want);
      expect(close(u, uw, 1e-12)).toBe(true);
      for (let i = 0; i < z.length; i++)
        expect(close(g[i] as number, want[i] as number, 1e-12), `∂U/∂z[${i}]`).toBe(true);
    },
  },
  {
    model: "beta_binomial",
    points: ["p[0]=-750"],
    expect: { kind: "finite-grad" },
    why:
      "p = σ(−750) is clipped to the smallest normal float64, as NumPyro clips it, so U is flat in z there but for " +
      "log|J| (∂U/∂z = −(1 − 2σ(z)) = −1); NumPyro's derivative of the clip is NaN (0·∞).",
    check: ({ info, z, u, g }) => expectCentralDifferences(info, z, u, g),
  },
  {
    model: "student_t_df",
    points: ["nu[0]=-700"],
    expect: { kind: "finite-grad" },
    why:
      "ν = e^−700: NumPyro's ∂U/∂z_ν is −∞ (the 1/ν and ψ(ν/2) terms overflow before their product with dν/dz = ν); " +
      "Phlox's −7 is the derivative of U (central differences).",
    check: ({ info, z, u, g }) => expectCentralDifferences(info, z, u, g),
  },

  // ---- Phlox's U (or gradient) differs from NumPyro's, pinned ----
  {
    model: "gamma_inverse_gamma",
    points: ["b[0]=700"],
    expect: { kind: "pinned", value: 7.809586821459535e304, grad: "finite" },
    why:
      "b = e^700 ≈ 1.01e304: U = b·Σy + … ≈ 7.81e304 is finite and Phlox's is right; NumPyro's InverseGamma (a " +
      "TransformedDistribution with PowerTransform(−1)) forms y/x = b² = ∞ in log|J|, so its U is +∞ and ∂U/∂z_b NaN.",
    check: ({ zs, d, u, grad }) => {
      const t = gammaInverseGamma(zs, d);
      expect(close(u, t.value, 1e-12), `U = ${u}, analytic ${t.value}`).toBe(true);
      expect(close(at(grad, "a"), at(t.grad, "a"), 1e-12)).toBe(true);
      expect(close(at(grad, "b"), at(t.grad, "b"), 1e-12)).toBe(true);
    },
  },
  {
    model: "gamma_inverse_gamma",
    points: ["b[0]=-700"],
    expect: { kind: "pinned", value: 2.028464109470009e304, grad: { a: [2794.62252142248], b: [-Infinity] } },
    why:
      "b = e^−700: U = 2/b + … ≈ 2.03e304 is finite and Phlox's U is right, where NumPyro's is −∞ (log|J| of " +
      "PowerTransform(−1) = log(y/x) = log(∞)). Phlox's ∂U/∂z_b is −∞ where the true one is −2/b ≈ −2.03e304 (NumPyro: " +
      "NaN): reverse mode reaches z_b through b = e^z_b, so it needs ∂U/∂b, and ∂/∂b of InverseGamma(3, 2)'s −2/b is " +
      "2/b² ≈ 4e608, beyond float64, however logProb is written (−2·exp(−log b) gives the same −∞). Only a compiler " +
      "rewrite log(exp(z)) → z (as XLA's; @phlox/backend-js has none), or a transform that hands on log b, would keep " +
      "it finite.",
    check: ({ zs, d, u, grad }) => {
      const t = gammaInverseGamma(zs, d);
      expect(close(u, t.value, 1e-12), `U = ${u}, analytic ${t.value}`).toBe(true);
      expect(close(at(grad, "a"), at(t.grad, "a"), 1e-12)).toBe(true);
      expect(Number.isFinite(at(t.grad, "b"))).toBe(true); // what ∂U/∂z_b should be
    },
  },
  ...(
    [
      ["mu[1]=-20", 206.11363119799137, [0.39999961853027344, -20.000000001236693, -0.3999999979388462]],
      ["mu[1]=-50", 1256.1136311992282, [0, -50, -0.3999999999999999]],
      ["mu[1]=-100", 5006.113631199228, [0, -100, -0.3999999999999999]],
      ["mu[1]=-300", 45006.11363119923, [0, -300, -0.3999999999999999]],
      ["mu[1]=-700", 245006.1136311992, [0, -700, -0.3999999999999999]],
    ] as const
  ).map(
    ([point, value, mu]): Deviation => ({
      model: "ordered_transformed",
      points: [point],
      expect: { kind: "pinned", value, grad: { mu: [...mu] } },
      why:
        "TransformedDistribution(Normal, OrderedTransform) at the support's own bijection: logProb inverts y = T(z) " +
        "again, x₁ = log(y₁ − y₀) with y₁ − y₀ = e^z₁, and the reverse pass sends ±e^−z₁ through y₀ and y₁ that " +
        "should cancel exactly in ∂U/∂z₀; they leave rounding noise (NumPyro 0.6, Phlox 0, true 0.4 at z₁ ≤ −50; " +
        "at z₁ = −20 Phlox is 4e−7 off, NumPyro 8e−7). Root cause in both: TransformedDistribution.logProb recomputes " +
        "x = T⁻¹(T(z)) (packages/distributions/src/meta/transformed-distribution.ts); a cached pre-image, as in " +
        "Pyro's cache_size=1 transforms, would give x = z exactly.",
      check: ({ zs, d, u, grad }) => {
        const t = orderedTransformed(zs, d);
        expect(close(u, t.value, 1e-12)).toBe(true);
        expect(close(at(grad, "mu", 1), at(t.grad, "mu", 1), 1e-12)).toBe(true);
        expect(Math.abs(at(grad, "mu", 0) - at(t.grad, "mu", 0))).toBeGreaterThan(1e-7); // Phlox is off
      },
    }),
  ),
  {
    model: "dirichlet_categorical",
    points: ["w[1]=20"],
    expect: { kind: "pinned", value: 101.34660089646866 },
    why:
      "1 − σ(20) ≈ 2e−9 rounded by NumPyro's stick breaking (it differences 1 − z) costs it 1.4e−9 of U; Phlox's " +
      "log-space stick breaking gives the analytic value.",
    check: ({ zs, u }) =>
      expect(close(u, dirichletU(zs), 1e-13), `U ${u}, analytic ${dirichletU(zs)}`).toBe(true),
  },
  {
    model: "dirichlet_categorical",
    points: ["w[1]=-750"],
    expect: { kind: "pinned", value: 2126.535856476772, grad: { w: [1.333333333333333, 0] } },
    why:
      "σ(−750) clipped to the smallest normal float64 (as in NumPyro): the densities see w₂ = tiny·(2/3), log|J| is " +
      "summed in log space; U is finite (2126.5; unclipped it is 2251.3). NumPyro's log|J| takes log(0) = −∞ and its U " +
      "is +∞. ∂U/∂z₁ = 0 where the clip is flat.",
    check: ({ info, z, zs, u, g }) => {
      expectCentralDifferences(info, z, u, g);
      expect(dirichletU(zs)).toBeCloseTo(2251.34660088, 7);
    },
  },
  {
    model: "bernoulli_logit_glm",
    points: ["origin"],
    expect: { kind: "pinned", value: 7.383054510888908, grad: { a: [0], b: [-2.5] } },
    why:
      "Every logit is exactly 0 at the origin: NumPyro's binary_cross_entropy_with_logits, clip(x, 0) + " +
      "log1p(exp(−|x|)) − x·y, has JAX derivative 0 there instead of σ(0) = ½, so its ∂U/∂a misses ½ per row. " +
      "Phlox's softplus gives the analytic gradient.",
    check: ({ zs, d, grad }) => {
      const t = logitGlmGrad(zs, d);
      expect(close(at(grad, "a"), at(t, "a"), 1e-12) && close(at(grad, "b"), at(t, "b"), 1e-12)).toBe(true);
    },
  },
  {
    model: "binomial_logit_glm",
    points: ["origin"],
    expect: { kind: "pinned", value: 22.509638517316723, grad: { a: [-4.5], b: [-20.1] } },
    why: "As bernoulli_logit_glm: NumPyro's Binomial(logits) has derivative 0 in place of n·σ(0) at logit 0.",
    check: ({ zs, d, grad }) => {
      const t = logitGlmGrad(zs, d);
      expect(close(at(grad, "a"), at(t, "a"), 1e-12) && close(at(grad, "b"), at(t, "b"), 1e-12)).toBe(true);
    },
  },
  {
    model: "wishart_mvn",
    points: ["S[3]=-300"],
    expect: {
      kind: "pinned",
      value: 3.3579880678276456e260,
      grad: {
        S: [
          5.633036546199642e129,
          2.447457258003982e130,
          -0.71,
          -Infinity,
          -1.0100000000000002,
          -0.9899999999999998,
        ],
      },
    },
    why:
      "S = L·Lᵀ with L₁₁ = e^−300: U ≈ 3.4e260 is finite in both, NumPyro's gradient is NaN in every component and " +
      "Phlox's is finite but for ∂U/∂S[3] = −∞, where the true one is ≈ −2U (central differences): the derivative of " +
      "MultivariateNormal(covarianceMatrix) through cholesky(S) meets 1/L₁₁² = ∞ (packages/distributions mvn.ts with " +
      "the PositiveDefinite bijection). Any NUTS step there is rejected (U ≈ 3e260).",
    check: ({ info, z, u }) => {
      const h = 1e-6 * 300;
      const zp = Float64Array.from(z);
      const zm = Float64Array.from(z);
      zp[3] = -300 + h;
      zm[3] = -300 - h;
      const tmp = new Float64Array(z.length);
      const cd = (info.potentialFn(zp, tmp) - info.potentialFn(zm, tmp)) / (2 * h);
      expect(cd / u).toBeCloseTo(-2, 3);
    },
  },
  {
    model: "lkj_corr_mvn",
    points: [...ALL_EXTREMES("C[0]"), ...ALL_EXTREMES("C[1]", "-")],
    expect: { kind: "ill-conditioned", valueRtol: 1e-9, gradRtol: 1e-8 },
    why:
      "A partial correlation tanh(z) clipped to ±(1 − ε) (as in NumPyro) makes C singular to working precision " +
      "(det C = 2ε, U ≈ 2.5e15–7e15): the O(1) gradient components come out of cancellations in C⁻¹ ~ 1/(2ε) and differ " +
      "by ~1% (1.5 vs 1.485) beside components of 1e7–1e8; CorrCholeskyTransform/CorrMatrix clipping in " +
      "packages/distributions (structured.ts), not infer.",
    check: ({ u }) => expect(u).toBeGreaterThan(1e6),
  },
  {
    model: "lkj_corr_mvn",
    points: ["random0"],
    expect: { kind: "pinned", value: 10449001556319718, grad: "finite" },
    why: "As above, at U ≈ 1e16: the gradients (1e16 in size) agree only in sign and order of magnitude.",
    check: ({ u }) => expect(u).toBeGreaterThan(1e6),
  },
  {
    model: "lkj_corr_mvn",
    points: ["random1"],
    expect: { kind: "pinned", value: 1.3626800292333368e24, grad: "finite" },
    why:
      "Two clipped partial correlations: C is singular to working precision; NumPyro's U is NaN (inf − inf in its " +
      "log-det), Phlox's a finite 1.4e24 with a finite gradient. Either way NUTS rejects the step.",
    check: ({ u }) => expect(u).toBeGreaterThan(1e6),
  },
  {
    model: "lkj_corr_mvn",
    points: ["random2"],
    expect: { kind: "pinned", value: 1.7216647383272698e24, grad: "finite" },
    why: "As above, U ≈ 1.7e24 agrees to 1.5e−7 (rounding at a condition number near 1/ε).",
    check: ({ u }) => expect(u).toBeGreaterThan(1e6),
  },
  {
    model: "wishart_mvn",
    points: ["random3"],
    expect: { kind: "ill-conditioned", valueRtol: 1e-9, gradRtol: 1e-6 },
    why:
      "S = L·Lᵀ with diagonal e^100, e^50, e^0.36: cond(S) ≈ e^200, the gradient's last 7 digits are rounding (Phlox's " +
      "own batched and single evaluations differ by 2e−7 relative there).",
    check: ({ u }) => expect(u).toBeGreaterThan(1e6),
  },
];

/**
 * Points where the compiled and the eager potential (same U) give different gradients: matrices with a condition
 * number near 1/ε (clipped correlations, a Cholesky factor with diagonal e^100) amplify the compiled program's
 * other operation order (fused Cholesky, reassociated sums) — the gradient there is rounding noise in both; and at
 * wishart_mvn S[3]=−300 eager autodiff's Cholesky VJP gives NaN everywhere (as NumPyro) where the compiled one is
 * finite but for −∞ in S[3] (see DEVIATIONS).
 */
export const EAGER_DIFFERS: Record<string, string[]> = {
  lkj_corr_mvn: ["random0", "random1", "random2"],
  wishart_mvn: ["S[3]=-300", "random3"],
};
