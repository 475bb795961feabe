import { DtypeError, ShapeError } from "../core/errors.js";
import { arr, definePrimitive } from "../core/primitive.js";
import { checkShape, fmt, sizeOf } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { randomBitsInto } from "../random/threefry.js";

/** The `randomBits` primitive: uint32 bits of `shape` from a threefry-2x32 key (uint32 `[2]`), JAX-compatible. */
export const randomBitsP = definePrimitive("randomBits", {
  shape: ([k], p) => {
    if (k.dtype !== "uint32")
      throw new DtypeError("bad-key", `randomBits: key must be uint32 [2], got ${k.dtype}.`);
    if (k.shape.length !== 1 || k.shape[0] !== 2)
      throw new ShapeError(
        "bad-key",
        `randomBits: key must have shape [2], got ${fmt(k.shape)}. Use split(key, n) for several keys.`,
      );
    checkShape(p.shape, "randomBits");
    return p.shape;
  },
  dtype: () => "uint32",
  nondiff: true,
  kernel: ([k], _p, shape) => {
    const kk = arr(k);
    const out = new Uint32Array(sizeOf(shape));
    randomBitsInto(kk[0], kk[1], out);
    return out;
  },
});

/**
 * Uniform random uint32 bits of the given shape; equals `jax.random.bits(key, shape, uint32)` for a
 * threefry2x32 key.
 * @example
 * randomBits(key(0), [2]).toArray(); // → [4070199207, 4202968722]
 */
export function randomBits(key: Tensor, shape: readonly number[]): Tensor {
  return bind(randomBitsP, [key], { shape: [...shape] });
}
