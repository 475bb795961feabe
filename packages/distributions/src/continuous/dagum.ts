import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  betaln,
  div,
  exp,
  gt,
  type Key,
  log,
  mul,
  neg,
  pow,
  softplus,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
  xlogy,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Dagum (Mielke Beta-Kappa, Burr type III) with concentration p, sharpness a and scale b:
 * p(x) = (a·p/x)·(x/b)^{a·p} / ((x/b)^a + 1)^{p+1}, x > 0; F(x) = (1 + (x/b)^{−a})^{−p}.
 * @param concentration - p > 0.
 * @param sharpness - a > 0.
 * @param scale - b > 0.
 * @example
 * new Dagum(1, 1, 1).cdf(1).item(); // → 0.5
 */
export class Dagum extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: positive,
    sharpness: positive,
    scale: positive,
  };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["concentration", "sharpness", "scale"];
  readonly concentration: Tensor;
  readonly sharpness: Tensor;
  readonly scale: Tensor;
  constructor(
    concentration: TensorLike,
    sharpness: TensorLike,
    scale: TensorLike,
    options?: DistributionOptions,
  ) {
    const { ps, batchShape } = promote("Dagum", concentration, sharpness, scale);
    super(batchShape, [], options, { concentration: ps[0], sharpness: ps[1], scale: ps[2] });
    [this.concentration, this.sharpness, this.scale] = ps as [Tensor, Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const p = this.concentration;
    const a = this.sharpness;
    const z = sub(xlogy(a, value), xlogy(a, this.scale));
    const head = sub(add(log(a), log(p)), log(value));
    return sub(add(head, mul(p, z)), mul(add(p, 1), softplus(z)));
  }
  override cdf(value: TensorLike): Tensor {
    const a = this.sharpness;
    return exp(mul(neg(this.concentration), softplus(sub(xlogy(a, this.scale), xlogy(a, value)))));
  }
  override icdf(q: TensorLike): Tensor {
    const qRoot = pow(q, neg(div(1, this.concentration)));
    return mul(this.scale, pow(sub(qRoot, 1), neg(div(1, this.sharpness))));
  }
  /** b·p·B(1 − 1/a, p + 1/a) for a > 1, else +∞. */
  override get mean(): Tensor {
    const a = this.sharpness;
    const p = this.concentration;
    const safeA = where(gt(a, 1), a, 2);
    const m = mul(mul(this.scale, p), exp(betaln(sub(1, div(1, safeA)), add(p, div(1, safeA)))));
    return where(gt(a, 1), m, Number.POSITIVE_INFINITY);
  }
  /** b²·p·B(1 − 2/a, p + 2/a) − mean² for a > 2, else +∞. */
  override get variance(): Tensor {
    const a = this.sharpness;
    const p = this.concentration;
    const safeA = where(gt(a, 2), a, 3);
    const m2 = mul(mul(square(this.scale), p), exp(betaln(sub(1, div(2, safeA)), add(p, div(2, safeA)))));
    return where(gt(a, 2), sub(m2, square(this.mean)), Number.POSITIVE_INFINITY);
  }
}
