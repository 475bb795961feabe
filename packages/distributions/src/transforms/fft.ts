import { type Constraint, independent, real, realVector } from "../constraints/constraint.js";
import {
  asTensor,
  concatenate,
  matmul,
  mul,
  PhloxError,
  reshape,
  ShapeError,
  sliceAxis,
  stackLast,
  sub,
  type Tensor,
  type TensorLike,
  toFloat,
  transpose,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes, fmtShape } from "../internal/shape.js";
import { Transform } from "./transform.js";

// Complex numbers are represented as a trailing axis of two reals, [re, im] (as torch.view_as_real does), so a
// NumPyro complex array of shape S is a Phlox real array of shape [...S, 2].

/** `[L, L]` cos and sin of 2πjk/L, angles reduced mod L first so they stay exact. */
function trig(rows: number, cols: number, len: number): { c: Tensor; s: Tensor } {
  const c: number[][] = [];
  const s: number[][] = [];
  for (let j = 0; j < rows; j++) {
    const cr: number[] = [];
    const sr: number[] = [];
    for (let k = 0; k < cols; k++) {
      const r = (j * k) % len;
      // exact zeros and signs at the quarter turns
      const a = (2 * Math.PI * r) / len;
      cr.push(4 * r === len || 4 * r === 3 * len ? 0 : 2 * r === len ? -1 : Math.cos(a));
      sr.push(r === 0 || 2 * r === len ? 0 : 4 * r === len ? 1 : 4 * r === 3 * len ? -1 : Math.sin(a));
    }
    c.push(cr);
    s.push(sr);
  }
  return { c: asTensor(c), s: asTensor(s) };
}

/** Moves `axis` to the end (and back with `back`). */
function toLast(x: Tensor, axis: number): Tensor {
  const nd = x.shape.length;
  const ax = axis < 0 ? nd + axis : axis;
  if (ax === nd - 1) return x;
  const perm = [...Array(nd).keys()].filter((i) => i !== ax);
  perm.push(ax);
  return transpose(x, perm);
}
function fromLast(x: Tensor, axis: number): Tensor {
  const nd = x.shape.length;
  const ax = axis < 0 ? nd + axis : axis;
  if (ax === nd - 1) return x;
  const perm: number[] = [];
  for (let i = 0; i < nd - 1; i++) {
    if (i === ax) perm.push(nd - 1);
    perm.push(i);
  }
  return transpose(x, perm);
}

/** Crops or zero-pads `axis` to length `len` (NumPy's `s` argument of the FFT functions). */
function fitAxis(x: Tensor, axis: number, len: number): Tensor {
  const nd = x.shape.length;
  const ax = axis < 0 ? nd + axis : axis;
  const cur = x.shape[ax]!;
  if (cur === len) return x;
  if (cur > len) return sliceAxis(x, ax, 0, len);
  const padShape = [...x.shape];
  padShape[ax] = len - cur;
  return concatenate([x, zeros(padShape)], ax);
}

/** Complex DFT (sign −1) or its inverse (sign +1, scaled 1/L) of (re, im) along `axis`, output length `len`. */
function complexDft(re: Tensor, im: Tensor, axis: number, len: number, inverse: boolean): [Tensor, Tensor] {
  const r = toLast(fitAxis(re, axis, len), axis);
  const i = toLast(fitAxis(im, axis, len), axis);
  const { c, s } = trig(len, len, len);
  const scale = inverse ? 1 / len : 1;
  // forward: (r + i·im)(c − i·s) = (rc + is) + i(ic − rs); inverse: (r + i·im)(c + i·s) = (rc − is) + i(ic + rs)
  const rc = matmul(r, c);
  const is = matmul(i, s);
  const ic = matmul(i, c);
  const rs = matmul(r, s);
  const outRe = inverse ? sub(rc, is) : rc.add(is);
  const outIm = inverse ? ic.add(rs) : sub(ic, rs);
  return [fromLast(mul(outRe, scale), axis), fromLast(mul(outIm, scale), axis)];
}

/**
 * NumPy's `rfftn` over the last `ndims` axes of a real array, as (re, im) pairs `[..., m, 2]`.
 * @internal
 */
export function rfftn(x: Tensor, shape: readonly number[]): Tensor {
  const k = shape.length;
  const n = shape[k - 1]!;
  const m = Math.floor(n / 2) + 1;
  const xl = fitAxis(x, -1, n);
  const { c, s } = trig(n, m, n);
  let re = matmul(xl, c);
  let im = mul(matmul(xl, s), -1);
  for (let a = k - 2; a >= 0; a--) [re, im] = complexDft(re, im, a - k, shape[a]!, false);
  return stackLast([re, im]);
}

/**
 * NumPy's `irfftn` of (re, im) pairs `[..., m, 2]` to a real array whose last `shape.length` axes are `shape`.
 * @internal
 */
export function irfftn(y: Tensor, shape: readonly number[]): Tensor {
  const k = shape.length;
  let re = reshape(sliceAxis(y, -1, 0, 1), y.shape.slice(0, -1));
  let im = reshape(sliceAxis(y, -1, 1, 2), y.shape.slice(0, -1));
  for (let a = 0; a < k - 1; a++) [re, im] = complexDft(re, im, a - k, shape[a]!, true);
  const n = shape[k - 1]!;
  const mIn = re.shape.at(-1)!;
  const m = Math.floor(n / 2) + 1;
  // x_j = (1/n) Σ_k w_k (Re Y_k cos 2πjk/n − Im Y_k sin 2πjk/n); Im of Y_0 (and Y_{n/2}) is ignored
  const { c, s } = trig(m, n, n);
  const cv = c.dataSync() as ArrayLike<number>;
  const sv = s.dataSync() as ArrayLike<number>;
  const cm: number[][] = [];
  const sm: number[][] = [];
  for (let kk = 0; kk < mIn; kk++) {
    const w = kk >= m ? 0 : kk === 0 || 2 * kk === n ? 1 / n : 2 / n;
    cm.push(Array.from({ length: n }, (_, j) => (w === 0 ? 0 : w * cv[kk * n + j]!)));
    sm.push(
      Array.from({ length: n }, (_, j) => (w === 0 || kk === 0 || 2 * kk === n ? 0 : -w * sv[kk * n + j]!)),
    );
  }
  return matmul(re, asTensor(cm)).add(matmul(im, asTensor(sm)));
}

const checkNdims = (where: string, x: Tensor, k: number, extra: number): void => {
  if (x.shape.length < k + extra)
    throw new ShapeError(
      "transform-shape",
      `${where}: needs at least ${k + extra} axes, got shape ${fmtShape(x.shape)}.`,
    );
};

/**
 * The discrete Fourier transform of a real signal over its last `transformNdims` axes (NumPyro's
 * `RealFastFourierTransform`, NumPy's `rfftn`/`irfftn`). Complex numbers are out of Phlox's scope, so the
 * complex coefficients come as (re, im) pairs on a new trailing axis: an input `[..., n]` maps to
 * `[..., n/2 + 1, 2]` (the last transformed axis keeps its non-negative frequencies). log|det J| is NumPyro's
 * (size·log size − log 2·(size − q))/2 with size the number of transformed reals and q = Π (2 if the axis is
 * even, else 1): the Jacobian onto the free real coordinates (imaginary parts that are forced to zero left out).
 * Computed with dense DFT matrices (O(n²) per axis), exact to rounding, differentiable and jit-traceable.
 * @param transformShape - the length of each transformed axis; the input is cropped or zero-padded to it
 *   (default: the input's own size). Needed by `inverse` when the last length is odd.
 * @param transformNdims - how many trailing axes to transform (default 1).
 * @example
 * new RealFastFourierTransform().forward([1, 2, 3, 4]).toArray(); // → [[10, 0], [-2, 2], [-2, 0]]
 */
export class RealFastFourierTransform extends Transform {
  readonly transformShape: readonly number[] | undefined;
  readonly transformNdims: number;
  constructor(transformShape?: number | readonly number[], transformNdims = 1) {
    super();
    const s = typeof transformShape === "number" ? [transformShape] : transformShape;
    if (s !== undefined && s.length !== transformNdims)
      throw new ShapeError(
        "transform-shape",
        `RealFastFourierTransform: transformShape ${fmtShape(s)} has ${s.length} axes but transformNdims is ` +
          `${transformNdims}; give one length per transformed axis.`,
      );
    if (!Number.isInteger(transformNdims) || transformNdims < 1)
      throw new PhloxError(
        "transform-argument",
        `RealFastFourierTransform: transformNdims must be a positive integer, got ${transformNdims}.`,
      );
    this.transformShape = s === undefined ? undefined : [...s];
    this.transformNdims = transformNdims;
  }
  get domain(): Constraint {
    return independent(real, this.transformNdims);
  }
  /** (re, im) pairs: one more event axis than the domain. */
  get codomain(): Constraint {
    return independent(real, this.transformNdims + 1);
  }
  forward(x: TensorLike): Tensor {
    const xt = toFloat(asTensor(x));
    checkNdims("RealFastFourierTransform.forward", xt, this.transformNdims, 0);
    return rfftn(xt, this.transformShape ?? xt.shape.slice(-this.transformNdims));
  }
  inverse(y: TensorLike): Tensor {
    const yt = toFloat(asTensor(y));
    checkNdims("RealFastFourierTransform.inverse", yt, this.transformNdims, 1);
    if (yt.shape.at(-1) !== 2)
      throw new ShapeError(
        "transform-shape",
        `RealFastFourierTransform.inverse: coefficients are (re, im) pairs on the last axis, so the shape must end ` +
          `in 2, got ${fmtShape(yt.shape)}.`,
      );
    return irfftn(yt, this.inverseShape(yt.shape).slice(-this.transformNdims));
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    const k = this.transformNdims;
    const xs = asTensor(x).shape;
    const ys = asTensor(y).shape;
    const batch = broadcastShapes("RealFastFourierTransform", xs.slice(0, -k), ys.slice(0, -k - 1));
    const ev = xs.slice(-k);
    const size = ev.reduce((a, b) => a * b, 1);
    const q = ev.reduce((a, b) => a * (2 - (b % 2)), 1);
    return zeros(batch).add((size * Math.log(size) - Math.LN2 * (size - q)) / 2);
  }
  override forwardShape(shape: readonly number[]): number[] {
    const s = this.transformShape
      ? [...shape.slice(0, shape.length - this.transformNdims), ...this.transformShape]
      : [...shape];
    return [...s.slice(0, -1), Math.floor(s.at(-1)! / 2) + 1, 2];
  }
  override inverseShape(shape: readonly number[]): number[] {
    const lead = shape.slice(0, -1);
    if (this.transformShape)
      return [...lead.slice(0, lead.length - this.transformNdims), ...this.transformShape];
    return [...lead.slice(0, -1), 2 * (lead.at(-1)! - 1)];
  }
}

/**
 * Packs a real vector of length n into the n/2 + 1 complex coefficients of a real signal's DFT (NumPyro's
 * `PackRealFastFourierCoefficientsTransform`): the first n/2 + 1 entries are the real parts, the remaining ones
 * the imaginary parts of coefficients 1, 2, …; the imaginary parts of coefficient 0 (and n/2 for even n) are
 * zero. As in `RealFastFourierTransform`, complex values are (re, im) pairs on a trailing axis, so `[..., n]`
 * maps to `[..., n/2 + 1, 2]`; log|det J| = 0. Compose it with `new RealFastFourierTransform(n).inv` to map free
 * Fourier coefficients to a real signal.
 * @param transformShape - `[n]`; required by `inverse` and `inverseShape`.
 * @example
 * new PackRealFastFourierCoefficientsTransform().forward([1, 2, 3, 4]).toArray(); // → [[1, 0], [2, 4], [3, 0]]
 */
export class PackRealFastFourierCoefficientsTransform extends Transform {
  readonly transformShape: readonly number[] | undefined;
  constructor(transformShape?: number | readonly number[]) {
    super();
    const s = typeof transformShape === "number" ? [transformShape] : transformShape;
    if (s !== undefined && s.length !== 1)
      throw new ShapeError(
        "transform-shape",
        `PackRealFastFourierCoefficientsTransform: packs vectors only, so transformShape must be [n], got ${fmtShape(s)}.`,
      );
    this.transformShape = s === undefined ? undefined : [...s];
  }
  get domain(): Constraint {
    return realVector;
  }
  /** (re, im) pairs of a complex vector. */
  get codomain(): Constraint {
    return independent(real, 2);
  }
  private size(where: string): number {
    const n = this.transformShape?.[0];
    if (n === undefined)
      throw new PhloxError(
        "transform-argument",
        `PackRealFastFourierCoefficientsTransform.${where}: the signal length n is ambiguous (2m − 2 or 2m − 1); ` +
          "pass it to the constructor: new PackRealFastFourierCoefficientsTransform(n).",
      );
    return n;
  }
  forward(x: TensorLike): Tensor {
    const xt = toFloat(asTensor(x));
    checkNdims("PackRealFastFourierCoefficientsTransform.forward", xt, 1, 0);
    const n = xt.shape.at(-1)!;
    if (this.transformShape && this.transformShape[0] !== n)
      throw new ShapeError(
        "transform-shape",
        `PackRealFastFourierCoefficientsTransform.forward: expected vectors of length ${this.transformShape[0]}, ` +
          `got shape ${fmtShape(xt.shape)}.`,
      );
    const m = Math.floor(n / 2) + 1;
    const nImag = n - m;
    const lead = xt.shape.slice(0, -1);
    const re = sliceAxis(xt, -1, 0, m);
    const imParts = [zeros([...lead, 1])];
    if (nImag > 0) imParts.push(sliceAxis(xt, -1, m, n));
    if (m - 1 - nImag > 0) imParts.push(zeros([...lead, m - 1 - nImag]));
    const im = imParts.length === 1 ? imParts[0]! : concatenate(imParts, -1);
    return stackLast([re, im]);
  }
  inverse(y: TensorLike): Tensor {
    const yt = toFloat(asTensor(y));
    const n = this.size("inverse");
    const m = Math.floor(n / 2) + 1;
    if (yt.shape.length < 2 || yt.shape.at(-1) !== 2 || yt.shape.at(-2) !== m)
      throw new ShapeError(
        "transform-shape",
        `PackRealFastFourierCoefficientsTransform.inverse: expected (re, im) pairs [..., ${m}, 2] for n = ${n}, ` +
          `got ${fmtShape(yt.shape)}.`,
      );
    const re = reshape(sliceAxis(yt, -1, 0, 1), yt.shape.slice(0, -1));
    const im = reshape(sliceAxis(yt, -1, 1, 2), yt.shape.slice(0, -1));
    return n - m > 0 ? concatenate([re, sliceAxis(im, -1, 1, n - m + 1)], -1) : re;
  }
  logAbsDetJacobian(x: TensorLike, y: TensorLike): Tensor {
    return zeros(
      broadcastShapes(
        "PackRealFastFourierCoefficientsTransform",
        asTensor(x).shape.slice(0, -1),
        asTensor(y).shape.slice(0, -2),
      ),
    );
  }
  override forwardShape(shape: readonly number[]): number[] {
    return [...shape.slice(0, -1), Math.floor(shape.at(-1)! / 2) + 1, 2];
  }
  override inverseShape(shape: readonly number[]): number[] {
    const n = this.size("inverseShape");
    return [...shape.slice(0, -2), n];
  }
}
