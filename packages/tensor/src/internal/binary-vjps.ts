import type { Tensor } from "../core/tensor.js";
import { abs } from "../primitives/abs.js";
import { add } from "../primitives/add.js";
import { eq } from "../primitives/eq.js";
import { log } from "../primitives/log.js";
import { lt } from "../primitives/lt.js";
import { mul } from "../primitives/mul.js";
import { pow } from "../primitives/pow.js";
import { select } from "../primitives/select.js";
import { sub } from "../primitives/sub.js";
import { zerosLike } from "./elementwise.js";

/**
 * VJP of x^y: d/dx = y·x^(y−1), d/dy = xʸ·log x (0 where x = 0). Where y = 0 and |x| is below the smallest
 * normal number (0 or subnormal), y·x^(y−1) would be 0·∞: x is replaced by 1 there, so d/dx is 0. Nowhere
 * else is y = 0 special-cased, so d/dx keeps its derivative in y (∂²/∂x∂y = 1/x at y = 0, as JAX's).
 */
export function powVjp(g: Tensor, x: Tensor, y: Tensor, out: Tensor): (Tensor | null)[] {
  const one = add(zerosLike(x), 1);
  const minNormal = x.dtype === "float32" ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
  const xs = select(eq(y, 0), select(lt(abs(x), minNormal), one, x), x);
  const dx = mul(g, mul(y, pow(xs, sub(y, 1))));
  const dy = mul(g, mul(out, log(select(eq(x, 0), one, x))));
  return [dx, dy];
}

/** VJP of maximum/minimum: the gradient goes to the winner, split equally at ties. */
export function minmaxVjp(
  g: Tensor,
  x: Tensor,
  y: Tensor,
  wins: (a: Tensor, b: Tensor) => Tensor,
): (Tensor | null)[] {
  const z = zerosLike(g);
  const dx = select(wins(x, y), g, select(eq(x, y), mul(g, 0.5), z));
  return [dx, sub(g, dx)];
}
