import { DtypeError, ShapeError } from "../core/errors.js";
import { arr, definePrimitive } from "../core/primitive.js";
import { checkShape, fmt, sizeOf } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { randomBitsInto } from "../random/threefry.js";

/**
 * The `randomBits` primitive: uint32 bits of `shape` from a threefry-2x32 key (uint32 `[2]`), JAX-compatible. A
 * key with leading batch axes (`[...K, 2]`, as `vmap` over keys makes) gives `[...K, ...shape]`: each key's
 * bits, as if drawn one key at a time.
 */
export const randomBitsP = /* @__PURE__ */ definePrimitive("randomBits", {
  shape: ([k], p) => {
    if (k.dtype !== "uint32")
      throw new DtypeError("bad-key", `randomBits: key must be uint32 [2], got ${k.dtype}.`);
    if (k.shape.length === 0 || k.shape[k.shape.length - 1] !== 2)
      throw new ShapeError(
        "bad-key",
        `randomBits: key must have shape [2] (or [...batch, 2]), got ${fmt(k.shape)}. Use split(key, n) for several keys.`,
      );
    checkShape(p.shape, "randomBits");
    return [...k.shape.slice(0, -1), ...p.shape];
  },
  dtype: () => "uint32",
  nondiff: true,
  kernel: ([k], p, shape) => {
    const kk = arr(k);
    const out = new Uint32Array(sizeOf(shape));
    const per = sizeOf(p.shape);
    for (let j = 0; 2 * j < kk.length; j++)
      randomBitsInto(kk[2 * j], kk[2 * j + 1], out.subarray(j * per, (j + 1) * per));
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
