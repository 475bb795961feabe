import { type Constraint, openInterval, positive, realVector } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { eigvalsh } from "../internal/eigvalsh.js";
import {
  add,
  asTensor,
  broadcastTo,
  cholesky,
  diagEmbed,
  diagonal,
  indexTensor,
  type Key,
  log,
  log1p,
  matvec,
  mul,
  neg,
  PhloxError,
  reshape,
  ShapeError,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  take,
  toFloat,
  values,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes, fmtShape } from "../internal/shape.js";
import {
  type CheckedAdjacency,
  checkSparseAdjacency,
  denseToSparse,
  isSparseAdjacency,
  type SparseAdjacency,
} from "../internal/sparse-adjacency.js";
import { HALF_LOG_2PI } from "../internal/util.js";
import { MultivariateNormal } from "./mvn.js";

/** Options of {@link CAR}. */
export interface CAROptions extends DistributionOptions {
  /**
   * Use the sparse form (NumPyro's `is_sparse=True`): implied by a {@link SparseAdjacency}; with a dense
   * (concrete, 2-D) matrix it is converted once.
   */
  isSparse?: boolean;
}

/** The sparse form's constants: edges, degrees and the spectrum of D^{−½}WD^{−½}. */
interface SparseCAR {
  adj: CheckedAdjacency;
  rows: Tensor;
  cols: Tensor;
  weights: Tensor;
  degree: Tensor;
  logDegreeSum: number;
  lambda?: Tensor;
}

/**
 * Conditional autoregressive (CAR) distribution (NumPyro's `CAR`, dense or sparse adjacency): a Gaussian Markov
 * random field with precision Q = τ(D − αW), W the symmetric 0/1 (or weighted) adjacency matrix with
 * no isolated sites and D = diag(W·1). log p(x) = ½(−n log 2π + n log τ + log det(D − αW) − τ φᵀ(D − αW)φ)
 * with φ = x − μ; the log-determinant comes from a Cholesky factor of D − αW, which equals NumPyro's
 * Σ log(1 − αλᵢ) + Σ log Dᵢᵢ over the eigenvalues λ of D^{−½}WD^{−½}.
 *
 * Sparse form (NumPyro's `is_sparse=True`), for many sites: pass the adjacency as a {@link SparseAdjacency}
 * (`{ n, rows, cols, values? }`, both (i, j) and (j, i) listed) or a dense matrix with `{ isSparse: true }`.
 * As in NumPyro, the eigenvalues λ are computed once on the host (O(n³), on first `logProb`), the quadratic form
 * costs O(edges), and the adjacency is one n × n matrix shared by the batch (no batch of adjacencies);
 * `sample` and `precisionMatrix` build the dense matrix.
 * @param loc - μ, `[..., n]` (a scalar is broadcast to `[n]`).
 * @param correlation - α ∈ (−1, 1).
 * @param conditionalPrecision - τ > 0.
 * @param adjMatrix - W, `[..., n, n]`, symmetric with every row sum positive (checked when values are concrete),
 *   or a {@link SparseAdjacency}.
 * @param options - `validateArgs`, `isSparse`.
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
  /** True for the sparse form. */
  readonly isSparse: boolean;
  private dense: Tensor | undefined;
  private readonly sparse: SparseCAR | undefined;
  constructor(
    loc: TensorLike,
    correlation: TensorLike,
    conditionalPrecision: TensorLike,
    adjMatrix: TensorLike | SparseAdjacency,
    options?: CAROptions,
  ) {
    let sparse: SparseCAR | undefined;
    let w: Tensor;
    if (isSparseAdjacency(adjMatrix) || options?.isSparse === true) {
      if (options?.isSparse === false)
        throw new PhloxError(
          "distribution-argument",
          "CAR: adjMatrix is a sparse adjacency, so isSparse cannot be false (leave it out or pass true).",
        );
      sparse = sparseForm(adjMatrix);
      w = zeros([sparse.adj.n, sparse.adj.n]);
    } else w = toFloat(asTensor(adjMatrix));
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
    this.isSparse = sparse !== undefined;
    this.sparse = sparse;
    if (sparse === undefined) {
      if (isConcrete(w)) checkAdjacency(w);
      this.dense = broadcastTo(w, [...batch, n, n]);
    }
    this.loc = broadcastTo(m, [...batch, n]);
    this.correlation = broadcastTo(a, batch);
    this.conditionalPrecision = broadcastTo(t, batch);
  }
  /** W, `[...batch, n, n]` (built from the sparse form on first use). */
  get adjMatrix(): Tensor {
    if (this.dense === undefined) {
      const { n, rows, cols, values: v } = this.sparse!.adj;
      const d = new Float64Array(n * n);
      rows.forEach((i, k) => {
        d[i * n + cols[k]!] = v[k]!;
      });
      this.dense = broadcastTo(
        asTensor(Array.from({ length: n }, (_, i) => Array.from(d.subarray(i * n, i * n + n)))),
        [...this.batchShape, n, n],
      );
    }
    return this.dense;
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
    if (this.sparse !== undefined) return this.sparseLogProb(value, this.sparse);
    const n = this.eventShape[0]!;
    const s = this.spatial;
    const phi = sub(value, this.loc);
    const logDet = mul(2, sum(log(diagonal(cholesky(s))), -1));
    const quad = mul(this.conditionalPrecision, sum(mul(phi, matvec(s, phi)), -1));
    const logPrec = mul(n, log(this.conditionalPrecision));
    return sub(mul(0.5, sub(add(logPrec, logDet), quad)), n * HALF_LOG_2PI);
  }
  /** NumPyro's sparse log density: eigenvalue log-determinant, O(edges) quadratic form. */
  private sparseLogProb(value: TensorLike, sp: SparseCAR): Tensor {
    const n = sp.adj.n;
    if (sp.lambda === undefined) {
      const { rows, cols, values: v, degree } = sp.adj;
      const scaled = new Float64Array(n * n);
      rows.forEach((i, k) => {
        const j = cols[k]!;
        scaled[i * n + j] = v[k]! / Math.sqrt(degree[i]! * degree[j]!);
      });
      sp.lambda = asTensor(eigvalsh(scaled, n));
    }
    const phi = sub(value, this.loc);
    const alpha = reshape(this.correlation, [...this.batchShape, 1]);
    const logDet = add(sum(log1p(neg(mul(alpha, sp.lambda))), -1), sp.logDegreeSum);
    // φᵀ(D − αW)φ = Σ Dᵢφᵢ² − α Σ_edges w φ_row φ_col
    const edges = sum(mul(mul(take(phi, sp.rows, -1), take(phi, sp.cols, -1)), sp.weights), -1);
    const quad = sub(sum(mul(sp.degree, mul(phi, phi)), -1), mul(this.correlation, edges));
    const logPrec = mul(n, log(this.conditionalPrecision));
    return sub(mul(0.5, sub(add(logPrec, logDet), mul(this.conditionalPrecision, quad))), n * HALF_LOG_2PI);
  }
  override get mean(): Tensor {
    return this.loc;
  }
}

/** The sparse form's constants from a SparseAdjacency or a concrete dense 2-D matrix. */
function sparseForm(adj: TensorLike | SparseAdjacency): SparseCAR {
  let sp: SparseAdjacency;
  if (isSparseAdjacency(adj)) sp = adj;
  else {
    const w = toFloat(asTensor(adj));
    if (w.shape.length !== 2 || w.shape[0] !== w.shape[1])
      throw new ShapeError(
        "distribution-shape",
        `CAR (isSparse): the adjacency must be one n × n matrix, got shape ${fmtShape(w.shape)} ` +
          "(as in NumPyro, the sparse form has no batch of adjacencies).",
      );
    if (!isConcrete(w))
      throw new PhloxError(
        "distribution-argument",
        "CAR (isSparse): the adjacency must hold values, not a jit tracer; build the distribution outside jit " +
          "or pass a SparseAdjacency.",
      );
    sp = denseToSparse(values(w), w.shape[0]!);
  }
  const checked = checkSparseAdjacency("CAR", sp);
  return {
    adj: checked,
    rows: indexTensor(checked.rows),
    cols: indexTensor(checked.cols),
    weights: asTensor(checked.values),
    degree: asTensor(checked.degree),
    logDegreeSum: checked.degree.reduce((s, d) => s + Math.log(d), 0),
  };
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
