/**
 * The per-particle side of AutoNormal / AutoDelta on local latents in subsampled plates: the parameters are
 * laid out over the FULL-size latent space (as `DiagNormalFamily` / `PointFamily` of dimension `fullDim`),
 * and a particle reads the rows of its minibatch. Each guide site sits in the model's plates, so its log q is
 * scaled by the plates' size / subsampleSize, as NumPyro's guide plates scale it.
 */
import type { ParticleMode } from "@phlox/vi";
import { softplusAndSigmoid } from "./family.js";
import type { LocalLatents } from "./local-latents.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** A guide's family on the minibatch latent vector, with its parameters over the full-size latent space. */
export interface MinibatchView {
  readonly noiseDim: number;
  /** z on the current minibatch from u and ε; returns the plate-scaled log q (−H in meanfield mode). */
  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number;
  /** grad ← ∂/∂u [U(z) + log q] given gz = ∇U(z), after `forward` with the same u, ε, mode. */
  backward(
    u: Float64Array,
    eps: Float64Array,
    gz: Float64Array,
    grad: Float64Array,
    mode: ParticleMode,
  ): void;
}

/** Mean-field Normal (`"normal"`) or point mass (`"delta"`) read through the minibatch's rows. */
export class MinibatchMeanField implements MinibatchView {
  readonly numParams: number;
  readonly noiseDim: number;
  private readonly r: Float64Array;
  private readonly s: Float64Array;
  private readonly ds: Float64Array;

  constructor(
    private readonly kind: "normal" | "delta",
    private readonly local: LocalLatents,
  ) {
    const D = local.dim;
    this.numParams = kind === "normal" ? 2 * local.fullDim : local.fullDim;
    this.noiseDim = kind === "normal" ? D : 0;
    this.r = new Float64Array(D);
    this.s = new Float64Array(D);
    this.ds = new Float64Array(D);
  }

  /** z = loc[rows] + scale[rows] ε on the current minibatch; returns the plate-scaled log q (−H in meanfield mode). */
  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number {
    const L = this.local;
    L.refresh();
    const D = L.dim;
    const map = L.map;
    if (this.kind === "delta") {
      for (let j = 0; j < D; j++) z[j] = u[map[j]];
      return 0;
    }
    const F = L.fullDim;
    const r = this.r;
    for (let j = 0; j < D; j++) r[j] = u[F + map[j]];
    softplusAndSigmoid(r, 0, D, this.s, this.ds);
    const s = this.s;
    const w = L.weight;
    let lq = 0;
    for (let j = 0; j < D; j++) {
      const e = eps[j];
      z[j] = u[map[j]] + s[j] * e;
      lq -= w[j] * (Math.log(s[j]) + (mode === "meanfield" ? 0.5 : 0.5 * e * e) + HALF_LOG_2PI);
    }
    return lq;
  }

  /** grad ← ∂/∂u [U(z) + log q] given gz = ∇U(z), zero outside the minibatch's rows. */
  backward(_u: Float64Array, eps: Float64Array, gz: Float64Array, grad: Float64Array): void {
    const L = this.local;
    const D = L.dim;
    const map = L.map;
    grad.fill(0);
    for (let j = 0; j < D; j++) grad[map[j]] = gz[j];
    if (this.kind === "delta") return;
    const F = L.fullDim;
    const s = this.s;
    const ds = this.ds;
    const w = L.weight;
    for (let j = 0; j < D; j++) grad[F + map[j]] = (gz[j] * eps[j] - w[j] / s[j]) * ds[j];
  }
}
