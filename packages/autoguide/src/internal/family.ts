/**
 * The variational families of the continuous autoguides, on the flat unconstrained latent space, as
 * hand-written allocation-free typed-array code: the reparameterisation z = T_u(ε), log q(z), and the
 * backward pass (the total derivative of the particle loss U(z) + log q(z) with respect to u, given ∇U(z)).
 */
import { ConstraintError, matmul, ndtriScalar, reshape, type Tensor, tensor } from "@phlox/tensor";
import type { ParticleMode } from "@phlox/vi";
import { choleskyInPlace, sigmoid, softplus, softplusInv } from "./math.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** How a block of the flat parameter vector maps to its constrained value. */
export type ParamConstraint =
  | "real"
  | "softplus_positive"
  | "scaled_unit_lower_cholesky"
  | "latent"
  /** NumPyro's `constraints.positive`: exp of the unconstrained value. */
  | "positive"
  /** NumPyro's `constraints.interval(0, high)`: high · sigmoid of the unconstrained value. */
  | "interval";

/** One named parameter: `size` unconstrained numbers at `offset` in the flat vector. */
export interface ParamSpec {
  name: string;
  /** Shape of the constrained value. */
  shape: number[];
  offset: number;
  size: number;
  constraint: ParamConstraint;
  /** For `"interval"` specs: the upper bound (the lower is 0). */
  high?: number;
  /** For `"latent"` specs: the model site whose unconstrained value this block is (name, offset in z). */
  site?: { name: string; offset: number };
  /**
   * Named parameters that need this one: `unconstrainParams` refuses params that give any of `names` but not
   * this parameter (rather than silently keeping its initial value), with `why` in the message (e.g.
   * AutoBNAFNormal's residual gates, which parameters fitted by earlier versions lack).
   */
  requiredWith?: { names: readonly string[]; why: string };
}

/** A variational family over a `dim`-dimensional unconstrained latent vector. */
export interface LatentFamily {
  readonly dim: number;
  readonly numParams: number;
  readonly noiseDim: number;
  /** Writes the initial parameters (from the initial latent point z0) into `u`. */
  init(z0: Float64Array, u: Float64Array): void;
  /** z = T_u(ε); returns log q(z), or −H[q] in `"meanfield"` mode when closed form. */
  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number;
  /** grad ← ∂/∂u [U(T_u(ε)) + log q] given gz = ∇U(z), after `forward` with the same u, ε, mode. */
  backward(
    u: Float64Array,
    eps: Float64Array,
    gz: Float64Array,
    grad: Float64Array,
    mode: ParticleMode,
  ): void;
  /** The latent median (for a Gaussian family, the mean). */
  median(u: Float64Array, z: Float64Array): void;
  /** Marginal quantile q of each latent coordinate. */
  quantile(u: Float64Array, q: number, z: Float64Array): void;
  /**
   * The family's map from its base N(0, I) noise (length `dim`) to z at parameters u, as traceable tensor
   * code returning [z, log|det ∂z/∂ε|] (NumPyro's `get_transform`); absent when the family has none.
   */
  tensorTransform?(u: Float64Array): (eps: Tensor) => [Tensor, Tensor];
}

/** z = loc + L ε for a constant lower-triangular L (D×D row-major): NumPyro's `LowerCholeskyAffine`. */
export function affineTransform(
  loc: Float64Array,
  L: Float64Array,
  dim: number,
): (eps: Tensor) => [Tensor, Tensor] {
  let logDet = 0;
  for (let i = 0; i < dim; i++) logDet += Math.log(L[i * dim + i]);
  const locT = tensor(Float64Array.from(loc));
  const LT = tensor(Float64Array.from(L), { shape: [dim, dim] });
  return (eps) => [locT.add(reshape(matmul(LT, reshape(eps, [dim, 1])), [dim])), tensor(logDet)];
}

/**
 * Σ log xᵢ over a block by products of 16 terms (one `Math.log` per 16 numbers; each xᵢ is a softplus
 * scale in a range where a product of 16 cannot over- or underflow — guarded anyway).
 */
export function sumLog(x: Float64Array, n: number): number {
  let acc = 0;
  let p = 1;
  for (let i = 0; i < n; i++) {
    p *= x[i];
    if ((i & 15) === 15 || p < 1e-280 || p > 1e280) {
      acc += Math.log(p);
      p = 1;
    }
  }
  return acc + Math.log(p);
}

/**
 * softplus(r) into s[i] and its derivative σ(r) into d[i] with one `exp` and one `log1p`.
 */
export function softplusAndSigmoid(
  u: Float64Array,
  off: number,
  n: number,
  s: Float64Array,
  d: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const r = u[off + i];
    const e = Math.exp(-Math.abs(r));
    s[i] = Math.max(r, 0) + Math.log1p(e);
    d[i] = r >= 0 ? 1 / (1 + e) : e / (1 + e);
  }
}

/** q = Normal(loc, softplus(r)) coordinate-wise. u = [loc (D), r (D)]. */
export class DiagNormalFamily implements LatentFamily {
  readonly numParams: number;
  readonly noiseDim: number;
  private readonly s: Float64Array;
  private readonly ds: Float64Array;
  constructor(
    readonly dim: number,
    private readonly initScale: number,
  ) {
    this.numParams = 2 * dim;
    this.noiseDim = dim;
    this.s = new Float64Array(dim);
    this.ds = new Float64Array(dim);
  }
  init(z0: Float64Array, u: Float64Array): void {
    const D = this.dim;
    const r = softplusInv(this.initScale);
    for (let i = 0; i < D; i++) {
      u[i] = z0[i];
      u[D + i] = r;
    }
  }
  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number {
    const D = this.dim;
    const s = this.s;
    softplusAndSigmoid(u, D, D, s, this.ds);
    let sq = 0;
    for (let i = 0; i < D; i++) {
      const e = eps[i];
      z[i] = u[i] + s[i] * e;
      sq += e * e;
    }
    const half = mode === "meanfield" ? 0.5 * D : 0.5 * sq;
    return -sumLog(s, D) - half - D * HALF_LOG_2PI;
  }
  backward(_u: Float64Array, eps: Float64Array, gz: Float64Array, grad: Float64Array): void {
    const D = this.dim;
    const s = this.s;
    const ds = this.ds;
    for (let i = 0; i < D; i++) {
      grad[i] = gz[i];
      grad[D + i] = (gz[i] * eps[i] - 1 / s[i]) * ds[i];
    }
  }
  median(u: Float64Array, z: Float64Array): void {
    for (let i = 0; i < this.dim; i++) z[i] = u[i];
  }
  quantile(u: Float64Array, q: number, z: Float64Array): void {
    const D = this.dim;
    const c = ndtriScalar(q);
    for (let i = 0; i < D; i++) z[i] = u[i] + softplus(u[D + i]) * c;
  }
  tensorTransform(u: Float64Array): (eps: Tensor) => [Tensor, Tensor] {
    const D = this.dim;
    const L = new Float64Array(D * D);
    for (let i = 0; i < D; i++) L[i * D + i] = softplus(u[D + i]);
    return affineTransform(u.subarray(0, D), L, D);
  }
}

/**
 * q = MVN(loc, L Lᵀ) with L = diag(s)(I + W), W strictly lower, s = softplus(r) (NumPyro's
 * `scaled_unit_lower_cholesky`). u = [loc (D), W by rows (D(D−1)/2), r (D)].
 */
export class MvnFamily implements LatentFamily {
  readonly numParams: number;
  readonly noiseDim: number;
  private readonly t: Float64Array;
  constructor(
    readonly dim: number,
    private readonly initScale: number,
  ) {
    this.numParams = 2 * dim + (dim * (dim - 1)) / 2;
    this.noiseDim = dim;
    this.t = new Float64Array(dim);
  }
  /** Offset of the r block. */
  get rOffset(): number {
    return this.dim + (this.dim * (this.dim - 1)) / 2;
  }
  init(z0: Float64Array, u: Float64Array): void {
    const D = this.dim;
    u.fill(0);
    for (let i = 0; i < D; i++) u[i] = z0[i];
    const r = softplusInv(this.initScale);
    for (let i = 0; i < D; i++) u[this.rOffset + i] = r;
  }
  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number {
    const D = this.dim;
    const ro = this.rOffset;
    const t = this.t;
    let lq = 0;
    for (let i = 0; i < D; i++) {
      let ti = eps[i];
      const wo = D + (i * (i - 1)) / 2;
      for (let j = 0; j < i; j++) ti += u[wo + j] * eps[j];
      t[i] = ti;
      const s = softplus(u[ro + i]);
      z[i] = u[i] + s * ti;
      // "meanfield": −H[q] = −Σ log s − D/2 (1 + log 2π); same gradient as the sampled log q
      lq -= Math.log(s) + (mode === "meanfield" ? 0.5 : 0.5 * eps[i] * eps[i]);
    }
    return lq - D * HALF_LOG_2PI;
  }
  backward(u: Float64Array, eps: Float64Array, gz: Float64Array, grad: Float64Array): void {
    const D = this.dim;
    const ro = this.rOffset;
    const t = this.t;
    for (let i = 0; i < D; i++) {
      grad[i] = gz[i];
      const r = u[ro + i];
      const s = softplus(r);
      const gs = gz[i] * s;
      const wo = D + (i * (i - 1)) / 2;
      for (let j = 0; j < i; j++) grad[wo + j] = gs * eps[j];
      grad[ro + i] = (gz[i] * t[i] - 1 / s) * sigmoid(r);
    }
  }
  median(u: Float64Array, z: Float64Array): void {
    for (let i = 0; i < this.dim; i++) z[i] = u[i];
  }
  quantile(u: Float64Array, q: number, z: Float64Array): void {
    const D = this.dim;
    const c = ndtriScalar(q);
    const ro = this.rOffset;
    for (let i = 0; i < D; i++) {
      const wo = D + (i * (i - 1)) / 2;
      let ss = 1;
      for (let j = 0; j < i; j++) ss += u[wo + j] * u[wo + j];
      z[i] = u[i] + softplus(u[ro + i]) * Math.sqrt(ss) * c;
    }
  }
  tensorTransform(u: Float64Array): (eps: Tensor) => [Tensor, Tensor] {
    const L = new Float64Array(this.dim * this.dim);
    this.scaleTril(u, L);
    return affineTransform(u.subarray(0, this.dim), L, this.dim);
  }
  /** The constrained lower factor L (D×D row-major) from u. */
  scaleTril(u: Float64Array, out: Float64Array): void {
    const D = this.dim;
    out.fill(0);
    for (let i = 0; i < D; i++) {
      const s = softplus(u[this.rOffset + i]);
      const wo = D + (i * (i - 1)) / 2;
      for (let j = 0; j < i; j++) out[i * D + j] = s * u[wo + j];
      out[i * D + i] = s;
    }
  }
  /** Writes the unconstrained W and r blocks of `u` for a lower-triangular L with positive diagonal. */
  unconstrainScaleTril(L: Float64Array, u: Float64Array, name: string): void {
    const D = this.dim;
    for (let i = 0; i < D; i++) {
      const s = L[i * D + i];
      if (!(s > 0)) {
        throw new ConstraintError(
          "autoguide-scale-tril",
          `${name}: the diagonal of scale_tril must be positive, got ${s} at [${i}, ${i}].`,
        );
      }
      const wo = D + (i * (i - 1)) / 2;
      for (let j = 0; j < i; j++) u[wo + j] = L[i * D + j] / s;
      u[this.rOffset + i] = softplusInv(s);
    }
  }
}

/**
 * q = LowRankMVN(loc, diag(s)(V Vᵀ + I)diag(s)) with s = softplus(r) (NumPyro's parameterisation of
 * `AutoLowRankMultivariateNormal`): z = loc + s ⊙ (V η + ε), η ~ N(0, I_R), ε ~ N(0, I_D).
 * u = [loc (D), V by rows (D·R), r (D)]; noise = [η (R), ε (D)]. log q uses the Woodbury identity with
 * K = I_R + VᵀV; its total derivative in V is −V K⁻¹ − a(η − Vᵀa)ᵀ with a = (VVᵀ + I)⁻¹ t.
 */
export class LowRankFamily implements LatentFamily {
  readonly numParams: number;
  readonly noiseDim: number;
  private readonly t: Float64Array;
  private readonly a: Float64Array;
  private readonly K: Float64Array;
  private readonly VKinv: Float64Array;
  private readonly w: Float64Array;
  private readonly e: Float64Array;
  constructor(
    readonly dim: number,
    readonly rank: number,
    private readonly initScale: number,
  ) {
    this.numParams = 2 * dim + dim * rank;
    this.noiseDim = rank + dim;
    this.t = new Float64Array(dim);
    this.a = new Float64Array(dim);
    this.K = new Float64Array(rank * rank);
    this.VKinv = new Float64Array(dim * rank);
    this.w = new Float64Array(rank);
    this.e = new Float64Array(rank);
  }
  get rOffset(): number {
    return this.dim + this.dim * this.rank;
  }
  init(z0: Float64Array, u: Float64Array): void {
    u.fill(0);
    for (let i = 0; i < this.dim; i++) {
      u[i] = z0[i];
      u[this.rOffset + i] = softplusInv(this.initScale);
    }
  }
  forward(u: Float64Array, eps: Float64Array, z: Float64Array, mode: ParticleMode): number {
    const D = this.dim;
    const R = this.rank;
    const ro = this.rOffset;
    const { t, a, K, w } = this;
    // K = I + VᵀV, then its Cholesky factor
    K.fill(0);
    for (let i = 0; i < D; i++) {
      const vo = D + i * R;
      for (let k = 0; k < R; k++) for (let l = 0; l <= k; l++) K[k * R + l] += u[vo + k] * u[vo + l];
    }
    for (let k = 0; k < R; k++) {
      K[k * R + k] += 1;
      for (let l = k + 1; l < R; l++) K[k * R + l] = K[l * R + k];
    }
    choleskyInPlace(K, R);
    let logdetK = 0;
    for (let k = 0; k < R; k++) logdetK += 2 * Math.log(K[k * R + k]);
    let lq = 0;
    for (let i = 0; i < D; i++) {
      const vo = D + i * R;
      let ti = eps[R + i];
      for (let k = 0; k < R; k++) ti += u[vo + k] * eps[k];
      t[i] = ti;
      const s = softplus(u[ro + i]);
      z[i] = u[i] + s * ti;
      lq -= Math.log(s);
    }
    if (mode === "meanfield") return lq - 0.5 * logdetK - D * (HALF_LOG_2PI + 0.5);
    // a = t − V K⁻¹ Vᵀ t
    w.fill(0);
    for (let i = 0; i < D; i++) {
      const vo = D + i * R;
      for (let k = 0; k < R; k++) w[k] += u[vo + k] * t[i];
    }
    this.cholSolveK(w);
    let quad = 0;
    for (let i = 0; i < D; i++) {
      const vo = D + i * R;
      let vw = 0;
      for (let k = 0; k < R; k++) vw += u[vo + k] * w[k];
      a[i] = t[i] - vw;
      quad += t[i] * a[i];
    }
    return lq - 0.5 * logdetK - 0.5 * quad - D * HALF_LOG_2PI;
  }
  private cholSolveK(b: Float64Array): void {
    const R = this.rank;
    const L = this.K;
    for (let i = 0; i < R; i++) {
      let s = b[i];
      for (let k = 0; k < i; k++) s -= L[i * R + k] * b[k];
      b[i] = s / L[i * R + i];
    }
    for (let i = R - 1; i >= 0; i--) {
      let s = b[i];
      for (let k = i + 1; k < R; k++) s -= L[k * R + i] * b[k];
      b[i] = s / L[i * R + i];
    }
  }
  backward(
    u: Float64Array,
    eps: Float64Array,
    gz: Float64Array,
    grad: Float64Array,
    mode: ParticleMode,
  ): void {
    const D = this.dim;
    const R = this.rank;
    const ro = this.rOffset;
    const { t, a, VKinv, e } = this;
    // V K⁻¹ by rows (K symmetric)
    for (let i = 0; i < D; i++) {
      const vo = D + i * R;
      for (let k = 0; k < R; k++) e[k] = u[vo + k];
      this.cholSolveK(e);
      for (let k = 0; k < R; k++) VKinv[i * R + k] = e[k];
    }
    const full = mode !== "meanfield";
    // e = η − Vᵀ a
    if (full) {
      for (let k = 0; k < R; k++) e[k] = eps[k];
      for (let i = 0; i < D; i++) {
        const vo = D + i * R;
        for (let k = 0; k < R; k++) e[k] -= u[vo + k] * a[i];
      }
    }
    for (let i = 0; i < D; i++) {
      grad[i] = gz[i];
      const r = u[ro + i];
      const s = softplus(r);
      const gs = gz[i] * s;
      const vo = D + i * R;
      for (let k = 0; k < R; k++) {
        let g = gs * eps[k] - VKinv[i * R + k];
        if (full) g -= a[i] * e[k];
        grad[vo + k] = g;
      }
      grad[ro + i] = (gz[i] * t[i] - 1 / s) * sigmoid(r);
    }
  }
  median(u: Float64Array, z: Float64Array): void {
    for (let i = 0; i < this.dim; i++) z[i] = u[i];
  }
  quantile(u: Float64Array, q: number, z: Float64Array): void {
    const D = this.dim;
    const R = this.rank;
    const c = ndtriScalar(q);
    for (let i = 0; i < D; i++) {
      let ss = 1;
      for (let k = 0; k < R; k++) ss += u[D + i * R + k] ** 2;
      z[i] = u[i] + softplus(u[this.rOffset + i]) * Math.sqrt(ss) * c;
    }
  }
  /** LowerCholeskyAffine(loc, cholesky(covariance)), as NumPyro's `get_transform`. */
  tensorTransform(u: Float64Array): (eps: Tensor) => [Tensor, Tensor] {
    const D = this.dim;
    const R = this.rank;
    const C = new Float64Array(D * D);
    for (let i = 0; i < D; i++)
      for (let j = 0; j < D; j++) {
        let v = i === j ? 1 : 0;
        for (let k = 0; k < R; k++) v += u[D + i * R + k] * u[D + j * R + k];
        C[i * D + j] = softplus(u[this.rOffset + i]) * v * softplus(u[this.rOffset + j]);
      }
    if (!choleskyInPlace(C, D)) {
      throw new ConstraintError(
        "autoguide-covariance",
        "LowRankMultivariateNormal: the covariance is not positive definite.",
      );
    }
    return affineTransform(u.subarray(0, D), C, D);
  }
}

/** A point mass at loc (AutoDelta, and AutoLaplaceApproximation while it finds the mode). u = [loc (D)]. */
export class PointFamily implements LatentFamily {
  readonly numParams: number;
  readonly noiseDim = 0;
  constructor(readonly dim: number) {
    this.numParams = dim;
  }
  init(z0: Float64Array, u: Float64Array): void {
    u.set(z0.subarray(0, this.dim));
  }
  forward(u: Float64Array, _eps: Float64Array, z: Float64Array): number {
    for (let i = 0; i < this.dim; i++) z[i] = u[i];
    return 0;
  }
  backward(_u: Float64Array, _eps: Float64Array, gz: Float64Array, grad: Float64Array): void {
    for (let i = 0; i < this.dim; i++) grad[i] = gz[i];
  }
  median(u: Float64Array, z: Float64Array): void {
    for (let i = 0; i < this.dim; i++) z[i] = u[i];
  }
  quantile(u: Float64Array, _q: number, z: Float64Array): void {
    this.median(u, z);
  }
}
