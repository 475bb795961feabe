import { type Constraint, corrCholesky, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { lkjLogNormaliser } from "../internal/lkj-helpers.js";
import {
  add,
  asTensor,
  broadcastTo,
  concatenate,
  diagonal,
  div,
  gammaSample,
  type Key,
  log,
  mul,
  normal,
  reshape,
  sliceAxis,
  splitKey,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  zeros,
} from "../internal/ops.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * LKJ distribution over Cholesky factors L of d×d correlation matrices with concentration η:
 * log p(L) = Σᵢ (d − i + 2η − 2) log Lᵢᵢ (1-based i) − log normaliser; η = 1 is uniform over correlations.
 * Sampling uses the onion method.
 * @example
 * new LKJCholesky(2, 1).eventShape; // → [2, 2]
 */
export class LKJCholesky extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { concentration: positive };
  static override readonly support: Constraint = corrCholesky;
  readonly dimension: number;
  readonly concentration: Tensor;
  constructor(dimension: number, concentration: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("LKJCholesky", arguments, ["dimension", "concentration"]);
    const { ps, batchShape } = promote("LKJCholesky", concentration);
    super(batchShape, [dimension, dimension], options, { concentration: ps[0] });
    this.dimension = dimension;
    this.concentration = ps[0]!;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const d = this.dimension;
    const bshape = [...sampleShape, ...this.batchShape];
    const eta = broadcastTo(this.concentration, bshape);
    const keys = splitKey(key, 3 * d);
    const rows: Tensor[] = [];
    const first = concatenate([broadcastTo(1, [...bshape, 1]), zeros([...bshape, d - 1])], -1);
    rows.push(first);
    for (let i = 1; i < d; i++) {
      // y ~ Beta(i/2, η + (d−1−i)/2); the row is (√y · u, √(1−y), 0, …) with u uniform on the sphere
      const g1 = gammaSample(keys[3 * i]!, i / 2, bshape);
      const g0 = gammaSample(keys[3 * i + 1]!, add(eta, (d - 1 - i) / 2), bshape);
      const y = div(g1, add(g1, g0));
      const u = normal(keys[3 * i + 2]!, [...bshape, i]);
      const un = div(u, sqrt(sum(square(u), -1, true)));
      const w = mul(un, reshape(sqrt(y), [...bshape, 1]));
      const parts = [w, reshape(sqrt(sub(1, y)), [...bshape, 1])];
      if (i < d - 1) parts.push(zeros([...bshape, d - 1 - i]));
      rows.push(concatenate(parts, -1));
    }
    return concatenate(
      rows.map((r) => reshape(r, [...bshape, 1, d])),
      -2,
    );
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const d = this.dimension;
    const diag = sliceAxis(diagonal(asTensor(value)), -1, 1, d);
    const order = asTensor(Array.from({ length: d - 1 }, (_, k) => d - (k + 2)));
    const eta = reshape(this.concentration, [...this.concentration.shape, 1]);
    const expo = add(order, mul(2, sub(eta, 1)));
    return sub(sum(mul(expo, log(diag)), -1), lkjLogNormaliser(d, this.concentration));
  }
}
