import { type Constraint, realVector } from "../constraints/constraint.js";
import { l1Ball } from "../constraints/l1-ball.js";
import {
  abs,
  asTensor,
  atanh,
  concatenate,
  cumsum,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  ones,
  sliceAxis,
  softplus,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  tanh,
  toFloat,
} from "../internal/ops.js";
import { Transform } from "./transform.js";

const EPS = 2.220446049250313e-16;
const TINY = 2.2250738585072014e-308;
const LOG2 = Math.LN2;

/**
 * Unconstrained real vectors → the open unit L1 ball (NumPyro's `L1BallTransform`): t = tanh(x), then a
 * signed stick-breaking yᵢ = tᵢ · Πⱼ₍ⱼ<ᵢ₎ (1 − |tⱼ|), so Σ|yᵢ| < 1. The Jacobian is triangular:
 * log|det J| = Σᵢ log(1 − Σⱼ₍ⱼ<ᵢ₎|yⱼ|) + Σᵢ log(1 − tanh²xᵢ). The inverse clips like NumPyro (the remainder
 * to at least the smallest normal number, t to ±(1 − ε)).
 * @example
 * new L1BallTransform().forward([0, 0]).toArray(); // → [0, 0]
 */
export class L1BallTransform extends Transform {
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return l1Ball;
  }
  forward(x: TensorLike): Tensor {
    const t = tanh(toFloat(asTensor(x)));
    const n = t.shape.at(-1) ?? 1;
    const parts: Tensor[] = [];
    let rem: Tensor | undefined;
    for (let i = 0; i < n; i++) {
      const ti = sliceAxis(t, -1, i, i + 1);
      parts.push(rem === undefined ? ti : mul(ti, rem));
      if (i + 1 < n) {
        const f = sub(1, abs(ti));
        rem = rem === undefined ? f : mul(rem, f);
      }
    }
    return parts.length === 1 ? parts[0]! : concatenate(parts, -1);
  }
  inverse(y: TensorLike): Tensor {
    const yt = toFloat(asTensor(y));
    const n = yt.shape.at(-1) ?? 1;
    let t = yt;
    if (n > 1) {
      const used = cumsum(abs(sliceAxis(yt, -1, 0, n - 1)), -1);
      const rem = concatenate([ones([...yt.shape.slice(0, -1), 1]), sub(1, used)], -1);
      t = yt.div(maximum(rem, TINY));
    }
    return atanh(minimum(maximum(t, -1 + EPS), 1 - EPS));
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    const xt = toFloat(asTensor(x));
    const yt = toFloat(asTensor(y));
    const n = yt.shape.at(-1) ?? 1;
    // log(1 − tanh²x) = −2(x + softplus(−2x) − log 2)
    const tanhLogDet = mul(-2, sum(sub(xt.add(softplus(mul(xt, -2))), LOG2), -1));
    if (n === 1) return tanhLogDet;
    const used = minimum(cumsum(abs(sliceAxis(yt, -1, 0, n - 1)), -1), 1 - EPS);
    return sum(log1p(neg(used)), -1).add(tanhLogDet);
  }
}
