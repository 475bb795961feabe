/**
 * Activation functions (JAX's `jax.nn` names and definitions), elementwise and traceable. `tanh`, `sigmoid`
 * and `softplus` are `@phlox/tensor`'s own, re-exported here so that a network imports from one place.
 */
import { erf, expm1, sigmoid, type Tensor, type TensorLike, tanh, toTensor, where } from "@phlox/tensor";

export { sigmoid, softplus, tanh } from "@phlox/tensor";

/**
 * Rectified linear unit, max(x, 0) (JAX's `relu`; its derivative at 0 is 0, as JAX's).
 * @param x - input.
 * @example
 * relu(tensor([-1, 2])).toArray(); // → [0, 2]
 */
export function relu(x: TensorLike): Tensor {
  const t = toTensor(x);
  return where(t.gt(0), t, 0);
}

/**
 * Gaussian error linear unit (JAX's `gelu`): by default the tanh approximation
 * x/2·(1 + tanh(√(2/π)(x + 0.044715x³))), as JAX and Flax; `approximate: false` gives x·Φ(x) with `erf`.
 * @param x - input.
 * @param options - `approximate` (default true, JAX's default).
 * @example
 * gelu(tensor([0])).toArray(); // → [0]
 */
export function gelu(x: TensorLike, options: { approximate?: boolean } = {}): Tensor {
  const t = toTensor(x);
  if (options.approximate === false) return t.mul(erf(t.mul(Math.SQRT1_2)).add(1)).mul(0.5);
  const inner = t.add(t.mul(t).mul(t).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return t.mul(tanh(inner).add(1)).mul(0.5);
}

/**
 * Sigmoid-weighted linear unit x·σ(x) (JAX's `silu`, also called swish).
 * @param x - input.
 * @example
 * silu(tensor([0])).toArray(); // → [0]
 */
export function silu(x: TensorLike): Tensor {
  const t = toTensor(x);
  return t.mul(sigmoid(t));
}

/**
 * Exponential linear unit: x for x > 0, alpha·(eˣ − 1) otherwise (JAX's `elu`; finite gradients everywhere).
 * @param x - input.
 * @param alpha - the negative saturation (default 1).
 * @example
 * elu(tensor([1, 0])).toArray(); // → [1, 0]
 */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const t = toTensor(x);
  return where(t.gt(0), t, expm1(where(t.gt(0), 0, t)).mul(alpha));
}

/**
 * Leaky ReLU: x for x ≥ 0, slope·x otherwise (JAX's `leaky_relu`, default slope 0.01).
 * @param x - input.
 * @param negativeSlope - the slope below zero.
 * @example
 * leakyRelu(tensor([-1, 2]), 0.1).toArray(); // → [-0.1, 2]
 */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor {
  const t = toTensor(x);
  return where(t.ge(0), t, t.mul(negativeSlope));
}

/**
 * The identity (a placeholder layer, e.g. a linear output head).
 * @param x - input.
 * @example
 * identity(tensor([1])).toArray(); // → [1]
 */
export function identity(x: TensorLike): Tensor {
  return toTensor(x);
}
