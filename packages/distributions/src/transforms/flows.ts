import { type Constraint, realVector } from "../constraints/constraint.js";
import {
  add,
  asTensor,
  exp,
  maximum,
  minimum,
  mul,
  neg,
  PhloxError,
  stopGradient,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  zeros,
} from "../internal/ops.js";
import { Transform } from "./transform.js";

/**
 * An autoregressive network for {@link InverseAutoregressiveTransform}: maps x `[..., D]` to (μ, log σ), each
 * `[..., D]`, where output i depends only on inputs before i (in the flow's order).
 */
export type AutoregressiveFn = (x: Tensor) => readonly [mean: Tensor, logScale: Tensor];

/**
 * A block neural autoregressive network for {@link BlockNeuralAutoregressiveTransform}: maps x `[..., D]` to
 * (y, per-coordinate log-Jacobian), each `[..., D]`.
 */
export type BlockAutoregressiveFn = (x: Tensor) => readonly [y: Tensor, logDet: Tensor];

/** clip(x, lo, hi) in the forward pass, identity gradient (NumPyro's `_clamp_preserve_gradients`). */
function clampPreserveGradients(x: Tensor, lo: number, hi: number): Tensor {
  return add(x, stopGradient(sub(minimum(maximum(x, lo), hi), x)));
}

/** Options of {@link InverseAutoregressiveTransform}. */
export interface InverseAutoregressiveOptions {
  /** Lower clip of log σ (default −5). */
  logScaleMinClip?: number;
  /** Upper clip of log σ (default 3). */
  logScaleMaxClip?: number;
}

/**
 * Inverse autoregressive flow (NumPyro's `InverseAutoregressiveTransform`; Kingma et al. 2016, eq. 10):
 * y = σ(x) ⊙ x + μ(x), with (μ, log σ) from an autoregressive network and log σ clipped to
 * [`logScaleMinClip`, `logScaleMaxClip`] in value while gradients pass through. log|det J| = Σ log σ.
 * `inverse` solves the triangular recursion by D fixed-point passes of the network (exact after D passes).
 * The network is any function of tensors (e.g. a MADE whose weights are `param` sites), so the transform
 * differentiates and traces like the rest of the model.
 * @param arn - the autoregressive network, x ↦ (μ, log σ).
 * @param options - `logScaleMinClip` (−5), `logScaleMaxClip` (3).
 * @example
 * const iaf = new InverseAutoregressiveTransform((x) => [x.mul(0), x.mul(0).add(Math.log(2))]);
 * iaf.forward([1, 2]).toArray(); // → [2, 4]
 */
export class InverseAutoregressiveTransform extends Transform {
  readonly logScaleMinClip: number;
  readonly logScaleMaxClip: number;
  constructor(
    readonly arn: AutoregressiveFn,
    options: InverseAutoregressiveOptions = {},
  ) {
    super();
    this.logScaleMinClip = options.logScaleMinClip ?? -5;
    this.logScaleMaxClip = options.logScaleMaxClip ?? 3;
    if (!(this.logScaleMinClip <= this.logScaleMaxClip))
      throw new PhloxError(
        "transform-argument",
        `InverseAutoregressiveTransform: logScaleMinClip (${this.logScaleMinClip}) must not exceed ` +
          `logScaleMaxClip (${this.logScaleMaxClip}).`,
      );
  }
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return realVector;
  }
  private logScale(x: Tensor): { mean: Tensor; logScale: Tensor } {
    const [mean, ls] = this.arn(x);
    return { mean, logScale: clampPreserveGradients(ls, this.logScaleMinClip, this.logScaleMaxClip) };
  }
  forward(x: TensorLike): Tensor {
    const xt = toFloat(asTensor(x));
    const { mean, logScale } = this.logScale(xt);
    return add(mul(exp(logScale), xt), mean);
  }
  inverse(y: TensorLike): Tensor {
    const yt = toFloat(asTensor(y));
    const d = yt.shape.at(-1) ?? 1;
    let x = zeros(yt.shape);
    for (let i = 0; i < d; i++) {
      const { mean, logScale } = this.logScale(x);
      x = mul(sub(yt, mean), exp(neg(logScale)));
    }
    return x;
  }
  logAbsDetJacobian(x: TensorLike, _y: TensorLike): Tensor {
    return sum(this.logScale(toFloat(asTensor(x))).logScale, -1);
  }
}

/**
 * Block neural autoregressive flow (NumPyro's `BlockNeuralAutoregressiveTransform`; De Cao, Titov & Aziz 2019):
 * y and the per-coordinate log-Jacobian both come from the block network, log|det J| = Σ of the latter. There
 * is no analytic inverse (as in NumPyro, `inverse` throws); use it where only the forward map is needed, such
 * as a variational family.
 * @param bnArn - the block autoregressive network, x ↦ (y, log-Jacobian per coordinate).
 * @example
 * const bnaf = new BlockNeuralAutoregressiveTransform((x) => [x.mul(3), x.mul(0).add(Math.log(3))]);
 * bnaf.logAbsDetJacobian([1, 2], bnaf.forward([1, 2])).item(); // → 2.1972245773362196
 */
export class BlockNeuralAutoregressiveTransform extends Transform {
  constructor(readonly bnArn: BlockAutoregressiveFn) {
    super();
  }
  get domain(): Constraint {
    return realVector;
  }
  get codomain(): Constraint {
    return realVector;
  }
  forward(x: TensorLike): Tensor {
    return this.bnArn(toFloat(asTensor(x)))[0];
  }
  inverse(_y: TensorLike): Tensor {
    throw new PhloxError(
      "transform-not-invertible",
      "BlockNeuralAutoregressiveTransform.inverse: the block neural autoregressive flow has no analytic inverse " +
        "(NumPyro implements none either); use the transform in the forward direction only.",
    );
  }
  logAbsDetJacobian(x: TensorLike, _y: TensorLike): Tensor {
    return sum(this.bnArn(toFloat(asTensor(x)))[1], -1);
  }
}
