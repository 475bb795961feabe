/**
 * Parameter initialisers, as `jax.nn.initializers` (the names and defaults of JAX): each returns an
 * {@link Initializer}, `(key, shape) => Tensor`. Imported as a namespace: `initializers.lecunNormal()`.
 */
import {
  full,
  normal as normalDraws,
  truncatedNormal as truncatedDraws,
  uniform as uniformDraws,
  zeros as zerosOf,
} from "@phlox/tensor";
import { ModuleError } from "./errors.js";
import type { Initializer } from "./module.js";

/**
 * All zeros (JAX's `zeros`; the default bias initialiser).
 * @example
 * initializers.zeros()(key(0), [2]).toArray(); // → [0, 0]
 */
export function zeros(): Initializer {
  return (_key, shape) => zerosOf([...shape]);
}

/**
 * All ones (JAX's `ones`; LayerNorm's scale).
 * @example
 * initializers.ones()(key(0), [2]).toArray(); // → [1, 1]
 */
export function ones(): Initializer {
  return (_key, shape) => full([...shape], 1);
}

/**
 * Every entry equal to `value` (JAX's `constant`).
 * @param value - the value.
 * @example
 * initializers.constant(0.5)(key(0), [2]).toArray(); // → [0.5, 0.5]
 */
export function constant(value: number): Initializer {
  return (_key, shape) => full([...shape], value);
}

/**
 * Normal(0, stddev²) draws (JAX's `normal`, stax's `randn`; default stddev 0.01).
 * @param stddev - the standard deviation.
 * @example
 * initializers.normal(1)(key(0), [3]).shape; // → [3]
 */
export function normal(stddev = 1e-2): Initializer {
  return (key, shape) => normalDraws(key, shape).mul(stddev);
}

/**
 * Uniform draws on [0, scale) (JAX's `uniform`; default scale 0.01).
 * @param scale - the upper end.
 * @example
 * initializers.uniform(1)(key(0), [3]).shape; // → [3]
 */
export function uniform(scale = 1e-2): Initializer {
  return (key, shape) => uniformDraws(key, shape, { maxval: scale });
}

/**
 * Normal(0, stddev²) draws truncated to ±2 standard deviations (JAX's `truncated_normal`).
 * @param stddev - the standard deviation before truncation.
 * @example
 * initializers.truncatedNormal(1)(key(0), [3]).shape; // → [3]
 */
export function truncatedNormal(stddev = 1e-2): Initializer {
  return (key, shape) => truncatedDraws(key, -2, 2, shape).mul(stddev);
}

/** How {@link varianceScaling} counts the units: input, output or their average. */
export type FanMode = "fanIn" | "fanOut" | "fanAvg";
/** The distribution {@link varianceScaling} draws from. */
export type ScalingDistribution = "truncatedNormal" | "normal" | "uniform";

/**
 * fan-in and fan-out of a weight shape as JAX computes them (input axis −2, output axis −1; the other
 * dimensions form the receptive field). A vector counts its length as both.
 */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0] as number, shape[0] as number];
  const n = shape.length;
  const receptive = shape.slice(0, n - 2).reduce((a, b) => a * b, 1);
  return [(shape[n - 2] as number) * receptive, (shape[n - 1] as number) * receptive];
}

/**
 * Draws with variance `scale / fan` (JAX's `variance_scaling`): the truncated normal is rescaled by
 * 1/0.8796… so that its variance, not the untruncated one, is `scale / fan`.
 * @param scale - the variance numerator (1 for LeCun, 2 for He).
 * @param mode - which fan divides it.
 * @param distribution - the draw's distribution.
 * @throws ModuleError `nn-init` when `scale` is not positive.
 * @example
 * initializers.varianceScaling(1, "fanIn", "normal")(key(0), [4, 3]).shape; // → [4, 3]
 */
export function varianceScaling(
  scale: number,
  mode: FanMode,
  distribution: ScalingDistribution,
): Initializer {
  if (!(scale > 0)) {
    throw new ModuleError("nn-init", "", "varianceScaling", `scale must be positive, got ${scale}.`);
  }
  return (key, shape) => {
    const [fanIn, fanOut] = fans(shape);
    const denom = mode === "fanIn" ? fanIn : mode === "fanOut" ? fanOut : (fanIn + fanOut) / 2;
    const variance = scale / Math.max(1, denom);
    if (distribution === "truncatedNormal") {
      // the standard normal truncated to (−2, 2) has standard deviation 0.87962566103423978
      return truncatedDraws(key, -2, 2, shape).mul(Math.sqrt(variance) / 0.8796256610342398);
    }
    if (distribution === "normal") return normalDraws(key, shape).mul(Math.sqrt(variance));
    const limit = Math.sqrt(3 * variance);
    return uniformDraws(key, shape, { minval: -limit, maxval: limit });
  };
}

/**
 * LeCun normal: truncated normal with variance 1/fan_in (Flax's default kernel initialiser).
 * @example
 * initializers.lecunNormal()(key(0), [4, 3]).shape; // → [4, 3]
 */
export function lecunNormal(): Initializer {
  return varianceScaling(1, "fanIn", "truncatedNormal");
}

/**
 * LeCun uniform: uniform with variance 1/fan_in.
 * @example
 * initializers.lecunUniform()(key(0), [4, 3]).shape; // → [4, 3]
 */
export function lecunUniform(): Initializer {
  return varianceScaling(1, "fanIn", "uniform");
}

/**
 * Glorot (Xavier) normal: truncated normal with variance 2/(fan_in + fan_out).
 * @example
 * initializers.glorotNormal()(key(0), [4, 3]).shape; // → [4, 3]
 */
export function glorotNormal(): Initializer {
  return varianceScaling(1, "fanAvg", "truncatedNormal");
}

/**
 * Glorot (Xavier) uniform: uniform with variance 2/(fan_in + fan_out) (Keras' default).
 * @example
 * initializers.glorotUniform()(key(0), [4, 3]).shape; // → [4, 3]
 */
export function glorotUniform(): Initializer {
  return varianceScaling(1, "fanAvg", "uniform");
}

/**
 * He (Kaiming) normal: truncated normal with variance 2/fan_in (for ReLU networks).
 * @example
 * initializers.heNormal()(key(0), [4, 3]).shape; // → [4, 3]
 */
export function heNormal(): Initializer {
  return varianceScaling(2, "fanIn", "truncatedNormal");
}

/**
 * He (Kaiming) uniform: uniform with variance 2/fan_in.
 * @example
 * initializers.heUniform()(key(0), [4, 3]).shape; // → [4, 3]
 */
export function heUniform(): Initializer {
  return varianceScaling(2, "fanIn", "uniform");
}
