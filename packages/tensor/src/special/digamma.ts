import { tanpi } from "./elementary.js";

/** Positive root of ψ (as a double) and ψ at it. */
const X0 = 1.4616321449683622;
const PSI_X0 = -9.241265521729427e-17;
/** ψ⁽ᵏ⁾(X0)/k! for k = 1 … 29 (scipy.special.polygamma): Taylor coefficients of ψ about its root. */
const ROOT_TAYLOR = [
  0.9676722454476214, -0.44276316898359214, 0.2584997609556512, -0.16394270544240658, 0.10782405069126239,
  -0.07219956125645476, 0.048804288164143145, -0.033161126474847376, 0.022597648232218125,
  -0.015424765904948968, 0.010538791616612182, -0.007204534386356875, 0.004926781395729858,
  -0.0033698016554393312, 0.00230512632673493, -0.0015769367714301987, 0.0010788252019162975,
  -0.000738070938996006, 0.0005049532658346026, -0.0003454680251063082, 0.00023635601564027086,
  -0.00016170622091974825, 0.0001106337276874743, -7.569179582195077e-5, 5.17857579522209e-5,
  -3.543007094765967e-5, 2.424006611860136e-5, -1.658424227185416e-5, 1.1346384584663873e-5,
];

function digammaPositive(x: number): number {
  const d = x - X0;
  if (Math.abs(d) < 0.3) {
    // Near the root, relative accuracy needs the Taylor series about it (Horner).
    let s = 0;
    for (let k = ROOT_TAYLOR.length - 1; k >= 0; k--) s = s * d + ROOT_TAYLOR[k];
    return PSI_X0 + s * d;
  }
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const r2 = 1 / (x * x);
  const tail =
    r2 *
    (1 / 12 +
      r2 * (-1 / 120 + r2 * (1 / 252 + r2 * (-1 / 240 + r2 * (1 / 132 + r2 * (-691 / 32760 + r2 / 12))))));
  return acc + Math.log(x) - 0.5 / x - tail;
}

/**
 * Digamma ψ(x) = d/dx log Γ(x) for a JS number (NaN at non-positive integers). Relative error ≤ 1e-13 for
 * x > 0; for x < 0 (reflection ψ(x) = ψ(1 − x) − π/tan(πx)) absolute error ≤ 1e-13·(1 + |ψ(x)|).
 */
export function digammaScalar(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x > 0) return digammaPositive(x);
  if (Number.isInteger(x) || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  return digammaPositive(1 - x) - Math.PI / tanpi(x);
}
