import { OptimError } from "./errors.js";
import { checkNumber } from "./internal/check.js";
import {
  ARMIJO_ONLY,
  FAILED,
  type LineSearchBuffers,
  type LineSearchResult,
  strongWolfe,
} from "./internal/line-search.js";
import { DenseBFGS, LimitedMemory, type QuasiNewton } from "./internal/quasi-newton.js";

/**
 * An objective in the `PotentialFn` convention: returns f(x) and writes ∇f(x) into `grad`
 * (both of length n). It must not keep references to `x` or `grad`.
 */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimize} (scipy/JAX names where they exist). */
export interface MinimizeOptions {
  /**
   * `"L-BFGS"` (default; memory O(history·n)) or `"BFGS"` (dense n×n inverse Hessian, NumPyro's default
   * method; the result then carries `hessInv`).
   */
  method?: "L-BFGS" | "BFGS";
  /** Maximum number of L-BFGS iterations, integer ≥ 0; default 1000. */
  maxIter?: number;
  /** Stop when ‖∇f‖∞ ≤ gtol, ≥ 0; default 1e-5 (scipy BFGS). */
  gtol?: number;
  /**
   * Also stop when the relative decrease (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol, ≥ 0. Default 0
   * (off): like NumPyro's `Minimize` (JAX BFGS) only the gradient test counts. scipy L-BFGS-B uses
   * 2.220446049250313e-9.
   */
  ftol?: number;
  /** Number of stored (s, y) correction pairs, integer ≥ 1; default 10. */
  history?: number;
  /** Maximum function evaluations per line search, integer ≥ 1; default 25. */
  maxLineSearch?: number;
  /** Sufficient-decrease (Armijo) constant, in (0, 1); default 1e-4. */
  c1?: number;
  /** Curvature constant of the strong Wolfe conditions, in (c1, 1); default 0.9. */
  c2?: number;
}

/** Result of {@link minimize}. */
export interface MinimizeResult {
  /** Final point, length n (a new array; `x0` is not modified). */
  x: Float64Array;
  /** f(x). */
  value: number;
  /** ∇f(x), length n. */
  grad: Float64Array;
  /** Number of L-BFGS iterations done. */
  numIter: number;
  /** Number of calls to the objective. */
  numFunEval: number;
  /** True when the gradient or relative-decrease test was met. */
  converged: boolean;
  /** Why it stopped, in words. */
  message: string;
  /** With `method: "BFGS"` only: the final inverse-Hessian approximation, row-major n×n. */
  hessInv?: Float64Array;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

function resolve(options: MinimizeOptions): Required<MinimizeOptions> {
  const w = "minimize";
  const c1 = checkNumber(w, "options.c1", options.c1 ?? 1e-4, {
    min: 0,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
  });
  const method = options.method ?? "L-BFGS";
  if (method !== "L-BFGS" && method !== "BFGS") {
    throw new OptimError(
      "optim-bad-hyperparameter",
      `minimize: options.method must be "L-BFGS" or "BFGS", got ${JSON.stringify(method)}.`,
    );
  }
  return {
    method,
    maxIter: checkNumber(w, "options.maxIter", options.maxIter ?? 1000, { min: 0, integer: true }),
    gtol: checkNumber(w, "options.gtol", options.gtol ?? 1e-5, { min: 0 }),
    ftol: checkNumber(w, "options.ftol", options.ftol ?? 0, { min: 0 }),
    history: checkNumber(w, "options.history", options.history ?? 10, { min: 1, integer: true }),
    maxLineSearch: checkNumber(w, "options.maxLineSearch", options.maxLineSearch ?? 25, {
      min: 1,
      integer: true,
    }),
    c1,
    c2: checkNumber(w, "options.c2", options.c2 ?? 0.9, {
      min: c1,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    }),
  };
}

/**
 * Minimises a smooth function with L-BFGS (Nocedal & Wright, Algorithm 7.4/7.5: two-loop recursion with
 * the initial Hessian scaled by sᵀy/yᵀy) or dense BFGS (`method: "BFGS"`, N&W eq. 6.17) and a strong-Wolfe
 * line search (Algorithms 3.5/3.6 with cubic interpolation). Meant for MAP estimates and the mode of a Laplace approximation, the role of NumPyro's
 * `Minimize` (which wraps `jax.scipy.optimize.minimize(method="BFGS")`).
 *
 * Behaviour at the edges: a non-finite f or gradient at `x0` throws; during a line search a non-finite
 * value is treated as "step too long" and the step is shrunk; if a search fails with a quasi-Newton
 * direction the memory is cleared and steepest descent is tried once before giving up with
 * `converged: false`. Pairs with sᵀy ≤ 0 are not stored.
 * @param fn - objective `(x, grad) => f(x)`, writing ∇f(x) into `grad`.
 * @param x0 - starting point, length n (not modified).
 * @param options - {@link MinimizeOptions}.
 * @returns a {@link MinimizeResult}.
 * @throws OptimError `optim-bad-hyperparameter` for bad options; `optim-bad-function-value` if f or ∇f is
 *   not finite at `x0`.
 * @example
 * const r = minimize((x, g) => {
 *   g[0] = 2 * (x[0] - 3);
 *   return (x[0] - 3) ** 2;
 * }, Float64Array.of(0));
 * [r.converged, Math.round(r.x[0] * 1e6) / 1e6]; // → [true, 3]
 */
export function minimize(fn: ObjectiveFn, x0: Float64Array, options: MinimizeOptions = {}): MinimizeResult {
  const o = resolve(options);
  if (!(x0 instanceof Float64Array)) {
    throw new OptimError(
      "optim-shape-mismatch",
      "minimize: x0 must be a Float64Array. Convert it with Float64Array.from(...).",
    );
  }
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let f = fn(x, g);
  let numFunEval = 1;
  let finiteG = true;
  for (let i = 0; i < n; i++) if (!Number.isFinite(g[i])) finiteG = false;
  if (!Number.isFinite(f) || !finiteG) {
    throw new OptimError(
      "optim-bad-function-value",
      `minimize: the objective is not finite at x0 (f = ${f}, gradient finite: ${finiteG}). ` +
        "Start from a point where the objective and its gradient are finite.",
    );
  }

  const memory: QuasiNewton = o.method === "BFGS" ? new DenseBFGS(n) : new LimitedMemory(n, o.history);
  const d = new Float64Array(n);
  const buf: LineSearchBuffers = {
    x,
    d,
    xNew: new Float64Array(n),
    gNew: new Float64Array(n),
    fNew: 0,
    numFunEval: 0,
  };
  const ls: LineSearchResult = { status: 0, step: 0 };

  let k = 0;
  let converged = false;
  let message = "";
  for (;;) {
    if (infNorm(g) <= o.gtol) {
      converged = true;
      message = `gradient norm ‖∇f‖∞ = ${infNorm(g)} ≤ gtol = ${o.gtol}`;
      break;
    }
    if (k >= o.maxIter) {
      message = `maximum number of iterations reached (maxIter = ${o.maxIter})`;
      break;
    }
    memory.direction(g, d);
    let df0 = dot(g, d);
    if (!(df0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      memory.reset();
      for (let i = 0; i < n; i++) d[i] = -g[i];
      df0 = dot(g, d);
    }
    buf.x = x;
    // First step: unit length along −g (as scipy's first BFGS trial); afterwards the natural step 1.
    let a1 = memory.empty() ? Math.min(1, 1 / Math.sqrt(-df0)) : 1;
    strongWolfe(fn, buf, f, df0, a1, o.c1, o.c2, o.maxLineSearch, ls);
    if (ls.status === FAILED && !memory.empty()) {
      memory.reset();
      for (let i = 0; i < n; i++) d[i] = -g[i];
      df0 = dot(g, d);
      a1 = Math.min(1, 1 / Math.sqrt(-df0));
      strongWolfe(fn, buf, f, df0, a1, o.c1, o.c2, o.maxLineSearch, ls);
    }
    if (ls.status === FAILED) {
      message = "line search failed to find a point with sufficient decrease";
      break;
    }
    k++;
    const fNew = buf.fNew;
    // Store the curvature pair s = xNew − x, y = gNew − g (skipped unless sᵀy > 0).
    const s = memory.s();
    const y = memory.y();
    const xNew = buf.xNew;
    const gNew = buf.gNew;
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    if (sy > 0 && yy > 0) memory.commit(sy, yy);
    // Accept the new point by swapping buffers.
    buf.xNew = x;
    buf.gNew = g;
    x = xNew;
    g = gNew;
    const fOld = f;
    f = fNew;
    if (
      o.ftol > 0 &&
      fOld - f <= o.ftol * Math.max(Math.abs(fOld), Math.abs(f), 1) &&
      ls.status !== ARMIJO_ONLY
    ) {
      converged = true;
      message = `relative reduction of f ≤ ftol = ${o.ftol}`;
      if (infNorm(g) <= o.gtol) message = `gradient norm ‖∇f‖∞ = ${infNorm(g)} ≤ gtol = ${o.gtol}`;
      break;
    }
  }
  numFunEval += buf.numFunEval;
  const result: MinimizeResult = { x, value: f, grad: g, numIter: k, numFunEval, converged, message };
  if (memory instanceof DenseBFGS) result.hessInv = memory.H;
  return result;
}

/**
 * NumPyro's `Minimize` as an object: holds {@link MinimizeOptions} and runs {@link minimize}, so SVI can
 * take either a gradient {@link Optimizer} or a `Minimize` (for MAP with `AutoDelta` or
 * `AutoLaplaceApproximation`). The default method is L-BFGS; `{ method: "BFGS" }` gives NumPyro's
 * dense BFGS.
 * @example
 * const r = new Minimize({ gtol: 1e-8 }).minimize((x, g) => {
 *   g[0] = x[0];
 *   return 0.5 * x[0] * x[0];
 * }, Float64Array.of(4));
 * Math.abs(r.x[0]) < 1e-8; // → true
 */
export class Minimize {
  /** The resolved options (defaults filled in). */
  readonly options: Readonly<Required<MinimizeOptions>>;

  /**
   * @param options - {@link MinimizeOptions}.
   * @throws OptimError `optim-bad-hyperparameter` for bad options.
   */
  constructor(options: MinimizeOptions = {}) {
    this.options = resolve(options);
  }

  /**
   * Runs L-BFGS from `x0` (see {@link minimize}).
   * @param fn - objective `(x, grad) => f(x)`.
   * @param x0 - start, length n.
   * @returns a {@link MinimizeResult}.
   * @throws OptimError `optim-bad-function-value` if f or ∇f is not finite at `x0`.
   */
  minimize(fn: ObjectiveFn, x0: Float64Array): MinimizeResult {
    return minimize(fn, x0, this.options);
  }
}
