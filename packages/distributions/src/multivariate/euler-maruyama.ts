import { type Constraint, independent, orderedVector, real } from "../constraints/constraint.js";
import { Normal } from "../continuous/normal.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  concatenate,
  type Key,
  mul,
  normal,
  PhloxError,
  reshape,
  ShapeError,
  sliceAxis,
  splitKey,
  sqrt,
  sub,
  sumRightmost,
  type Tensor,
  type TensorLike,
  toFloat,
} from "../internal/ops.js";
import { broadcastShapes, fmtShape } from "../internal/shape.js";

/**
 * Drift and diffusion of an SDE dy = f(y, t) dt + g(y, t) dW, NumPyro's `sde_fn`. NumPyro vmaps it over time
 * steps; Phlox calls it once on all of them, so it must broadcast over leading axes: `y` is
 * `[..., *stateShape]` and `t` is `[..., 1, …, 1]` (one trailing 1 per state axis); it returns `[f, g]`
 * broadcastable to `y`'s shape.
 */
export type SdeFn = (y: Tensor, t: Tensor) => readonly [TensorLike, TensorLike];

/**
 * Euler–Maruyama discretisation of an SDE on the time grid `t` (NumPyro's `EulerMaruyama`):
 * y₀ ~ `initDist`, y_{k+1} | y_k ~ Normal(y_k + Δt_k f(y_k, t_k), √Δt_k · g(y_k, t_k)). Event shape is
 * `[T, ...initDist.eventShape]`; batch shape broadcasts `t`'s leading axes with `initDist.batchShape`.
 * @param t - increasing times, `[..., T]` (constraint orderedVector).
 * @param sdeFn - `(y, t) => [drift, diffusion]`, see {@link SdeFn}.
 * @param initDist - the distribution of y at `t[0]`.
 * @example
 * new EulerMaruyama([0, 1], (y) => [mul(y, 0), 1], new Normal(0, 1)).logProb([0, 0]).item(); // → -1.8378770664093453
 */
export class EulerMaruyama extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { t: orderedVector };
  readonly t: Tensor;
  readonly sdeFn: SdeFn;
  readonly initDist: Distribution;
  constructor(t: TensorLike, sdeFn: SdeFn, initDist: Distribution, options?: DistributionOptions) {
    if (!(initDist instanceof Distribution)) {
      throw new PhloxError("distribution-argument", "EulerMaruyama: initDist must be a Distribution.");
    }
    const tt = toFloat(asTensor(t));
    if (tt.shape.length === 0 || tt.shape.at(-1)! < 2) {
      throw new ShapeError(
        "distribution-shape",
        `EulerMaruyama: t must be a grid of at least 2 times with shape [..., T], got shape ${fmtShape(tt.shape)}.`,
      );
    }
    const batch = broadcastShapes("EulerMaruyama", tt.shape.slice(0, -1), initDist.batchShape);
    super(batch, [tt.shape.at(-1)!, ...initDist.eventShape], options, { t: tt });
    this.t = tt;
    this.sdeFn = sdeFn;
    this.initDist = initDist;
  }
  override get support(): Constraint {
    return independent(real, this.eventShape.length);
  }
  /** `ts` `[..., K]` shaped to broadcast against states `[..., K, *stateShape]`. */
  private timeLike(ts: Tensor): Tensor {
    return reshape(ts, [...ts.shape, ...this.initDist.eventShape.map(() => 1)]);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const T = this.eventShape[0]!;
    const sdim = this.initDist.eventShape.length;
    const [kInit, kNoise] = splitKey(key, 2) as [Key, Key];
    let y = this.initDist.expand([...sampleShape, ...this.batchShape]).sample(kInit);
    const noise = normal(kNoise, [...sampleShape, ...this.batchShape, T - 1, ...this.initDist.eventShape]);
    const timeAxis = -1 - sdim;
    const ys: Tensor[] = [y];
    for (let k = 0; k < T - 1; k++) {
      const tk = reshape(sliceAxis(this.t, -1, k, k + 1), [
        ...this.t.shape.slice(0, -1),
        ...this.initDist.eventShape.map(() => 1),
      ]);
      const dt = sub(reshape(sliceAxis(this.t, -1, k + 1, k + 2), tk.shape), tk);
      const [f, g] = this.sdeFn(y, tk);
      const eps = reshape(sliceAxis(noise, timeAxis, k, k + 1), y.shape);
      y = add(add(y, mul(dt, f)), mul(mul(sqrt(dt), g), eps));
      ys.push(y);
    }
    return concatenate(
      ys.map((v) => reshape(v, [...v.shape.slice(0, v.shape.length - sdim), 1, ...this.initDist.eventShape])),
      timeAxis,
    );
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const v = toFloat(asTensor(value));
    const T = this.eventShape[0]!;
    const sdim = this.initDist.eventShape.length;
    const timeAxis = -1 - sdim;
    const prev = sliceAxis(v, timeAxis, 0, T - 1);
    const next = sliceAxis(v, timeAxis, 1, T);
    const tPrev = this.timeLike(sliceAxis(this.t, -1, 0, T - 1));
    const dt = sub(this.timeLike(sliceAxis(this.t, -1, 1, T)), tPrev);
    const [f, g] = this.sdeFn(prev, tPrev);
    const mu = add(prev, mul(dt, f));
    const sigma = mul(sqrt(dt), g);
    const steps = sumRightmost(new Normal(mu, sigma).logProb(next), 1 + sdim);
    const v0 = reshape(sliceAxis(v, timeAxis, 0, 1), [
      ...v.shape.slice(0, v.shape.length - 1 - sdim),
      ...this.initDist.eventShape,
    ]);
    return add(steps, this.initDist.logProb(v0));
  }
}
