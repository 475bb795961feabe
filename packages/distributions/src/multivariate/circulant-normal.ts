import { type Constraint, independent, positive, realVector } from "../constraints/constraint.js";
import { positiveDefiniteCirculantVector } from "../constraints/positive-definite-circulant-vector.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { halfSpectrumWeights, irfftRealMatrix, rfftMatrices } from "../internal/dft.js";
import {
  add,
  asTensor,
  broadcastTo,
  div,
  indexTensor,
  type Key,
  log,
  matmul,
  mul,
  normal,
  PhloxError,
  reshape,
  ShapeError,
  sliceAxis,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  take,
  toFloat,
} from "../internal/ops.js";
import { broadcastShapes, fmtShape } from "../internal/shape.js";
import { HALF_LOG_2PI } from "../internal/util.js";

/** The circulant covariance of a {@link CirculantNormal}: its first row, or the real part of that row's rfft. */
export type CirculantCovariance = { covarianceRow: TensorLike } | { covarianceRfft: TensorLike };

/**
 * Multivariate normal whose covariance C is circulant (periodic boundary conditions), NumPyro's
 * `CirculantNormal`. C is fixed by its first row c; its eigenvalues are λ = Re rfft(c), so with
 * D = rfft(x − μ) and half-spectrum weights wₖ (1 at k = 0 and at n/2, else 2)
 * log p(x) = −½ Σₖ wₖ |Dₖ|²/(n λₖ) − ½ Σₖ wₖ log λₖ − (n/2) log 2π.
 * Give exactly one of `covarianceRow` (`[..., n]`, constraint {@link positiveDefiniteCirculantVector}) or
 * `covarianceRfft` (`[..., ⌊n/2⌋ + 1]`, positive).
 * @param loc - mean μ, `[..., n]` (at least one axis: it fixes the event size n).
 * @param covariance - `{ covarianceRow }` or `{ covarianceRfft }`.
 * @example
 * new CirculantNormal([0, 0, 0], { covarianceRow: [1, 0, 0] }).logProb([0, 0, 0]).item(); // → -2.756815599614018
 */
export class CirculantNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: realVector,
    covarianceRow: positiveDefiniteCirculantVector,
    covarianceRfft: independent(positive, 1),
  };
  static override readonly support: Constraint = realVector;
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["loc", "covarianceRow", "covarianceRfft"];
  readonly loc: Tensor;
  /** Re rfft of the covariance row, `[...batch, ⌊n/2⌋ + 1]`: the distinct eigenvalues of C. */
  readonly covarianceRfft: Tensor;
  constructor(loc: TensorLike, covariance: CirculantCovariance, options?: DistributionOptions) {
    const m = toFloat(asTensor(loc));
    if (m.shape.length < 1) {
      throw new ShapeError(
        "distribution-shape",
        "CirculantNormal: loc must have at least one axis (its last axis is the event size n), got a scalar.",
      );
    }
    const n = m.shape.at(-1)!;
    const half = Math.floor(n / 2) + 1;
    const hasRow = "covarianceRow" in covariance && covariance.covarianceRow !== undefined;
    const hasRfft = "covarianceRfft" in covariance && covariance.covarianceRfft !== undefined;
    if (hasRow === hasRfft) {
      throw new PhloxError(
        "distribution-argument",
        "CirculantNormal: give exactly one of covarianceRow and covarianceRfft.",
      );
    }
    let rfft: Tensor;
    let row: Tensor | undefined;
    if (hasRow) {
      row = toFloat(asTensor((covariance as { covarianceRow: TensorLike }).covarianceRow));
      if (row.shape.at(-1) !== n) {
        throw new ShapeError(
          "distribution-shape",
          `CirculantNormal: covarianceRow must end in the event size ${n} of loc ${fmtShape(m.shape)}, ` +
            `got shape ${fmtShape(row.shape)}.`,
        );
      }
      rfft = matmul(row, rfftMatrices(n).cos);
    } else {
      rfft = toFloat(asTensor((covariance as { covarianceRfft: TensorLike }).covarianceRfft));
      if (rfft.shape.at(-1) !== half) {
        throw new ShapeError(
          "distribution-shape",
          `CirculantNormal: covarianceRfft must end in ⌊n/2⌋ + 1 = ${half} for loc ${fmtShape(m.shape)}, ` +
            `got shape ${fmtShape(rfft.shape)}.`,
        );
      }
    }
    const batch = broadcastShapes("CirculantNormal", m.shape.slice(0, -1), rfft.shape.slice(0, -1));
    super(batch, [n], options, hasRow ? { loc: m, covarianceRow: row } : { loc: m, covarianceRfft: rfft });
    this.loc = broadcastTo(m, [...batch, n]);
    this.covarianceRfft = broadcastTo(rfft, [...batch, half]);
  }
  /** The first row of C, irfft(λ, n), `[...batch, n]`. */
  get covarianceRow(): Tensor {
    return matmul(this.covarianceRfft, irfftRealMatrix(this.eventShape[0]!));
  }
  /** The full circulant covariance C, Cᵢⱼ = c_{(j − i) mod n}, `[...batch, n, n]`. */
  get covarianceMatrix(): Tensor {
    const n = this.eventShape[0]!;
    const idx: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) idx.push((((j - i) % n) + n) % n);
    const flat = take(this.covarianceRow, indexTensor(idx), -1);
    return reshape(flat, [...this.batchShape, n, n]);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    // x = μ + S z with S the symmetric circulant square root of C (eigenvalues √λ, first row irfft(√λ))
    const n = this.eventShape[0]!;
    const sRow = matmul(sqrt(this.covarianceRfft), irfftRealMatrix(n));
    const idx: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) idx.push((((j - i) % n) + n) % n);
    const s = reshape(take(sRow, indexTensor(idx), -1), [...this.batchShape, n, n]);
    const z = normal(key, this.shape(sampleShape));
    const sz = sum(mul(s, reshape(z, [...z.shape.slice(0, -1), 1, n])), -1);
    return add(this.loc, sz);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.eventShape[0]!;
    const { cos, sin } = rfftMatrices(n);
    const w = asTensor(halfSpectrumWeights(n));
    const d = sub(value, this.loc);
    const power = add(square(matmul(d, cos)), square(matmul(d, sin)));
    const quad = sum(div(mul(w, power), mul(n, this.covarianceRfft)), -1);
    const logDet = sum(mul(w, log(this.covarianceRfft)), -1);
    return sub(mul(-0.5, add(quad, logDet)), n * HALF_LOG_2PI);
  }
  override get mean(): Tensor {
    return this.loc;
  }
  /** Every entry has variance c₀, the first entry of the covariance row. */
  override get variance(): Tensor {
    return broadcastTo(sliceAxis(this.covarianceRow, -1, 0, 1), this.shape());
  }
  /** ½ Σₖ wₖ log λₖ + (n/2)(1 + log 2π). */
  override entropy(): Tensor {
    const n = this.eventShape[0]!;
    const w = asTensor(halfSpectrumWeights(n));
    return add(mul(0.5, sum(mul(w, log(this.covarianceRfft)), -1)), n * (0.5 + HALF_LOG_2PI));
  }
}
