import {
  add,
  asTensor,
  broadcastTo,
  div,
  eq,
  ge,
  gt,
  mul,
  neg,
  PhloxError,
  sub,
  type Tensor,
  type TensorLike,
  toFloat,
  where,
} from "./ops.js";
import { broadcastShapes } from "./shape.js";

/**
 * Promotes parameters to float tensors broadcast to their common shape (the batch shape).
 * @returns the broadcast tensors and the batch shape.
 */
export function promote(where: string, ...xs: TensorLike[]): { ps: Tensor[]; batchShape: number[] } {
  const ts = xs.map((x) => {
    const t = asTensor(x);
    return t.dtype === "float64" || t.dtype === "float32" ? t : toFloat(t);
  });
  const batchShape = broadcastShapes(where, ...ts.map((t) => t.shape));
  return { ps: ts.map((t) => broadcastTo(t, batchShape)), batchShape };
}

export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
export const EULER_GAMMA = 0.5772156649015329;

// Cephes atan (Moshier), range-reduced rational approximation, float64 accurate.
const P = [
  -0.8750608600031904, -16.157537187333652, -75.00855792314705, -122.88666844901361, -64.85021904942025,
];
const Q = [24.858464901423062, 165.02700983169885, 432.88106049129027, 485.3903996359137, 194.5506571482614];
const T3P8 = 2.414213562373095;
const MOREBITS = 6.123233995736766e-17;

function poly(z: Tensor, c: readonly number[], monic: boolean): Tensor {
  let r: Tensor = monic ? add(z, c[0]!) : mul(z, 0).add(c[0]!);
  for (let i = 1; i < c.length; i++) r = add(mul(r, z), c[i]!);
  return r;
}

/**
 * Elementwise arctangent, written with tensor ops (Cephes `atan` algorithm). |x| is a selection on x ≥ 0, not
 * `abs`: abs′(0) = sign(0) = 0 would make atan′(0) 0 instead of 1 (as in Cauchy's cdf at its loc).
 */
export function atan(x: TensorLike): Tensor {
  const xt = asTensor(x);
  const nonNegative = ge(xt, 0);
  const a = where(nonNegative, xt, neg(xt));
  const big = gt(a, T3P8);
  const mid = gt(a, 0.66);
  const safeBig = where(big, a, 1);
  const xr = where(big, neg(div(1, safeBig)), where(mid, div(sub(a, 1), add(a, 1)), a));
  const y0 = where(big, Math.PI / 2 + MOREBITS, where(mid, Math.PI / 4 + 0.5 * MOREBITS, 0));
  const z = mul(xr, xr);
  const r = div(mul(z, poly(z, P, false)), poly(z, Q, true));
  const res = add(y0, add(mul(xr, r), xr));
  // x itself at ±0: atan(−0) = −0 as Math.atan (the selection above would give +0), with derivative 1
  return where(eq(xt, 0), xt, where(nonNegative, res, neg(res)).add(mul(xt, 0)));
}

/** tan(x) via sin/cos. */
export { tan } from "./ops-extra.js";

/**
 * Refuses an explicit `undefined` where a parameter with a default was passed (`new Normal(0, undefined)`):
 * JavaScript would silently use the default, hiding a misspelt or missing value. Leaving the argument out
 * still gives the default.
 * @param who - the distribution's name.
 * @param args - the constructor's `arguments`.
 * @param names - the parameter names, in order (only these positions are checked).
 * @throws PhloxError (`distribution-missing-parameter`) naming the parameter.
 */
export function rejectUndefinedArgs(who: string, args: IArguments, names: readonly string[]): void {
  const n = Math.min(args.length, names.length);
  for (let i = 0; i < n; i++) {
    if (args[i] === undefined) {
      throw new PhloxError(
        "distribution-missing-parameter",
        `${who}: parameter ${names[i]} (argument ${i + 1}) is undefined. Pass a number or tensor; to use ` +
          `its default, leave the argument out instead of passing undefined.`,
      );
    }
  }
}
