/**
 * The block neural autoregressive flow family (De Cao, Titov & Aziz 2019) as NumPyro's `AutoBNAFNormal`
 * builds it: ε ~ N(0, I) through `numFlows` BNAF transforms, each a stack of block-masked dense layers
 * (positive diagonal blocks by exp, strictly upper blocks free, weight normalisation) with NumPyro's
 * `LeakyTanh` (tanh(x) + 0.01·x, so each flow maps the reals onto the reals) between them; the
 * log-determinant is carried through the layers as log-sum-exp products of the diagonal blocks'
 * log-Jacobians. Every flow but the last has NumPyro's gated residual (`FanInResidualGated`):
 * y = σ(g)·f(x) + (1 − σ(g))·x, log|dy/dx| = softplus(log|f′| + g) − softplus(g). Coordinates are reversed
 * between flows. log q(z) = log N(ε) − log|det J|.
 *
 * Unlike the other families this one is written with `@phlox/tensor` ops: the forward pass is `jit`-compiled,
 * and the backward pass is the compiled gradient (`@phlox/backend-js`) of gzᵀ T_u(ε) − log|det J_u(ε)|, with
 * ε and gz = ∇U(z) as non-differentiated inputs.
 */
import {
  exp,
  expandDims,
  jit,
  log,
  logaddexp,
  logSumExp,
  matmul,
  reshape,
  sigmoid,
  slice,
  softplus,
  sqrt,
  square,
  sum,
  type Tensor,
  take,
  tanh,
  tensor,
} from "@phlox/tensor";
import type { ParticleMode } from "@phlox/vi";
import { fillNormal } from "@phlox/vi";
import type { LatentFamily, ParamSpec } from "./family.js";
import { type FamilyVjp, familyVjp } from "./family-vjp.js";
import { monteCarloQuantile } from "./mc-quantile.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG2 = Math.log(2);
/** NumPyro's `LeakyTanh(min_grad=0.01)`: tanh(x) + 0.01·x. */
const LEAKY = 0.01;
const LOG_LEAKY = Math.log(LEAKY);

interface DenseLayer {
  inF: number;
  outF: number;
  wOff: number;
  wsOff: number;
  bOff: number;
  maskD: Tensor;
  maskO: Tensor;
  /** Flat indices of the diagonal blocks of a Din×Dout matrix, in [block, in, out] order. */
  diagIdx: Tensor;
}

/** The BNAF family. */
export class BnafFamily implements LatentFamily {
  readonly numParams: number;
  readonly noiseDim: number;
  readonly layers: DenseLayer[];
  /** Parameters of one flow's network; the gates of flows 0..numFlows−2 follow all the networks. */
  readonly flowSize: number;
  private readonly reverse: Tensor;
  private readonly fwd: (u: Tensor, eps: Tensor) => Tensor[];
  private vjp: FamilyVjp | null = null;
  private readonly lastZ: Float64Array;

  constructor(
    readonly dim: number,
    readonly numFlows: number,
    readonly hiddenFactors: readonly number[],
  ) {
    const D = dim;
    const factors = [1, ...hiddenFactors, 1];
    const layers: DenseLayer[] = [];
    let off = 0;
    for (let l = 0; l + 1 < factors.length; l++) {
      const inF = factors[l];
      const outF = factors[l + 1];
      const Din = D * inF;
      const Dout = D * outF;
      const md = new Float64Array(Din * Dout);
      const mo = new Float64Array(Din * Dout);
      for (let r = 0; r < Din; r++)
        for (let c = 0; c < Dout; c++) {
          const br = Math.floor(r / inF);
          const bc = Math.floor(c / outF);
          if (br === bc) md[r * Dout + c] = 1;
          else if (br < bc) mo[r * Dout + c] = 1;
        }
      const idx = new Int32Array(D * inF * outF);
      let k = 0;
      for (let b = 0; b < D; b++)
        for (let i = 0; i < inF; i++)
          for (let j = 0; j < outF; j++) idx[k++] = (b * inF + i) * Dout + b * outF + j;
      layers.push({
        inF,
        outF,
        wOff: off,
        wsOff: off + Din * Dout,
        bOff: off + Din * Dout + Dout,
        maskD: tensor(md, { shape: [Din, Dout] }),
        maskO: tensor(mo, { shape: [Din, Dout] }),
        diagIdx: tensor(idx, { dtype: "int32" }),
      });
      off += Din * Dout + 2 * Dout;
    }
    this.layers = layers;
    this.flowSize = off;
    this.numParams = numFlows * off + (numFlows - 1);
    this.noiseDim = D;
    this.reverse = tensor(
      Int32Array.from({ length: D }, (_, i) => D - 1 - i),
      { dtype: "int32" },
    );
    this.lastZ = new Float64Array(D);
    this.fwd = jit((u: Tensor, eps: Tensor) => {
      const [z, ld] = this.transform(u, eps);
      return [z, ld];
    }) as unknown as (u: Tensor, eps: Tensor) => Tensor[];
  }

  /** T_u(ε) and log|det J|, as tensors (shape [D] and []). */
  transform(u: Tensor, eps: Tensor): [Tensor, Tensor] {
    const D = this.dim;
    let x = eps;
    let total: Tensor = tensor(0);
    for (let f = 0; f < this.numFlows; f++) {
      if (f > 0) x = take(x, this.reverse);
      let h = reshape(x, [1, D]);
      let L: Tensor | null = null;
      const base = f * this.flowSize;
      this.layers.forEach((ly, l) => {
        const Din = D * ly.inF;
        const Dout = D * ly.outF;
        const W = reshape(slice(u, [base + ly.wOff], [base + ly.wOff + Din * Dout]), [Din, Dout]);
        const ws = reshape(slice(u, [base + ly.wsOff], [base + ly.wsOff + Dout]), [1, Dout]);
        const b = reshape(slice(u, [base + ly.bOff], [base + ly.bOff + Dout]), [1, Dout]);
        const w = exp(W).mul(ly.maskD).add(W.mul(ly.maskO));
        const wn = sqrt(sum(square(w), 0, true));
        const wp = exp(ws).mul(w).div(wn);
        const out = matmul(h, wp).add(b);
        const dl = ws.add(W).sub(log(wn));
        const blocks = reshape(take(reshape(dl, [Din * Dout]), ly.diagIdx), [D, ly.inF, ly.outF]);
        L = L === null ? blocks : logSumExp(expandDims(L, 3).add(expandDims(blocks, 1)), 2);
        if (l + 1 < this.layers.length) {
          h = tanh(out).add(out.mul(LEAKY));
          // log(1 − tanh²(x) + 0.01) = logaddexp(log(1 − tanh²(x)), log 0.01)
          const tl = out
            .add(softplus(out.mul(-2)))
            .sub(LOG2)
            .mul(-2);
          L = (L as Tensor).add(reshape(logaddexp(tl, LOG_LEAKY), [D, 1, ly.outF]));
        } else h = out;
      });
      const fx = reshape(h, [D]);
      let ld = reshape(L as unknown as Tensor, [D]);
      if (f + 1 < this.numFlows) {
        const g = reshape(slice(u, [this.gateOffset(f)], [this.gateOffset(f) + 1]), []);
        const gate = sigmoid(g);
        x = gate.mul(fx).add(gate.neg().add(1).mul(x));
        ld = softplus(ld.add(g)).sub(softplus(g));
      } else x = fx;
      total = total.add(sum(ld));
    }
    return [x, total];
  }

  /** Offset of flow f's residual gate (flows 0..numFlows−2). */
  gateOffset(f: number): number {
    return this.numFlows * this.flowSize + f;
  }

  init(_z0: Float64Array, u: Float64Array): void {
    const D = this.dim;
    const tmp = new Float64Array(this.flowSize);
    for (let f = 0; f < this.numFlows; f++) {
      fillNormal(0xb4af, f, tmp);
      const base = f * this.flowSize;
      for (const ly of this.layers) {
        const Din = D * ly.inF;
        const Dout = D * ly.outF;
        const sd = Math.sqrt(2 / (Din + Dout));
        for (let k = 0; k < Din * Dout; k++) u[base + ly.wOff + k] = sd * tmp[ly.wOff + k];
        for (let k = 0; k < Dout; k++) {
          u[base + ly.wsOff + k] = 0;
          u[base + ly.bOff + k] = 0;
        }
      }
    }
    // gates start at 0: each gated flow starts halfway between its network and the identity
    for (let f = 0; f + 1 < this.numFlows; f++) u[this.gateOffset(f)] = 0;
  }

  forward(u: Float64Array, eps: Float64Array, z: Float64Array, _mode: ParticleMode): number {
    const D = this.dim;
    const [zt, ld] = this.fwd(tensor(Float64Array.from(u)), tensor(Float64Array.from(eps)));
    z.set(zt.dataSync() as Float64Array);
    this.lastZ.set(z);
    let lq = -D * HALF_LOG_2PI - (ld.dataSync() as Float64Array)[0];
    for (let i = 0; i < D; i++) lq -= 0.5 * eps[i] * eps[i];
    return lq;
  }

  private buildVjp(): FamilyVjp {
    const f = (u: Tensor, eps: Tensor, gz: Tensor): Tensor => {
      const [z, ld] = this.transform(u, eps);
      return sum(z.mul(gz)).sub(ld);
    };
    return familyVjp(f, this.numParams, this.dim, this.dim);
  }

  backward(u: Float64Array, eps: Float64Array, gz: Float64Array, grad: Float64Array): void {
    this.vjp ??= this.buildVjp();
    this.vjp(u, grad, eps, gz);
  }

  tensorTransform(u: Float64Array): (eps: Tensor) => [Tensor, Tensor] {
    const ut = tensor(Float64Array.from(u));
    return (eps) => this.transform(ut, eps);
  }

  median(u: Float64Array, z: Float64Array): void {
    this.forward(u, new Float64Array(this.dim), z, "elbo");
  }

  quantile(u: Float64Array, q: number, z: Float64Array): void {
    monteCarloQuantile(this, u, q, z, 2000);
  }

  /**
   * Parameter names `<prefix>_arn__<flow>_W<l>`, `_ws<l>` (log weight scales), `_b<l>`, and for every flow
   * but the last `_gate` (the residual gate's logit, NumPyro's `FanInResidualGated` parameter), all real. A gate
   * is required whenever its flow's weights are given (see `ParamSpec.requiredWith`).
   */
  specs(prefix: string): ParamSpec[] {
    const D = this.dim;
    const out: ParamSpec[] = [];
    for (let f = 0; f < this.numFlows; f++) {
      const base = f * this.flowSize;
      this.layers.forEach((ly, l) => {
        const Din = D * ly.inF;
        const Dout = D * ly.outF;
        out.push({
          name: `${prefix}_arn__${f}_W${l}`,
          shape: [Din, Dout],
          offset: base + ly.wOff,
          size: Din * Dout,
          constraint: "real",
        });
        out.push({
          name: `${prefix}_arn__${f}_ws${l}`,
          shape: [Dout],
          offset: base + ly.wsOff,
          size: Dout,
          constraint: "real",
        });
        out.push({
          name: `${prefix}_arn__${f}_b${l}`,
          shape: [Dout],
          offset: base + ly.bOff,
          size: Dout,
          constraint: "real",
        });
      });
    }
    for (let f = 0; f + 1 < this.numFlows; f++) {
      const flow = `${prefix}_arn__${f}_`;
      out.push({
        name: `${flow}gate`,
        shape: [],
        offset: this.gateOffset(f),
        size: 1,
        constraint: "real",
        requiredWith: {
          names: out.filter((s) => s.name.startsWith(flow)).map((s) => s.name),
          why:
            `Flow ${f} of ${this.numFlows} has NumPyro's gated residual, whose gate logit this is. Parameters ` +
            "fitted by an earlier version of AutoBNAFNormal (tanh layers, no gates) describe a different flow: " +
            "refit them with this version.",
        },
      });
    }
    return out;
  }
}
