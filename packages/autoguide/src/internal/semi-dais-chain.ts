/**
 * The local DAIS chain of NumPyro's `AutoSemiDAIS`, as traceable `@phlox/tensor` code: for the B rows of a
 * minibatch of the subsampled plate, each row's local latent vector (D numbers) starts at z₀ ~ N(loc, scale)
 * and takes K damped, uncorrected leapfrog steps whose target anneals from that base to the row's posterior
 * given the global latents (force (1 − β)∇log q₀ + β (B/N) ∇log p(x, z); the plate scales log p by N/B). The
 * particle loss is U(z_g, z_K) + (N/B) Σ_rows [log q₀(z₀) + Σ_k (log N(v_{k−1}; 0, m) − log N(v̂_k; 0, m))],
 * U the whole model's potential on the minibatch (its local Jacobians scaled by N/B, as NumPyro's Delta
 * sites' `log_density`).
 *
 * Inputs: w = [local DAIS parameters (unconstrained), z_g (the global latent vector)], ξ (N(0, 1), length
 * (K + 1)·B·D: ξ₀ draws z₀, ξ_{k+1} the momentum ε_k = m ⊙ ξ_{k+1}; the initial momentum is ε_{K−1}, as in
 * NumPyro), and the minibatch indices. Parameter blocks in order (NumPyro's): eta0, eta_coeff, gamma,
 * beta_increments, mass_matrix — each per plate element ([N, …]) or shared ([…]) — then z_0_loc [N, D] and
 * z_0_scale [N, D].
 */
import {
  clamp,
  cumsum,
  exp,
  grad,
  log,
  reshape,
  sigmoid,
  slice,
  square,
  sum,
  type Tensor,
  take,
  tensor,
  transpose,
} from "@phlox/tensor";
import type { ParamSpec } from "./family.js";
import type { ChainBase } from "./semi-dais-local-guide.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** A local latent site: its slice of a row's D numbers and where the plate axis sits in its value. */
export interface LocalSite {
  name: string;
  /** Unconstrained shape of the site's value on the minibatch (the plate axis of length B included). */
  shape: number[];
  /** Position of the plate axis in `shape`. */
  axis: number;
  /** Numbers per row, and the first column of the row's vector. */
  rowSize: number;
  col: number;
}

/** A global latent site: its place in the global guide's latent vector. */
export interface GlobalSite {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** The sizes and options that fix the chain. */
export interface ChainShape {
  N: number;
  B: number;
  D: number;
  K: number;
  etaMax: number;
  sharedDynamics: boolean;
  /** Whether the base is the learned Normal (z_0_loc, z_0_scale); false with a local guide. */
  ownBase: boolean;
}

/** Offsets of the local parameter blocks (relative to the start of the local block). */
export function chainOffsets(s: ChainShape): {
  eta0: number;
  etaCoeff: number;
  gamma: number;
  betaInc: number;
  mass: number;
  loc: number;
  scale: number;
  size: number;
} {
  const r = s.sharedDynamics ? 1 : s.N;
  const eta0 = 0;
  const etaCoeff = r;
  const gamma = 2 * r;
  const betaInc = 3 * r;
  const mass = betaInc + r * s.K;
  const loc = mass + r * s.D;
  const scale = loc + s.N * s.D;
  return { eta0, etaCoeff, gamma, betaInc, mass, loc, scale, size: s.ownBase ? scale + s.N * s.D : loc };
}

/** NumPyro's parameter names, shapes and constraints for the local block (offsets relative to it). */
export function chainSpecs(prefix: string, s: ChainShape): ParamSpec[] {
  const o = chainOffsets(s);
  const rows = s.sharedDynamics ? [] : [s.N];
  const r = s.sharedDynamics ? 1 : s.N;
  const { K, D, N, etaMax } = s;
  const specs: ParamSpec[] = [
    { name: `${prefix}_eta0`, shape: rows, offset: o.eta0, size: r, constraint: "interval", high: etaMax },
    { name: `${prefix}_eta_coeff`, shape: rows, offset: o.etaCoeff, size: r, constraint: "real" },
    { name: `${prefix}_gamma`, shape: rows, offset: o.gamma, size: r, constraint: "interval", high: 1 },
    {
      name: `${prefix}_beta_increments`,
      shape: [...rows, K],
      offset: o.betaInc,
      size: r * K,
      constraint: "positive",
    },
    {
      name: `${prefix}_mass_matrix`,
      shape: [...rows, D],
      offset: o.mass,
      size: r * D,
      constraint: "positive",
    },
  ];
  if (s.ownBase)
    specs.push(
      { name: `${prefix}_z_0_loc`, shape: [N, D], offset: o.loc, size: N * D, constraint: "real" },
      { name: `${prefix}_z_0_scale`, shape: [N, D], offset: o.scale, size: N * D, constraint: "positive" },
    );
  return specs;
}

/** Initial unconstrained local parameters (NumPyro's: z_0_loc 0, z_0_scale initScale, unit mass and increments). */
export function chainInit(
  s: ChainShape,
  etaInit: number,
  gammaInit: number,
  initScale: number,
  out: Float64Array,
): void {
  const o = chainOffsets(s);
  const r = s.sharedDynamics ? 1 : s.N;
  const p = etaInit / s.etaMax;
  for (let i = 0; i < r; i++) {
    out[o.eta0 + i] = Math.log(p) - Math.log1p(-p);
    out[o.etaCoeff + i] = 0;
    out[o.gamma + i] = Math.log(gammaInit) - Math.log1p(-gammaInit);
  }
  out.fill(0, o.betaInc, o.loc);
  if (!s.ownBase) return;
  out.fill(0, o.loc, o.loc + s.N * s.D);
  out.fill(Math.log(initScale), o.scale, o.scale + s.N * s.D);
}

/** The row vectors [B, D] of the minibatch, unpacked into the local sites' unconstrained values. */
export function unpackLocal(sites: readonly LocalSite[], B: number, zl: Tensor): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const l of sites) {
    const rowShape = l.shape.filter((_, i) => i !== l.axis);
    const t = reshape(slice(zl, [0, l.col], [B, l.col + l.rowSize]), [B, ...rowShape]);
    const perm = l.shape.map((_, i) => (i < l.axis ? i + 1 : i === l.axis ? 0 : i));
    out[l.name] = transpose(t, perm);
  }
  return out;
}

/**
 * The chain: [loss, z_K] for w = [local parameters, z_g], noise ξ and indices `idx`, where `U(zg, zl, idx)` is
 * the model's potential on the minibatch. With `base` (a local guide, given the local parameters, z_g and the
 * indices) the chain starts from its draw and anneals from its density; ξ₀ is then unused.
 */
export function runChain(
  s: ChainShape,
  numLocal: number,
  dimGlobal: number,
  U: (zg: Tensor, zl: Tensor, idx: Tensor) => Tensor,
  w: Tensor,
  xi: Tensor,
  idx: Tensor,
  base: ((u: Tensor, zg: Tensor, idx: Tensor) => ChainBase) | null = null,
): [Tensor, Tensor] {
  const { N, B, D, K, etaMax, sharedDynamics } = s;
  const o = chainOffsets(s);
  const u = slice(w, [0], [numLocal]);
  const zg = slice(w, [numLocal], [numLocal + dimGlobal]);
  const perRow = (off: number, width: number): Tensor =>
    take(reshape(slice(u, [off], [off + N * width]), [N, width]), idx, 0);
  const rows = (off: number, width: number): Tensor =>
    sharedDynamics ? reshape(slice(u, [off], [off + width]), [1, width]) : perRow(off, width);
  const eta0 = sigmoid(rows(o.eta0, 1)).mul(etaMax);
  const etaCoeff = rows(o.etaCoeff, 1);
  const gamma = sigmoid(rows(o.gamma, 1));
  const inc = exp(rows(o.betaInc, K));
  const cum = cumsum(inc, 1);
  const betas = cum.div(slice(cum, [0, K - 1], [cum.shape[0], K]));
  const m = exp(rows(o.mass, D));
  const invMass = tensor(0.5).div(m);
  const invM2 = tensor(0.5).div(square(m));
  const noise = (k: number): Tensor => reshape(slice(xi, [k * B * D], [(k + 1) * B * D]), [B, D]);
  let z0: Tensor;
  let logq0: Tensor;
  let gradLogq: (z: Tensor) => Tensor;
  if (base !== null) {
    ({ z0, logq0, gradLogq } = base(u, zg, idx));
  } else {
    const loc = perRow(o.loc, D);
    const sc = exp(perRow(o.scale, D));
    const x0 = noise(0);
    z0 = loc.add(sc.mul(x0));
    logq0 = sum(square(x0))
      .mul(-0.5)
      .sub(sum(log(sc)))
      .sub(B * D * HALF_LOG_2PI);
    const invS2 = tensor(1).div(square(sc));
    gradLogq = (z) => loc.sub(z).mul(invS2);
  }
  const gradU = grad((zl: Tensor) => U(zg, zl, idx)) as (zl: Tensor) => Tensor;
  const ratio = B / N;
  let z = z0;
  let v = noise(K).mul(m);
  let logFactor: Tensor = tensor(0);
  const refresh = square(gamma).neg().add(1).sqrt();
  for (let k = 0; k < K; k++) {
    const beta = slice(betas, [0, k], [betas.shape[0], k + 1]);
    const eta = clamp(eta0.add(etaCoeff.mul(beta)), 0, etaMax);
    const step = eta.mul(invMass);
    const zHalf = z.add(v.mul(step));
    const qGrad = gradLogq(zHalf).mul(beta.neg().add(1));
    const pGrad = gradU(zHalf).mul(beta.mul(-ratio));
    const vHat = v.add(eta.mul(qGrad.add(pGrad)));
    z = zHalf.add(vHat.mul(step));
    logFactor = logFactor.add(sum(square(vHat).sub(square(v)).mul(invM2)));
    v = gamma.mul(vHat).add(refresh.mul(noise(k + 1).mul(m)));
  }
  const loss = U(zg, z, idx).add(logq0.add(logFactor).mul(N / B));
  return [reshape(loss, []), z];
}
