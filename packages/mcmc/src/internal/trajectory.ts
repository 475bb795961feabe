/**
 * The integrator and trajectory builders behind `hmc()`: leapfrog, kinetic energy, momentum draws, the
 * static HMC trajectory and NUTS's iterative tree doubling. Everything works on buffers preallocated once
 * per dimension in {@link Workspace}; the loops allocate nothing (STYLE.md point 8).
 *
 * NUTS follows NumPyro's iterative `build_tree` (hmc_util.py) and Betancourt (2017) "A Conceptual
 * Introduction to Hamiltonian Monte Carlo", appendix A: multinomial sampling (uniform progressive
 * sampling inside a subtree, biased between the old tree and the new subtree), the generalised no-U-turn
 * criterion on the momentum sum (A.4.2) checked over subtrees with checkpoints, and divergence when the
 * energy error exceeds `maxDeltaEnergy`.
 */
import type { ChainRandom } from "@phlox/tensor";

/** U(z) = −log density; writes ∇U(z) into `grad` and returns U(z). */
export type PotentialFn = (z: Float64Array, grad: Float64Array) => number;

/** The mass matrix in the form the integrator uses. */
export interface Mass {
  dense: boolean;
  /** Inverse mass matrix: [d] diagonal or [d·d] row-major. */
  inv: Float64Array;
  /** Momentum scale: [d] 1/√inv (diagonal) or [d·d] lower Cholesky factor of M = inv⁻¹ (dense). */
  sqrt: Float64Array;
}

/** Outputs of one trajectory, written into the workspace's result fields. */
export class Workspace {
  readonly d: number;
  // Tree edges (leapfrog runs in place on the edge it extends).
  zL: Float64Array;
  rL: Float64Array;
  gL: Float64Array;
  zR: Float64Array;
  rR: Float64Array;
  gR: Float64Array;
  // Proposal of the whole tree and of the subtree under construction.
  zP: Float64Array;
  gP: Float64Array;
  zS: Float64Array;
  gS: Float64Array;
  rSum: Float64Array;
  rSumS: Float64Array;
  rCk: Float64Array[];
  rSumCk: Float64Array[];
  v1: Float64Array;
  v2: Float64Array;
  tmp: Float64Array;
  /** The mass matrix of the current transition (reused, so no object is allocated per transition). */
  mass: Mass = { dense: false, inv: new Float64Array(0), sqrt: new Float64Array(0) };
  // Results.
  pe = 0;
  /** K(r) after the last {@link leapfrogK}. */
  kin = 0;
  energy = 0;
  numSteps = 0;
  depth = 0;
  acceptProb = 0;
  diverging = false;

  constructor(d: number, maxTreeDepth: number) {
    this.d = d;
    const f = () => new Float64Array(d);
    this.zL = f();
    this.rL = f();
    this.gL = f();
    this.zR = f();
    this.rR = f();
    this.gR = f();
    this.zP = f();
    this.gP = f();
    this.zS = f();
    this.gS = f();
    this.rSum = f();
    this.rSumS = f();
    this.rCk = Array.from({ length: Math.max(1, maxTreeDepth) }, f);
    this.rSumCk = Array.from({ length: Math.max(1, maxTreeDepth) }, f);
    this.v1 = f();
    this.v2 = f();
    this.tmp = f();
  }
}

/** v = M⁻¹ r. */
export function velocity(m: Mass, r: Float64Array, v: Float64Array): void {
  const d = r.length;
  const inv = m.inv;
  if (m.dense) {
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j < d; j++) s += inv[row + j] * r[j];
      v[i] = s;
    }
  } else {
    for (let i = 0; i < d; i++) v[i] = inv[i] * r[i];
  }
}

/** K(r) = ½ rᵀ M⁻¹ r. */
export function kinetic(m: Mass, r: Float64Array, scratch: Float64Array): number {
  const d = r.length;
  let s = 0;
  if (m.dense) {
    velocity(m, r, scratch);
    for (let i = 0; i < d; i++) s += r[i] * scratch[i];
  } else {
    const inv = m.inv;
    for (let i = 0; i < d; i++) s += inv[i] * r[i] * r[i];
  }
  return 0.5 * s;
}

/** Draws r ~ N(0, M) into `r` (uses `scratch` for the standard normals when dense). */
export function drawMomentum(m: Mass, rng: ChainRandom, r: Float64Array, scratch: Float64Array): void {
  const d = r.length;
  const sq = m.sqrt;
  if (m.dense) {
    for (let i = 0; i < d; i++) scratch[i] = rng.normal();
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j <= i; j++) s += sq[row + j] * scratch[j];
      r[i] = s;
    }
  } else {
    for (let i = 0; i < d; i++) r[i] = sq[i] * rng.normal();
  }
}

/**
 * One velocity-Verlet (leapfrog) step of size `eps`, in place on (z, r, g); returns U at the new z.
 * `v` is scratch for M⁻¹r when the mass is dense.
 */
export function leapfrog(
  U: PotentialFn,
  m: Mass,
  eps: number,
  z: Float64Array,
  r: Float64Array,
  g: Float64Array,
  v: Float64Array,
): number {
  const d = z.length;
  const h = 0.5 * eps;
  for (let i = 0; i < d; i++) r[i] -= h * g[i];
  if (m.dense) {
    velocity(m, r, v);
    for (let i = 0; i < d; i++) z[i] += eps * v[i];
  } else {
    const inv = m.inv;
    for (let i = 0; i < d; i++) z[i] += eps * inv[i] * r[i];
  }
  const pe = U(z, g);
  for (let i = 0; i < d; i++) r[i] -= h * g[i];
  return pe;
}

/**
 * {@link leapfrog} that also leaves K(r) at the new point in `ws.kin` (fused into the last half kick when
 * the mass is diagonal).
 */
export function leapfrogK(
  U: PotentialFn,
  m: Mass,
  eps: number,
  z: Float64Array,
  r: Float64Array,
  g: Float64Array,
  ws: Workspace,
): number {
  if (m.dense) {
    const pe = leapfrog(U, m, eps, z, r, g, ws.tmp);
    ws.kin = kinetic(m, r, ws.tmp);
    return pe;
  }
  const d = z.length;
  const h = 0.5 * eps;
  const inv = m.inv;
  for (let i = 0; i < d; i++) {
    const ri = r[i] - h * g[i];
    r[i] = ri;
    z[i] += eps * inv[i] * ri;
  }
  const pe = U(z, g);
  let k = 0;
  for (let i = 0; i < d; i++) {
    const ri = r[i] - h * g[i];
    r[i] = ri;
    k += inv[i] * ri * ri;
  }
  ws.kin = 0.5 * k;
  return pe;
}

/** Generalised U-turn check (Betancourt 2017, A.4.2): turning unless both v·(ρ − (r_l + r_r)/2) > 0. */
function isTurning(
  m: Mass,
  rLeft: Float64Array,
  rRight: Float64Array,
  rSum: Float64Array,
  ws: Workspace,
): boolean {
  const d = rLeft.length;
  if (!m.dense) {
    const inv = m.inv;
    let a = 0;
    let b = 0;
    for (let i = 0; i < d; i++) {
      const c = inv[i] * (rSum[i] - 0.5 * (rLeft[i] + rRight[i]));
      a += rLeft[i] * c;
      b += rRight[i] * c;
    }
    return a <= 0 || b <= 0;
  }
  const vl = ws.v1;
  const vr = ws.v2;
  velocity(m, rLeft, vl);
  velocity(m, rRight, vr);
  let a = 0;
  let b = 0;
  for (let i = 0; i < d; i++) {
    const c = rSum[i] - 0.5 * (rLeft[i] + rRight[i]);
    a += vl[i] * c;
    b += vr[i] * c;
  }
  return a <= 0 || b <= 0;
}

/** dst ← src (a plain loop: cheaper than `TypedArray.set` for the short vectors of a trajectory). */
function copy(dst: Float64Array, src: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) dst[i] = src[i];
}

function popcount(n: number): number {
  let c = 0;
  let x = n >>> 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === Number.NEGATIVE_INFINITY) return m;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * Static HMC: `numSteps` leapfrog steps from (z, r) then a Metropolis correction. On return the
 * workspace holds the accepted state in (zP, gP, pe, energy) and the statistics.
 */
export function hmcTrajectory(
  U: PotentialFn,
  m: Mass,
  eps: number,
  numSteps: number,
  z0: Float64Array,
  g0: Float64Array,
  pe0: number,
  r0: Float64Array,
  maxDeltaEnergy: number,
  rng: ChainRandom,
  ws: Workspace,
): void {
  const { zR: z, rR: r, gR: g } = ws;
  z.set(z0);
  r.set(r0);
  g.set(g0);
  const e0 = pe0 + kinetic(m, r0, ws.tmp);
  let pe = pe0;
  for (let s = 0; s < numSteps; s++) pe = leapfrog(U, m, eps, z, r, g, ws.tmp);
  const e1 = pe + kinetic(m, r, ws.tmp);
  let delta = e1 - e0;
  if (Number.isNaN(delta)) delta = Number.POSITIVE_INFINITY;
  const accept = delta > 0 ? Math.exp(-delta) : 1;
  ws.acceptProb = accept;
  ws.diverging = delta > maxDeltaEnergy;
  ws.numSteps = numSteps;
  ws.depth = 0;
  if (rng.uniform() < accept) {
    ws.zP.set(z);
    ws.gP.set(g);
    ws.pe = pe;
    ws.energy = e1;
  } else {
    ws.zP.set(z0);
    ws.gP.set(g0);
    ws.pe = pe0;
    ws.energy = e0;
  }
}

/**
 * One NUTS transition from (z0, g0, pe0) with momentum r0: builds the tree by iterative doubling until a
 * U-turn, a divergence or `maxTreeDepth`. The chosen state lands in (zP, gP, pe, energy).
 */
export function nutsTrajectory(
  U: PotentialFn,
  m: Mass,
  eps: number,
  maxTreeDepth: number,
  z0: Float64Array,
  g0: Float64Array,
  pe0: number,
  r0: Float64Array,
  maxDeltaEnergy: number,
  rng: ChainRandom,
  ws: Workspace,
): void {
  const d = ws.d;
  ws.zL.set(z0);
  ws.zR.set(z0);
  ws.rL.set(r0);
  ws.rR.set(r0);
  ws.gL.set(g0);
  ws.gR.set(g0);
  ws.zP.set(z0);
  ws.gP.set(g0);
  ws.rSum.set(r0);
  const e0 = pe0 + kinetic(m, r0, ws.tmp);
  let pePro = pe0;
  let ePro = e0;
  let weight = 0; // log Σ exp(−ΔH) over the tree's leaves
  let depth = 0;
  let turning = false;
  let diverging = false;
  let sumAccept = 0;
  let numLeaves = 0;

  while (depth < maxTreeDepth && !turning && !diverging) {
    const right = rng.uniform() < 0.5;
    const stepEps = right ? eps : -eps;
    const z = right ? ws.zR : ws.zL;
    const r = right ? ws.rR : ws.rL;
    const g = right ? ws.gR : ws.gL;
    // Build a subtree of 2^depth leaves outward from the edge, with checkpoints for U-turn checks.
    const maxLeaves = 2 ** depth;
    let n = 0;
    let wS = Number.NEGATIVE_INFINITY;
    let peS = 0;
    let eS = 0;
    let turnS = false;
    let divS = false;
    const rSumS = ws.rSumS;
    while (n < maxLeaves && !turnS && !divS) {
      const pe = leapfrogK(U, m, stepEps, z, r, g, ws);
      const e = pe + ws.kin;
      let delta = e - e0;
      if (Number.isNaN(delta)) delta = Number.POSITIVE_INFINITY;
      const wLeaf = -delta;
      divS = delta > maxDeltaEnergy;
      sumAccept += delta > 0 ? Math.exp(-delta) : 1;
      if (n === 0) {
        copy(rSumS, r, d);
        copy(ws.zS, z, d);
        copy(ws.gS, g, d);
        peS = pe;
        eS = e;
        wS = wLeaf;
      } else {
        for (let i = 0; i < d; i++) rSumS[i] += r[i];
        // Uniform progressive sampling inside the subtree: P(new leaf) = e^w_leaf / (e^w_S + e^w_leaf).
        const wNew = logAddExp(wS, wLeaf);
        if (rng.uniform() < Math.exp(wLeaf - wNew)) {
          copy(ws.zS, z, d);
          copy(ws.gS, g, d);
          peS = pe;
          eS = e;
        }
        wS = wNew;
      }
      // Checkpoint bookkeeping (NumPyro's _leaf_idx_to_ckpt_idxs): even leaves store (r, ρ) at
      // index popcount(n >> 1); the subtrees ending at this leaf are checked against those checkpoints.
      const idxMax = popcount(n >>> 1);
      const numSub = popcount((~n & (n + 1)) - 1);
      const idxMin = idxMax - numSub + 1;
      if (n % 2 === 0) {
        copy(ws.rCk[idxMax], r, d);
        copy(ws.rSumCk[idxMax], rSumS, d);
      }
      for (let k = idxMax; k >= idxMin && !turnS; k--) {
        const sub = ws.tmp;
        const rs = ws.rSumCk[k];
        const rk = ws.rCk[k];
        for (let i = 0; i < d; i++) sub[i] = rSumS[i] - rs[i] + rk[i];
        turnS = isTurning(m, rk, r, sub, ws); // scratch v1/v2 only, so `sub` (tmp) survives
      }
      n++;
    }
    numLeaves += n;
    // Combine the old tree and the new subtree (biased progressive sampling).
    for (let i = 0; i < d; i++) ws.rSum[i] += rSumS[i];
    const u = rng.uniform();
    if (!turnS && !divS) {
      if (u < Math.exp(wS - weight)) {
        const tz = ws.zP;
        ws.zP = ws.zS;
        ws.zS = tz;
        const tg = ws.gP;
        ws.gP = ws.gS;
        ws.gS = tg;
        pePro = peS;
        ePro = eS;
      }
    }
    weight = logAddExp(weight, wS);
    depth++;
    diverging = divS;
    turning = turnS || isTurning(m, ws.rL, ws.rR, ws.rSum, ws);
  }
  ws.pe = pePro;
  ws.energy = ePro;
  ws.numSteps = numLeaves;
  ws.depth = depth;
  ws.acceptProb = numLeaves > 0 ? sumAccept / numLeaves : 0;
  ws.diverging = diverging;
}
