/**
 * The inverse autoregressive flow family (Kingma et al. 2016, eq. 10) as NumPyro's `AutoIAFNormal` builds
 * it: ε ~ N(0, I); each of `numFlows` flows maps x ↦ exp(ℓ(x)) ⊙ x + μ(x), with (μ, ℓ) from a MADE network
 * (Germain et al. 2015: masked dense layers, ELU), ℓ clamped to [−5, 3] with the gradient passed through,
 * and the coordinates reversed between flows. log q(z) = log N(ε) − Σ ℓ. Forward and backward passes are
 * hand-written over typed arrays (no tracing per step).
 */
import {
  clamp,
  exp,
  expm1,
  matmul,
  reshape,
  slice,
  sum,
  type Tensor,
  take,
  tensor,
  where,
} from "@phlox/tensor";
import type { ParticleMode } from "@phlox/vi";
import { fillNormal } from "@phlox/vi";
import type { LatentFamily, ParamSpec } from "./family.js";
import { fma } from "./math.js";
import { monteCarloQuantile } from "./mc-quantile.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

interface Layer {
  nIn: number;
  nOut: number;
  /** Offsets of W (nOut × nIn, row-major) and b (nOut) in the flow's parameter block. */
  wOff: number;
  bOff: number;
  mask: Uint8Array;
}

/** Rounds half to even (NumPy's and JAX's `round`). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The degrees of a hidden layer of width h (NumPyro's `sample_mask_indices(D − 1, h)`):
 * jnp.round(jnp.linspace(1, D − 1, h)) in float64, reproduced operation for operation, since which way a value
 * near k + ½ rounds (half to even) depends on the last bit. `jnp.linspace(start, stop, h)` is
 * start·(1 − i/div) + stop·(i/div) for i < div = h − 1, then stop itself; XLA (CPU) compiles the division by
 * the constant div to a product with its reciprocal r = 1/div, reassociates stop·(i·r) to i·(stop·r), and
 * fuses that product into the sum: fma(i, stop·r, start·(1 − i·r)). Equal to NumPyro 0.21 (jax 0.10, x64) for
 * every D in 2..40 and h in 1..120 (fixtures/made-degrees.json); a plain start + i·(stop − start)/div
 * differed in 204 of those 4680 layers.
 */
export function hiddenDegrees(D: number, h: number): number[] {
  const start = 1;
  const stop = D - 1;
  if (h === 1) return [start];
  const div = h - 1;
  const r = 1 / div;
  const stopR = stop * r;
  return Array.from({ length: h }, (_, i) =>
    i === div ? stop : roundHalfEven(fma(i, stopR, start * (1 - i * r))),
  );
}

/**
 * MADE degrees as NumPyro's `create_mask` assigns them (identity permutation): inputs 1..D, hidden units
 * {@link hiddenDegrees}, outputs (μ and ℓ) 1..D; a hidden unit sees inputs of degree ≤ its own, an output
 * hidden units of degree < its own.
 */
function madeLayers(D: number, hidden: readonly number[]): { layers: Layer[]; size: number } {
  const layers: Layer[] = [];
  let prevDeg = Array.from({ length: D }, (_, i) => i + 1);
  let off = 0;
  const dims = [...hidden];
  for (let l = 0; l <= dims.length; l++) {
    const last = l === dims.length;
    const nOut = last ? 2 * D : dims[l];
    const nIn = prevDeg.length;
    const deg = last ? Array.from({ length: 2 * D }, (_, j) => (j % D) + 1) : hiddenDegrees(D, nOut);
    const mask = new Uint8Array(nOut * nIn);
    for (let j = 0; j < nOut; j++)
      for (let i = 0; i < nIn; i++)
        mask[j * nIn + i] = (last ? deg[j] > prevDeg[i] : deg[j] >= prevDeg[i]) ? 1 : 0;
    layers.push({ nIn, nOut, wOff: off, bOff: off + nOut * nIn, mask });
    off += nOut * nIn + nOut;
    prevDeg = deg;
  }
  return { layers, size: off };
}

const LS_MIN = -5;
const LS_MAX = 3;

/** The IAF family over a `dim`-dimensional latent vector. */
export class IafFamily implements LatentFamily {
  readonly numParams: number;
  readonly noiseDim: number;
  readonly layers: Layer[];
  readonly flowSize: number;
  /** Per flow: the input x, per layer the pre-activation and activation, ℓ and exp(ℓ). */
  private readonly xs: Float64Array[];
  private readonly pre: Float64Array[][];
  private readonly act: Float64Array[][];
  private readonly ls: Float64Array[];
  private readonly sc: Float64Array[];
  private readonly gA: Float64Array[];
  private readonly gy: Float64Array;
  private readonly gx: Float64Array;
  constructor(
    readonly dim: number,
    readonly numFlows: number,
    readonly hidden: readonly number[],
  ) {
    const { layers, size } = madeLayers(dim, hidden);
    this.layers = layers;
    this.flowSize = size;
    this.numParams = numFlows * size;
    this.noiseDim = dim;
    const nf = numFlows;
    this.xs = Array.from({ length: nf }, () => new Float64Array(dim));
    this.pre = Array.from({ length: nf }, () => layers.map((L) => new Float64Array(L.nOut)));
    this.act = Array.from({ length: nf }, () => layers.map((L) => new Float64Array(L.nOut)));
    this.ls = Array.from({ length: nf }, () => new Float64Array(dim));
    this.sc = Array.from({ length: nf }, () => new Float64Array(dim));
    this.gA = layers.map((L) => new Float64Array(Math.max(L.nIn, L.nOut)));
    this.gy = new Float64Array(dim);
    this.gx = new Float64Array(dim);
  }

  /** Glorot-normal weights and zero biases, from a fixed key (the flow starts as a random near-identity map). */
  init(_z0: Float64Array, u: Float64Array): void {
    u.fill(0);
    const tmp = new Float64Array(this.flowSize);
    for (let f = 0; f < this.numFlows; f++) {
      fillNormal(0x1af, f, tmp);
      for (const L of this.layers) {
        const sd = Math.sqrt(2 / (L.nIn + L.nOut));
        // the output layer starts small so the initial flow is close to the identity
        const scale = L === this.layers[this.layers.length - 1] ? 0.01 : sd;
        for (let k = 0; k < L.nOut * L.nIn; k++) u[f * this.flowSize + L.wOff + k] = scale * tmp[L.wOff + k];
      }
    }
  }

  /** Runs the MADE of flow f on `x`, leaving activations in the caches; returns nothing. */
  private made(u: Float64Array, f: number, x: Float64Array): void {
    const base = f * this.flowSize;
    let input: Float64Array = x;
    const nl = this.layers.length;
    for (let l = 0; l < nl; l++) {
      const L = this.layers[l];
      const pre = this.pre[f][l];
      const act = this.act[f][l];
      for (let j = 0; j < L.nOut; j++) {
        let s = u[base + L.bOff + j];
        const wo = base + L.wOff + j * L.nIn;
        const mo = j * L.nIn;
        for (let i = 0; i < L.nIn; i++) if (L.mask[mo + i] === 1) s += u[wo + i] * input[i];
        pre[j] = s;
        act[j] = l === nl - 1 ? s : s > 0 ? s : Math.expm1(s);
      }
      input = act;
    }
  }

  forward(u: Float64Array, eps: Float64Array, z: Float64Array, _mode: ParticleMode): number {
    const D = this.dim;
    let lq = -D * HALF_LOG_2PI;
    for (let i = 0; i < D; i++) lq -= 0.5 * eps[i] * eps[i];
    let cur: Float64Array = eps;
    for (let f = 0; f < this.numFlows; f++) {
      const x = this.xs[f];
      // reverse the coordinates between flows
      if (f === 0) x.set(cur);
      else for (let i = 0; i < D; i++) x[i] = cur[D - 1 - i];
      this.made(u, f, x);
      const out = this.act[f][this.layers.length - 1];
      const ls = this.ls[f];
      const sc = this.sc[f];
      for (let i = 0; i < D; i++) {
        const l = Math.min(LS_MAX, Math.max(LS_MIN, out[D + i]));
        ls[i] = l;
        sc[i] = Math.exp(l);
        z[i] = sc[i] * x[i] + out[i];
        lq -= l;
      }
      cur = z;
    }
    return lq;
  }

  /**
   * The flows at parameters u as tensor code (NumPyro's `get_transform` for AutoIAFNormal): ε ↦ z and
   * Σ ℓ = log|det ∂z/∂ε|, ℓ clipped to [−5, 3] as NumPyro's transform clips it.
   */
  tensorTransform(u: Float64Array): (eps: Tensor) => [Tensor, Tensor] {
    const D = this.dim;
    const rev = tensor(
      Int32Array.from({ length: D }, (_, i) => D - 1 - i),
      { dtype: "int32" },
    );
    const flows = Array.from({ length: this.numFlows }, (_, f) =>
      this.layers.map((L) => {
        const base = f * this.flowSize;
        const W = new Float64Array(L.nOut * L.nIn);
        for (let k = 0; k < W.length; k++) W[k] = L.mask[k] === 1 ? u[base + L.wOff + k] : 0;
        return {
          W: tensor(W, { shape: [L.nOut, L.nIn] }),
          b: tensor(u.slice(base + L.bOff, base + L.bOff + L.nOut), { shape: [L.nOut, 1] }),
        };
      }),
    );
    const last = this.layers.length - 1;
    return (eps) => {
      let cur = eps;
      let logDet: Tensor = tensor(0);
      flows.forEach((layers, f) => {
        const x = f === 0 ? cur : take(cur, rev);
        let h = reshape(x, [D, 1]);
        layers.forEach((ly, l) => {
          const pre = matmul(ly.W, h).add(ly.b);
          h = l === last ? pre : where(pre.gt(0), pre, expm1(pre));
        });
        const out = reshape(h, [2 * D]);
        const ls = clamp(slice(out, [D], [2 * D]), LS_MIN, LS_MAX);
        cur = exp(ls)
          .mul(x)
          .add(slice(out, [0], [D]));
        logDet = logDet.add(sum(ls));
      });
      return [cur, logDet];
    };
  }

  backward(u: Float64Array, _eps: Float64Array, gz: Float64Array, grad: Float64Array): void {
    const D = this.dim;
    const nl = this.layers.length;
    const gy = this.gy;
    const gx = this.gx;
    gy.set(gz);
    for (let f = this.numFlows - 1; f >= 0; f--) {
      const base = f * this.flowSize;
      const x = this.xs[f];
      const sc = this.sc[f];
      // d/d(out): μ gets gy, ℓ gets gy·x·exp(ℓ) − 1 (the −Σℓ of log q; the clamp passes gradients)
      let gOut = this.gA[nl - 1];
      for (let i = 0; i < D; i++) {
        gOut[i] = gy[i];
        gOut[D + i] = gy[i] * x[i] * sc[i] - 1;
        gx[i] = gy[i] * sc[i];
      }
      for (let l = nl - 1; l >= 0; l--) {
        const L = this.layers[l];
        const input = l === 0 ? x : this.act[f][l - 1];
        const gIn = l === 0 ? null : this.gA[l - 1];
        if (gIn !== null) gIn.fill(0, 0, L.nIn);
        for (let j = 0; j < L.nOut; j++) {
          const g = gOut[j];
          grad[base + L.bOff + j] = g;
          const wo = base + L.wOff + j * L.nIn;
          const mo = j * L.nIn;
          for (let i = 0; i < L.nIn; i++) {
            if (L.mask[mo + i] === 1) {
              grad[wo + i] = g * input[i];
              if (gIn !== null) gIn[i] += u[wo + i] * g;
              else gx[i] += u[wo + i] * g;
            } else grad[wo + i] = 0;
          }
        }
        if (gIn !== null) {
          // through the ELU of layer l − 1: elu'(p) = 1 (p > 0) or eᵖ
          const pre = this.pre[f][l - 1];
          for (let i = 0; i < L.nIn; i++) gIn[i] *= pre[i] > 0 ? 1 : Math.exp(pre[i]);
          gOut = gIn;
        }
      }
      // undo the reversal for the previous flow's output
      if (f > 0) for (let i = 0; i < D; i++) gy[D - 1 - i] = gx[i];
    }
  }

  /** The image of ε = 0 (the flow's "median" point, as for a Gaussian). */
  median(u: Float64Array, z: Float64Array): void {
    this.forward(u, new Float64Array(this.dim), z, "elbo");
  }

  /** Marginal quantile by Monte Carlo (4000 draws from a fixed key). */
  quantile(u: Float64Array, q: number, z: Float64Array): void {
    monteCarloQuantile(this, u, q, z, 4000);
  }

  /** Parameter names: `<prefix>_arn__<flow>_W<l>` and `_b<l>`, real. */
  specs(prefix: string): ParamSpec[] {
    const out: ParamSpec[] = [];
    for (let f = 0; f < this.numFlows; f++) {
      this.layers.forEach((L, l) => {
        const base = f * this.flowSize;
        out.push({
          name: `${prefix}_arn__${f}_W${l}`,
          shape: [L.nOut, L.nIn],
          offset: base + L.wOff,
          size: L.nOut * L.nIn,
          constraint: "real",
        });
        out.push({
          name: `${prefix}_arn__${f}_b${l}`,
          shape: [L.nOut],
          offset: base + L.bOff,
          size: L.nOut,
          constraint: "real",
        });
      });
    }
    return out;
  }
}
