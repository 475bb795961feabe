import { type Constraint, interval } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  asTensor,
  div,
  exp,
  gammaSample,
  type Key,
  log,
  logSumExp,
  minimum,
  mul,
  reshape,
  sub,
  sum,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { HALF_LOG_2PI } from "../internal/util.js";

const TRUNCATION_POINT = 2.5;
const NUM_LOG_PROB_TERMS = 7;
const NUM_GAMMA_VARIATES = 8;

/**
 * NumPyro's TruncatedPolyaGamma: the Pólya-Gamma PG(1, 0) law restricted to [0, 2.5], with NumPyro's
 * approximations. logProb sums the first 7 terms of the alternating series
 * p(x) = (2π)^{−½} Σₙ (−1)ⁿ (2n+1) x^{−3/2} e^{−(2n+1)²/(8x)} (even and odd terms each summed in log space);
 * draws are (1/(2π²)) Σ_{k<8} gₖ/(k+½)² for gₖ ~ Gamma(1), clipped at 2.5.
 * It has no parameters; `batchShape` sets the number of independent copies.
 * @param batchShape - the batch shape (NumPyro's `batch_shape`).
 * @example
 * new TruncatedPolyaGamma().logProb(0.25).item(); // → 0.6040213346752148
 */
export class TruncatedPolyaGamma extends Distribution {
  static readonly truncationPoint = TRUNCATION_POINT;
  static readonly numLogProbTerms = NUM_LOG_PROB_TERMS;
  static readonly numGammaVariates = NUM_GAMMA_VARIATES;
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {};
  static override readonly support: Constraint = interval(0, TRUNCATION_POINT);
  constructor(batchShape: readonly number[] = [], options?: DistributionOptions) {
    super([...batchShape], [], options);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const shape = [...this.shape(sampleShape), NUM_GAMMA_VARIATES];
    const denom = asTensor(Array.from({ length: NUM_GAMMA_VARIATES }, (_, k) => (k + 0.5) ** 2));
    const x = sum(div(gammaSample(key, 1, shape), denom), -1);
    return minimum(mul(x, 0.5 / Math.PI ** 2), TRUNCATION_POINT);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const v = asTensor(value);
    const x = reshape(v, [...v.shape, 1]);
    const termsOf = (ns: number[]): Tensor => {
      const m = asTensor(ns.map((n) => 2 * n + 1));
      return sub(sub(log(m), mul(1.5, log(x))), div(mul(0.125, mul(m, m)), x));
    };
    const idx = Array.from({ length: NUM_LOG_PROB_TERMS }, (_, n) => n);
    const even = exp(logSumExp(termsOf(idx.filter((n) => n % 2 === 0)), -1));
    const odd = exp(logSumExp(termsOf(idx.filter((n) => n % 2 === 1)), -1));
    return sub(log(sub(even, odd)), HALF_LOG_2PI);
  }
}
