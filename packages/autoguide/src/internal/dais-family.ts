/**
 * The family of NumPyro's `AutoDAIS` (differentiable annealed importance sampling / uncorrected Hamiltonian
 * annealing; Geffner & Domke 2021, Zhang et al. 2021): z₀ from a Normal base q₀ (diagonal or
 * `scaled_unit_lower_cholesky`), then K damped leapfrog steps whose target anneals from q₀ to the posterior
 * (β_k = cumsum(increments)/sum; force (1 − β)∇log q₀ + β∇log p), with partial momentum refreshment
 * v ← γ v̂ + √(1 − γ²) ε_k, ε_k ~ N(0, m²). The particle's log q is log q₀(z₀) + Σ_k [log N(v_{k−1}; 0, m) −
 * log N(v̂_k; 0, m)], as NumPyro's `factor` site adds it.
 *
 * Written with `@phlox/tensor` ops, as the BNAF family is: the forward pass is `jit`-compiled and the
 * backward pass is the compiled gradient of gzᵀ z_K(u, ξ) + log q(u, ξ) with respect to u, which runs
 * through ∇U at each step (second derivatives of the model's potential).
 *
 * Noise ξ (length D(K + 1), N(0, 1)): ξ₀ draws z₀, ξ_k (k = 1..K) the momenta ε_{k−1} = m ⊙ ξ_k; as in NumPyro
 * the initial momentum is the last of them.
 * Parameters in order: eta0 (interval(0, etaMax)), eta_coeff, gamma (interval(0, 1)), beta_increments [K]
 * (positive), mass_matrix [D] (positive), z_0_loc [D], then z_0_scale [D] (positive) or a
 * scaled_unit_lower_cholesky block [D, D].
 */
import {
  clamp,
  concatenate,
  cumsum,
  exp,
  grad,
  jit,
  log,
  matmul,
  reshape,
  sigmoid,
  slice,
  softplus,
  square,
  sum,
  type Tensor,
  take,
  tensor,
  triangularSolve,
} from "@phlox/tensor";
import type { ParticleMode } from "@phlox/vi";
import type { LatentFamily, ParamSpec } from "./family.js";
import { type FamilyVjp, familyVjp } from "./family-vjp.js";
import { softplusInv } from "./math.js";
import { monteCarloQuantile } from "./mc-quantile.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The DAIS options the family needs (validated by the guide). */
export interface DaisSettings {
  K: number;
  baseDist: "diagonal" | "cholesky";
  etaInit: number;
  etaMax: number;
  gammaInit: number;
  initScale: number;
}

/** The DAIS family over a `dim`-dimensional latent space, driven by the potential `U` (a tensor function). */
export class DaisFamily implements LatentFamily {
  readonly numParams: number;
  readonly noiseDim: number;
  /** Offsets of the parameter blocks. */
  readonly off: { betaInc: number; mass: number; loc: number; scale: number };
  private readonly lowerIdx: Tensor | null;
  private readonly fwd: (u: Tensor, xi: Tensor) => Tensor[];
  private vjp: FamilyVjp | null = null;

  /** Offset of the extra block (the surrogate model's parameters), after the DAIS parameters. */
  readonly extraOffset: number;

  /**
   * @param dim - D.
   * @param settings - the validated options.
   * @param U - the potential driving the dynamics, given z and the raw (unconstrained) extra block.
   * @param extraInit - initial raw values of an extra block of parameters that `U` reads (AutoSurrogateLikelihoodDAIS's
   *   surrogate parameters); empty for AutoDAIS.
   */
  constructor(
    readonly dim: number,
    readonly settings: DaisSettings,
    private readonly U: (z: Tensor, extra: Tensor) => Tensor,
    private readonly extraInit: Float64Array = new Float64Array(0),
  ) {
    const D = dim;
    const K = settings.K;
    const betaInc = 3;
    const mass = betaInc + K;
    const loc = mass + D;
    const scale = loc + D;
    this.off = { betaInc, mass, loc, scale };
    const scaleSize = settings.baseDist === "diagonal" ? D : (D * (D - 1)) / 2 + D;
    this.extraOffset = scale + scaleSize;
    this.numParams = this.extraOffset + extraInit.length;
    this.noiseDim = D * (K + 1);
    if (settings.baseDist === "cholesky") {
      // index into [0, W...] giving the strictly lower triangle of a D×D matrix by rows
      const idx = new Int32Array(D * D);
      for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) idx[i * D + j] = 1 + (i * (i - 1)) / 2 + j;
      this.lowerIdx = tensor(idx, { dtype: "int32" });
    } else this.lowerIdx = null;
    this.fwd = jit((u: Tensor, xi: Tensor) => this.run(u, xi)) as unknown as (
      u: Tensor,
      xi: Tensor,
    ) => Tensor[];
  }

  /** z_K and log q for parameters u and noise ξ, as tensors (shapes [D] and []). */
  run(u: Tensor, xi: Tensor): [Tensor, Tensor] {
    const D = this.dim;
    const { K, etaMax, baseDist } = this.settings;
    const o = this.off;
    const eta0 = sigmoid(slice(u, [0], [1])).mul(etaMax);
    const etaCoeff = slice(u, [1], [2]);
    const gamma = sigmoid(slice(u, [2], [3]));
    const inc = exp(slice(u, [o.betaInc], [o.betaInc + K]));
    const betas = cumsum(inc, 0).div(sum(inc));
    const m = exp(slice(u, [o.mass], [o.mass + D]));
    const invMass = tensor(0.5).div(m);
    const invM2 = tensor(0.5).div(m.square());
    const loc = slice(u, [o.loc], [o.loc + D]);
    const xi0 = slice(xi, [0], [D]);
    let z0: Tensor;
    let logq0: Tensor;
    let gradLogq0: (z: Tensor) => Tensor;
    if (baseDist === "diagonal") {
      const s = exp(slice(u, [o.scale], [o.scale + D]));
      z0 = loc.add(s.mul(xi0));
      logq0 = sum(square(xi0))
        .mul(-0.5)
        .sub(sum(log(s)))
        .sub(D * HALF_LOG_2PI);
      const invS2 = tensor(1).div(s.square());
      gradLogq0 = (z) => loc.sub(z).mul(invS2);
    } else {
      const nW = (D * (D - 1)) / 2;
      const W = slice(u, [o.scale], [o.scale + nW]);
      const r = slice(u, [o.scale + nW], [o.scale + nW + D]);
      const s = softplus(r);
      const Wfull = reshape(take(concatenate([tensor([0]), W]), this.lowerIdx as Tensor), [D, D]);
      const eye = tensor(
        Float64Array.from({ length: D * D }, (_, k) => (Math.floor(k / D) === k % D ? 1 : 0)),
        { shape: [D, D] },
      );
      const L = reshape(s, [D, 1]).mul(Wfull.add(eye));
      z0 = loc.add(reshape(matmul(L, reshape(xi0, [D, 1])), [D]));
      logq0 = sum(square(xi0))
        .mul(-0.5)
        .sub(sum(log(s)))
        .sub(D * HALF_LOG_2PI);
      gradLogq0 = (z) => {
        const y = triangularSolve(L, reshape(loc.sub(z), [D, 1]), { lower: true, leftSide: true });
        return reshape(triangularSolve(L, y, { lower: true, leftSide: true, transposeA: true }), [D]);
      };
    }
    const extra =
      this.extraInit.length > 0
        ? slice(u, [this.extraOffset], [this.extraOffset + this.extraInit.length])
        : tensor(new Float64Array(0));
    const gradU = grad((z: Tensor) => this.U(z, extra)) as (z: Tensor) => Tensor;
    let z = z0;
    let v = slice(xi, [K * D], [(K + 1) * D]).mul(m);
    let logFactor: Tensor = tensor(0);
    const refresh = gamma.square().neg().add(1).sqrt();
    for (let k = 0; k < K; k++) {
      const beta = slice(betas, [k], [k + 1]);
      const eta = clamp(eta0.add(etaCoeff.mul(beta)), 0, etaMax);
      const step = eta.mul(invMass);
      const zHalf = z.add(v.mul(step));
      const force = gradLogq0(zHalf).mul(beta.neg().add(1)).sub(gradU(zHalf).mul(beta));
      const vHat = v.add(eta.mul(force));
      z = zHalf.add(vHat.mul(step));
      const eps = slice(xi, [(k + 1) * D], [(k + 2) * D]).mul(m);
      // log N(v; 0, m) − log N(v̂; 0, m): the normalisers cancel
      logFactor = logFactor.add(sum(square(vHat).sub(square(v)).mul(invM2)));
      v = gamma.mul(vHat).add(refresh.mul(eps));
    }
    return [z, reshape(logq0.add(logFactor), [])];
  }

  init(z0: Float64Array, u: Float64Array): void {
    const D = this.dim;
    const { K, etaInit, etaMax, gammaInit, initScale, baseDist } = this.settings;
    const o = this.off;
    u.fill(0);
    const p = etaInit / etaMax;
    u[0] = Math.log(p) - Math.log1p(-p);
    u[1] = 0;
    u[2] = Math.log(gammaInit) - Math.log1p(-gammaInit);
    for (let k = 0; k < K; k++) u[o.betaInc + k] = 0; // exp(0) = 1
    for (let i = 0; i < D; i++) {
      u[o.mass + i] = 0;
      u[o.loc + i] = z0[i];
    }
    u.set(this.extraInit, this.extraOffset);
    if (baseDist === "diagonal") for (let i = 0; i < D; i++) u[o.scale + i] = Math.log(initScale);
    else {
      const nW = (D * (D - 1)) / 2;
      for (let i = 0; i < D; i++) u[o.scale + nW + i] = softplusInv(initScale);
    }
  }

  forward(u: Float64Array, eps: Float64Array, z: Float64Array, _mode: ParticleMode): number {
    const [zt, lq] = this.fwd(tensor(Float64Array.from(u)), tensor(Float64Array.from(eps)));
    z.set(zt.dataSync() as Float64Array);
    return (lq.dataSync() as Float64Array)[0];
  }

  private buildVjp(): FamilyVjp {
    const f = (u: Tensor, xi: Tensor, gz: Tensor): Tensor => {
      const [z, lq] = this.run(u, xi);
      return sum(z.mul(gz)).add(lq);
    };
    return familyVjp(f, this.numParams, this.noiseDim, this.dim);
  }

  backward(u: Float64Array, eps: Float64Array, gz: Float64Array, grad: Float64Array): void {
    this.vjp ??= this.buildVjp();
    this.vjp(u, grad, eps, gz);
  }

  /** Monte Carlo median (NumPyro's AutoDAIS has no closed form either). */
  median(u: Float64Array, z: Float64Array): void {
    monteCarloQuantile(this, u, 0.5, z, 1000);
  }

  quantile(u: Float64Array, q: number, z: Float64Array): void {
    monteCarloQuantile(this, u, q, z, 1000);
  }

  /** NumPyro's parameter names; `scaleTrilName` differs between AutoDAIS and AutoSurrogateLikelihoodDAIS. */
  specs(prefix: string, scaleTrilName: string): ParamSpec[] {
    const D = this.dim;
    const { K, etaMax, baseDist } = this.settings;
    const o = this.off;
    const out: ParamSpec[] = [
      { name: `${prefix}_eta0`, shape: [], offset: 0, size: 1, constraint: "interval", high: etaMax },
      { name: `${prefix}_eta_coeff`, shape: [], offset: 1, size: 1, constraint: "real" },
      { name: `${prefix}_gamma`, shape: [], offset: 2, size: 1, constraint: "interval", high: 1 },
      { name: `${prefix}_beta_increments`, shape: [K], offset: o.betaInc, size: K, constraint: "positive" },
      { name: `${prefix}_mass_matrix`, shape: [D], offset: o.mass, size: D, constraint: "positive" },
      { name: `${prefix}_z_0_loc`, shape: [D], offset: o.loc, size: D, constraint: "real" },
    ];
    if (baseDist === "diagonal")
      out.push({ name: `${prefix}_z_0_scale`, shape: [D], offset: o.scale, size: D, constraint: "positive" });
    else
      out.push({
        name: scaleTrilName,
        shape: [D, D],
        offset: o.scale,
        size: (D * (D - 1)) / 2 + D,
        constraint: "scaled_unit_lower_cholesky",
      });
    return out;
  }
}
