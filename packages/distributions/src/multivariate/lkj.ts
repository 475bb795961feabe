import { type Constraint, corrMatrix, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { identity, lkjLogNormaliser } from "../internal/lkj-helpers.js";
import {
  add,
  asTensor,
  broadcastTo,
  cholesky,
  diagonal,
  div,
  type Key,
  log,
  matmul,
  matT,
  mul,
  reshape,
  sub,
  sum,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";
import { LKJCholesky } from "./lkj-cholesky.js";

/**
 * LKJ distribution over d×d correlation matrices C: log p(C) = (η − 1) log det C − log normaliser.
 * @example
 * new LKJ(2, 1).logProb([[1, 0], [0, 1]]).item(); // → -0.6931471805599453
 */
export class LKJ extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { concentration: positive };
  static override readonly support: Constraint = corrMatrix;
  readonly dimension: number;
  readonly concentration: Tensor;
  private readonly chol: LKJCholesky;
  constructor(dimension: number, concentration: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("LKJ", arguments, ["dimension", "concentration"]);
    const { ps, batchShape } = promote("LKJ", concentration);
    super(batchShape, [dimension, dimension], options, { concentration: ps[0] });
    this.dimension = dimension;
    this.concentration = ps[0]!;
    this.chol = new LKJCholesky(dimension, ps[0]!);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const L = this.chol.sample(key, sampleShape);
    return matmul(L, matT(L));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const L = cholesky(value);
    const logDet = mul(2, sum(log(diagonal(L)), -1));
    return sub(mul(sub(this.concentration, 1), logDet), lkjLogNormaliser(this.dimension, this.concentration));
  }
  override get mean(): Tensor {
    return broadcastTo(asTensor(identity(this.dimension)), this.shape());
  }
  /** Off-diagonal correlations have variance 1/(2η + d − 1) (each is 2·Beta(β, β) − 1, β = η + (d−2)/2). */
  override get variance(): Tensor {
    const d = this.dimension;
    const v = div(1, add(mul(2, this.concentration), d - 1));
    const off = sub(1, asTensor(identity(d)));
    return mul(reshape(v, [...v.shape, 1, 1]), off);
  }
}
