import { type Constraint, openInterval, positive, realVector } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  cholesky,
  diagEmbed,
  diagonal,
  type Key,
  log,
  matvec,
  mul,
  PhloxError,
  reshape,
  ShapeError,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  values,
} from "../internal/ops.js";
import { broadcastShapes, fmtShape } from "../internal/shape.js";
import { HALF_LOG_2PI } from "../internal/util.js";
import { MultivariateNormal } from "./mvn.js";

/**
 * Conditional autoregressive (CAR) distribution (NumPyro's `CAR`, dense adjacency): a Gaussian Markov
 * random field with precision Q = τ(D − αW), W the symmetric 0/1 (or weighted) adjacency matrix with
 * no isolated sites and D = diag(W·1). log p(x) = ½(−n log 2π + n log τ + log det(D − αW) − τ φᵀ(D − αW)φ)
 * with φ = x − μ; the log-determinant comes from a Cholesky factor of D − αW, which equals NumPyro's
 * Σ log(1 − αλᵢ) + Σ log Dᵢᵢ over the eigenvalues λ of D^{−½}WD^{−½}.
 * @param loc - μ, `[..., n]` (a scalar is broadcast to `[n]`).
 * @param correlation - α ∈ (−1, 1).
 * @param conditionalPrecision - τ > 0.
 * @param adjMatrix - W, `[..., n, n]`, symmetric with every row sum positive (checked when values are concrete).
 * @example
 * new CAR(0, 0, 1, [[0, 1], [1, 0]]).logProb([0, 0]).item(); // → -1.8378770664093453
 */
export class CAR extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: realVector,
    correlation: openInterval(-1, 1),
    conditionalPrecision: positive,
  };
  static override readonly support: Constraint = realVector;
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["loc", "correlation", "conditionalPrecision"];
  readonly loc: Tensor;
  readonly correlation: Tensor;
  readonly conditionalPrecision: Tensor;
  readonly adjMatrix: Tensor;
  constructor(
    loc: TensorLike,
    correlation: TensorLike,
    conditionalPrecision: TensorLike,
    adjMatrix: TensorLike,
    options?: DistributionOptions,
  ) {
    const w = toFloat(asTensor(adjMatrix));
    const n = w.shape.at(-1);
    if (w.shape.length < 2 || n === undefined || w.shape.at(-2) !== n) {
      throw new ShapeError(
        "distribution-shape",
        `CAR: adjMatrix must be square matrices [..., n, n], got shape ${fmtShape(w.shape)}.`,
      );
    }
    let m = toFloat(asTensor(loc));
    if (m.shape.length === 0) m = broadcastTo(m, [n]);
    if (m.shape.at(-1) !== n && m.shape.at(-1) !== 1) {
      throw new ShapeError(
        "distribution-shape",
        `CAR: loc must end in the ${n} sites of adjMatrix ${fmtShape(w.shape)}, got shape ${fmtShape(m.shape)}.`,
      );
    }
    const a = toFloat(asTensor(correlation));
    const t = toFloat(asTensor(conditionalPrecision));
    const batch = broadcastShapes("CAR", m.shape.slice(0, -1), a.shape, t.shape, w.shape.slice(0, -2));
    super(batch, [n], options, { loc: m, correlation: a, conditionalPrecision: t });
    if (isConcrete(w)) checkAdjacency(w);
    this.loc = broadcastTo(m, [...batch, n]);
    this.correlation = broadcastTo(a, batch);
    this.conditionalPrecision = broadcastTo(t, batch);
    this.adjMatrix = broadcastTo(w, [...batch, n, n]);
  }
  /** D − αW, `[...batch, n, n]`. */
  private get spatial(): Tensor {
    const d = sum(this.adjMatrix, -1);
    const a = reshape(this.correlation, [...this.batchShape, 1, 1]);
    return sub(diagEmbed(d), mul(a, this.adjMatrix));
  }
  /** Q = τ(D − αW), `[...batch, n, n]`. */
  get precisionMatrix(): Tensor {
    return mul(reshape(this.conditionalPrecision, [...this.batchShape, 1, 1]), this.spatial);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return new MultivariateNormal(this.loc, { precisionMatrix: this.precisionMatrix }).rsample(
      key,
      sampleShape,
    );
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.eventShape[0]!;
    const s = this.spatial;
    const phi = sub(value, this.loc);
    const logDet = mul(2, sum(log(diagonal(cholesky(s))), -1));
    const quad = mul(this.conditionalPrecision, sum(mul(phi, matvec(s, phi)), -1));
    const logPrec = mul(n, log(this.conditionalPrecision));
    return sub(mul(0.5, sub(add(logPrec, logDet), quad)), n * HALF_LOG_2PI);
  }
  override get mean(): Tensor {
    return this.loc;
  }
}

/** True when `t` holds values rather than being a jit tracer. */
function isConcrete(t: Tensor): boolean {
  let x = t;
  while (x._primal !== null) x = x._primal;
  return x._trace === null;
}

function checkAdjacency(w: Tensor): void {
  const n = w.shape.at(-1)!;
  const xs = values(w);
  for (let o = 0; o < xs.length; o += n * n) {
    for (let i = 0; i < n; i++) {
      let rowSum = 0;
      for (let j = 0; j < n; j++) {
        rowSum += xs[o + i * n + j]!;
        if (xs[o + i * n + j] !== xs[o + j * n + i]) {
          throw new PhloxError(
            "distribution-argument",
            `CAR: adjMatrix ${fmtShape(w.shape)} must be symmetric; entry [${i}, ${j}] = ${xs[o + i * n + j]} ` +
              `but [${j}, ${i}] = ${xs[o + j * n + i]}.`,
          );
        }
      }
      if (!(rowSum > 0)) {
        throw new PhloxError(
          "distribution-argument",
          `CAR: every site needs a neighbour, but row ${i} of adjMatrix ${fmtShape(w.shape)} sums to ${rowSum}.`,
        );
      }
    }
  }
}
