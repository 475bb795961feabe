import { type Constraint, circular, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  and,
  broadcastTo,
  cos,
  div,
  floor,
  ge,
  gt,
  type Key,
  le,
  log,
  mul,
  not,
  or,
  sign,
  splitKey,
  sqrt,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { atan, promote } from "../internal/util.js";

/**
 * log I₀(κ), the log modified Bessel function of order 0: power series Σ (κ²/4)ᵏ/(k!)² (80 terms) for κ ≤ 25,
 * the asymptotic expansion eᵏ/√(2πκ) · Σ ((2j−1)!!)²/(j! (8κ)ʲ) (10 terms) above. Relative error below 1e-12.
 * @example
 * logI0(0).item(); // → 0
 */
export function logI0(kappa: TensorLike): Tensor {
  const small = le(kappa, 25);
  const ks = where(small, kappa, 1);
  const q = div(square(ks), 4);
  let term = mul(q, 0).add(1);
  let total = term;
  for (let k = 1; k <= 80; k++) {
    term = div(mul(term, q), k * k);
    total = add(total, term);
  }
  const kl = where(small, 30, kappa);
  let aterm = mul(kl, 0).add(1);
  let asum = aterm;
  for (let j = 1; j <= 10; j++) {
    aterm = div(mul(aterm, (2 * j - 1) ** 2), mul(mul(8, kl), j));
    asum = add(asum, aterm);
  }
  const large = add(sub(kl, mul(0.5, log(mul(2 * Math.PI, kl)))), log(asum));
  return where(small, log(total), large);
}

/**
 * Von Mises on the circle [−π, π): log p(x) = κ cos(x − μ) − log(2π I₀(κ)). Sampling is Best & Fisher's
 * rejection method, vectorised over a fixed number of rounds.
 * @example
 * new VonMises(0, 2).mean.item(); // → 0
 */
export class VonMises extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    concentration: positive,
  };
  static override readonly support: Constraint = circular;
  readonly loc: Tensor;
  readonly concentration: Tensor;
  constructor(loc: TensorLike, concentration: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("VonMises", loc, concentration);
    super(batchShape, [], options, { loc: ps[0], concentration: ps[1] });
    [this.loc, this.concentration] = ps as [Tensor, Tensor];
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const shape = this.shape(sampleShape);
    const k = broadcastTo(this.concentration, shape);
    const tau = add(1, sqrt(add(1, mul(4, square(k)))));
    const rho = div(sub(tau, sqrt(mul(2, tau))), mul(2, k));
    const r = div(add(1, square(rho)), mul(2, rho));
    const rounds = 40;
    const keys = splitKey(key, 3 * rounds + 1);
    let f = broadcastTo(0, shape);
    let done = broadcastTo(false, shape);
    for (let i = 0; i < rounds; i++) {
      const z = cos(mul(Math.PI, uniform(keys[3 * i]!, shape)));
      const fi = div(add(1, mul(r, z)), add(r, z));
      const c = mul(k, sub(r, fi));
      const u2 = uniform(keys[3 * i + 1]!, shape);
      const accept = or(gt(sub(mul(c, sub(2, c)), u2), 0), ge(add(sub(log(div(c, u2)), c), 1), 0));
      const take = and(accept, not(done));
      f = where(take, fi, f);
      done = or(done, accept);
    }
    const u3 = uniform(keys[3 * rounds]!, shape);
    // acos(f) = 2·atan(√((1−f)/(1+f)))
    const acosF = mul(2, atan(sqrt(div(sub(1, f), add(1, f)))));
    const theta = add(mul(sign(sub(u3, 0.5)), acosF), this.loc);
    const twoPi = 2 * Math.PI;
    const shifted = add(theta, Math.PI);
    return sub(sub(shifted, mul(twoPi, floor(div(shifted, twoPi)))), Math.PI);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return sub(
      mul(this.concentration, cos(sub(value, this.loc))),
      add(logI0(this.concentration), Math.log(2 * Math.PI)),
    );
  }
  override get mean(): Tensor {
    return this.loc;
  }
}
