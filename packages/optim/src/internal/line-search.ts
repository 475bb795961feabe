/**
 * Strong-Wolfe line search (Nocedal & Wright, "Numerical Optimization", 2nd ed., Algorithms 3.5 and 3.6,
 * with the safeguarded cubic interpolation of eq. 3.59). It searches along `d` from `x` for a step `a`
 * with φ(a) ≤ φ(0) + c1·a·φ'(0) and |φ'(a)| ≤ c2·|φ'(0)|, where φ(a) = f(x + a·d).
 *
 * All buffers are owned by the caller; the search allocates nothing. On return `xNew`, `gNew` hold the
 * point and gradient at the returned step, and `fNew` its value.
 */
export interface LineSearchBuffers {
  x: Float64Array;
  d: Float64Array;
  xNew: Float64Array;
  gNew: Float64Array;
  fNew: number;
  numFunEval: number;
}

/** Outcome: 0 strong Wolfe met, 1 only sufficient decrease met (best point kept), 2 failure. */
export const WOLFE = 0;
export const ARMIJO_ONLY = 1;
export const FAILED = 2;

export interface LineSearchResult {
  status: number;
  step: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Minimiser of the cubic through (a, fa, da), (b, fb, db); NaN when it does not exist. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * Runs the search. `f0`, `df0` are φ(0), φ'(0) (`df0` < 0), `a1` the first trial step.
 * `result` is filled in and returned (no allocation).
 */
export function strongWolfe(
  fn: (x: Float64Array, g: Float64Array) => number,
  buf: LineSearchBuffers,
  f0: number,
  df0: number,
  a1: number,
  c1: number,
  c2: number,
  maxEval: number,
  result: LineSearchResult,
): LineSearchResult {
  const { x, d, xNew, gNew } = buf;
  const n = x.length;
  let evals = 0;
  const phi = (a: number): number => {
    for (let i = 0; i < n; i++) xNew[i] = x[i] + a * d[i];
    const f = fn(xNew, gNew);
    evals++;
    buf.numFunEval++;
    buf.fNew = f;
    return f;
  };
  const finiteGrad = (): boolean => {
    for (let i = 0; i < n; i++) if (gNew[i] - gNew[i] !== 0) return false;
    return true;
  };

  // Bracketing phase (Algorithm 3.5).
  let aPrev = 0;
  let fPrev = f0;
  let dPrev = df0;
  let a = a1;
  let lo = 0;
  let flo = f0;
  let dlo = df0;
  let hi = Number.NaN;
  let fhi = Number.NaN;
  let dhi = Number.NaN;
  let bracketed = false;
  while (evals < maxEval) {
    const fa = phi(a);
    if (!Number.isFinite(fa) || !finiteGrad()) {
      // Too far: step into an undefined region. Shrink towards the last good step.
      a = aPrev + 0.25 * (a - aPrev);
      continue;
    }
    const da = dot(gNew, d);
    if (fa > f0 + c1 * a * df0 || (aPrev > 0 && fa >= fPrev)) {
      lo = aPrev;
      flo = fPrev;
      dlo = dPrev;
      hi = a;
      fhi = fa;
      dhi = da;
      bracketed = true;
      break;
    }
    if (Math.abs(da) <= -c2 * df0) {
      result.status = WOLFE;
      result.step = a;
      return result;
    }
    if (da >= 0) {
      lo = a;
      flo = fa;
      dlo = da;
      hi = aPrev;
      fhi = fPrev;
      dhi = dPrev;
      bracketed = true;
      break;
    }
    // Still descending: extrapolate (cubic, kept within [2a, 10a]).
    let next = cubicMin(aPrev, fPrev, dPrev, a, fa, da);
    if (!(next >= 2 * a) || !(next <= 10 * a)) next = next > 10 * a ? 10 * a : 2 * a;
    aPrev = a;
    fPrev = fa;
    dPrev = da;
    lo = a;
    flo = fa;
    dlo = da;
    a = next;
  }

  // Zoom phase (Algorithm 3.6): lo satisfies sufficient decrease and has the lowest value so far.
  if (bracketed) {
    while (evals < maxEval) {
      const width = hi - lo;
      if (Math.abs(width) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
      let aj = cubicMin(lo, flo, dlo, hi, fhi, dhi);
      const left = Math.min(lo, hi);
      const right = Math.max(lo, hi);
      const margin = 0.1 * (right - left);
      if (!(aj >= left + margin && aj <= right - margin)) aj = 0.5 * (lo + hi);
      const fj = phi(aj);
      if (!Number.isFinite(fj) || !finiteGrad()) {
        hi = aj;
        fhi = Number.POSITIVE_INFINITY;
        dhi = Number.NaN;
        continue;
      }
      const dj = dot(gNew, d);
      if (fj > f0 + c1 * aj * df0 || fj >= flo) {
        hi = aj;
        fhi = fj;
        dhi = dj;
      } else {
        if (Math.abs(dj) <= -c2 * df0) {
          result.status = WOLFE;
          result.step = aj;
          return result;
        }
        if (dj * (hi - lo) >= 0) {
          hi = lo;
          fhi = flo;
          dhi = dlo;
        }
        lo = aj;
        flo = fj;
        dlo = dj;
      }
    }
  }

  // No strong-Wolfe point within the budget: fall back to the best sufficient-decrease point, if any.
  if (lo > 0) {
    phi(lo);
    result.status = ARMIJO_ONLY;
    result.step = lo;
    return result;
  }
  result.status = FAILED;
  result.step = 0;
  return result;
}
