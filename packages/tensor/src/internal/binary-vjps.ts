import type { Tensor } from "../core/tensor.js";
import { add } from "../primitives/add.js";
import { eq } from "../primitives/eq.js";
import { log } from "../primitives/log.js";
import { mul } from "../primitives/mul.js";
import { pow } from "../primitives/pow.js";
import { select } from "../primitives/select.js";
import { sub } from "../primitives/sub.js";
import { zerosLike } from "./elementwise.js";

/**
 * VJP of x^y: d/dx = y·x^(y−1), d/dy = xʸ·log x (0 where x = 0). At x = y = 0, where y·x^(y−1) is 0·∞, x is
 * replaced by 1 so d/dx is 0; nowhere else is y = 0 special-cased, so d/dx keeps its derivative in y there
 * (∂²/∂x∂y = 1/x at y = 0, as JAX's).
 */
export function powVjp(g: Tensor, x: Tensor, y: Tensor, out: Tensor): (Tensor | null)[] {
  const z = zerosLike(x);
  const xs = select(eq(y, 0), select(eq(x, 0), add(z, 1), x), x);
  const dx = mul(g, mul(y, pow(xs, sub(y, 1))));
  const dy = mul(g, mul(out, log(select(eq(x, 0), add(z, 1), x))));
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
