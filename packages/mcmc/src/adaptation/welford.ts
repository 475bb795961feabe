import { ConstraintError, PhloxError, ShapeError } from "@phlox/tensor";
import { cholesky } from "../internal/linalg.js";

/** Running moments of {@link welfordCovariance}: count `n`, `mean` [d] and `m2` ([d] diagonal, [d·d] dense). */
export interface WelfordState {
  n: number;
  mean: Float64Array;
  m2: Float64Array;
  /** Scratch for the pre-update deviation (no allocation per update). */
  delta: Float64Array;
}

/** The `{ init, update, final }` triple of {@link welfordCovariance}. */
export interface WelfordCovariance {
  readonly diagonal: boolean;
  /** Empty state for samples of length `size`. */
  init(size: number): WelfordState;
  /** Adds one sample (length d) to `state` in place. */
  update(sample: Float64Array, state: WelfordState): void;
  /**
   * The (co)variance estimate: `[d]` variances or `[d·d]` row-major covariance. With `regularize`, shrinks
   * towards 1e-3·I like Stan: (n/(n+5))·Σ + 1e-3·(5/(n+5))·I.
   * @throws RangeError with fewer than 2 samples.
   */
  final(state: WelfordState, regularize?: boolean): Float64Array;
}

/**
 * Welford's one-pass (co)variance (Knuth, TAOCP vol. 2; NumPyro's `welford_covariance`), used to adapt the
 * inverse mass matrix. Numerically stable; divides by n − 1.
 * @param options - `diagonal` (default true): variances only, else the dense covariance.
 * @returns `{ init, update, final }`.
 * @example
 * const w = welfordCovariance();
 * const s = w.init(1);
 * for (const x of [1, 2, 3, 4]) w.update(Float64Array.of(x), s);
 * w.final(s)[0]; // → 1.6666666666666667
 */
export function welfordCovariance(options: { diagonal?: boolean } = {}): WelfordCovariance {
  const diagonal = options.diagonal ?? true;
  return {
    diagonal,
    init(size) {
      return {
        n: 0,
        mean: new Float64Array(size),
        m2: new Float64Array(diagonal ? size : size * size),
        delta: new Float64Array(size),
      };
    },
    update(x, s) {
      const d = s.mean.length;
      if (x.length !== d)
        throw new ShapeError(
          "welford-length",
          `welfordCovariance.update: sample has length ${x.length}, expected ${d}.`,
        );
      s.n += 1;
      const { mean, m2, delta } = s;
      for (let i = 0; i < d; i++) {
        delta[i] = x[i] - mean[i];
        mean[i] += delta[i] / s.n;
      }
      if (diagonal) {
        for (let i = 0; i < d; i++) m2[i] += delta[i] * (x[i] - mean[i]);
      } else {
        for (let i = 0; i < d; i++) {
          const post = x[i] - mean[i];
          for (let j = 0; j < d; j++) m2[i * d + j] += post * delta[j];
        }
      }
    },
    final(s, regularize = false) {
      if (s.n < 2)
        throw new PhloxError(
          "welford-too-few",
          `welfordCovariance.final: needs at least 2 samples, got ${s.n}.`,
        );
      const d = s.mean.length;
      const out = new Float64Array(s.m2.length);
      const scale = regularize ? s.n / (s.n + 5) / (s.n - 1) : 1 / (s.n - 1);
      const shrink = regularize ? 1e-3 * (5 / (s.n + 5)) : 0;
      for (let i = 0; i < out.length; i++) out[i] = s.m2[i] * scale;
      if (diagonal) {
        for (let i = 0; i < d; i++) out[i] += shrink;
      } else {
        for (let i = 0; i < d; i++) {
          out[i * d + i] += shrink;
          for (let j = 0; j < i; j++) {
            const sym = 0.5 * (out[i * d + j] + out[j * d + i]);
            out[i * d + j] = sym;
            out[j * d + i] = sym;
          }
        }
      }
      return out;
    },
  };
}

/** Checks an inverse mass matrix is usable (exported for the kernels; not public). */
export function checkInverseMass(inv: Float64Array, d: number, dense: boolean): void {
  if (dense) {
    if (inv.length !== d * d)
      throw new ShapeError(
        "inverse-mass-matrix",
        `inverseMassMatrix: expected ${d}×${d} = ${d * d} entries, got ${inv.length}.`,
      );
    cholesky(inv, d, "inverseMassMatrix");
  } else {
    if (inv.length !== d)
      throw new ShapeError(
        "inverse-mass-matrix",
        `inverseMassMatrix: expected ${d} diagonal entries, got ${inv.length}.`,
      );
    for (let i = 0; i < d; i++) {
      if (!(inv[i] > 0 && Number.isFinite(inv[i]))) {
        throw new ConstraintError(
          "inverse-mass-matrix",
          `inverseMassMatrix[${i}] = ${inv[i]}: diagonal entries must be finite and > 0.`,
        );
      }
    }
  }
}
